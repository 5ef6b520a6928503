package io.github.exchangevss.metrics;

import io.github.exchangevss.lifecycle.ComputerSnapshot;
import io.github.exchangevss.lifecycle.DurationHistogram;
import io.github.exchangevss.lifecycle.EngineSnapshot;
import io.github.exchangevss.lifecycle.EventCount;
import io.github.exchangevss.lifecycle.ExchangeWriters;
import io.github.exchangevss.lifecycle.Outcome;
import io.github.exchangevss.lifecycle.Remediation;
import io.github.exchangevss.source.SourceStatus;
import io.prometheus.client.Collector;
import io.prometheus.client.CounterMetricFamily;
import io.prometheus.client.GaugeMetricFamily;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Renders one engine snapshot and the source statuses as the {@code exchange_vss_*} metrics.
 *
 * <p>Every scrape builds fresh samples from a single {@link EngineSnapshot}, so the series of one scrape never mix
 * two moments of the engine. Times are gauge values in seconds since the epoch, never sample timestamps.
 */
public final class ExporterCollector extends Collector implements Collector.Describable {
    static final String PREFIX = "exchange_vss_";
    /** The label value of {@code level} for events whose record has no level (Windows level 0, "LogAlways"). */
    static final String MISSING_LEVEL = "0";

    private static final String SCRAPE_DURATION = PREFIX + "scrape_duration_seconds";
    private static final String SCRAPE_DURATION_HELP =
            "Time the exporter took to build the samples of this scrape, in seconds.";
    private static final List<String> COMPUTER = List.of("computer");
    private static final List<String> SOURCE = List.of("source");

    private final Supplier<EngineSnapshot> engine;
    private final Supplier<List<SourceStatus.Snapshot>> sources;
    private final BuildInfo buildInfo;

    public ExporterCollector(Supplier<EngineSnapshot> engine, Supplier<List<SourceStatus.Snapshot>> sources,
            BuildInfo buildInfo) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.sources = Objects.requireNonNull(sources, "sources");
        this.buildInfo = Objects.requireNonNull(buildInfo, "buildInfo");
    }

    @Override
    public List<MetricFamilySamples> collect() {
        long start = System.nanoTime();
        List<MetricFamilySamples> families = families(engine.get(), sources.get());
        families.add(new GaugeMetricFamily(SCRAPE_DURATION, SCRAPE_DURATION_HELP, (System.nanoTime() - start) / 1e9));
        return families;
    }

    /** The same families as {@link #collect()} without reading the engine, so registering checks names only. */
    @Override
    public List<MetricFamilySamples> describe() {
        List<MetricFamilySamples> families = families(new EngineSnapshot(Instant.EPOCH, List.of(), List.of()), List.of());
        families.add(new GaugeMetricFamily(SCRAPE_DURATION, SCRAPE_DURATION_HELP, List.of()));
        return families;
    }

    private List<MetricFamilySamples> families(EngineSnapshot snapshot, List<SourceStatus.Snapshot> sourceSnapshots) {
        List<MetricFamilySamples> families = new ArrayList<>();
        addEventFamilies(families, snapshot.events());
        addComputerFamilies(families, snapshot.computers());
        families.add(new GaugeMetricFamily(PREFIX + "exporter_build_info",
                "Always 1; the labels give the exporter's version and source revision.",
                List.of("version", "revision"))
                .addMetric(List.of(buildInfo.version(), buildInfo.revision()), 1));
        addSourceFamilies(families, sourceSnapshots);
        return families;
    }

    private static void addEventFamilies(List<MetricFamilySamples> families, List<EventCount> events) {
        CounterMetricFamily total = new CounterMetricFamily(PREFIX + "events_total",
                "Writer-related events read (providers of --events.providers), by computer, provider, event ID and"
                        + " Windows level (0 when the event has none).",
                List.of("computer", "provider", "event_id", "level"));
        // One event ID can be logged at several levels; its last time is the newest over all of them.
        Map<List<String>, Instant> lastTimes = new LinkedHashMap<>();
        for (EventCount event : events) {
            String eventId = Integer.toString(event.eventId());
            String level = event.level() == null ? MISSING_LEVEL : event.level().toString();
            total.addMetric(List.of(event.computer(), event.provider(), eventId, level), event.count());
            if (event.lastTimestamp() != null) {
                lastTimes.merge(List.of(event.computer(), event.provider(), eventId), event.lastTimestamp(),
                        (a, b) -> a.isAfter(b) ? a : b);
            }
        }
        GaugeMetricFamily last = new GaugeMetricFamily(PREFIX + "event_last_timestamp_seconds",
                "Time the newest event of this computer, provider and event ID was logged, in seconds since the epoch.",
                List.of("computer", "provider", "event_id"));
        lastTimes.forEach((labels, time) -> last.addMetric(labels, seconds(time)));
        families.add(total);
        families.add(last);
        GaugeMetricFamily writers = new GaugeMetricFamily(PREFIX + "writer_info",
                "1 for each Exchange VSS writer whose events the computer logged: information_store (MSExchangeIS,"
                        + " followed through KB 910250) or replication_service (MSExchangeRepl, Exchange 2013 on: counted only).",
                List.of("computer", "writer"));
        ExchangeWriters.seen(events).forEach((computer, seen) -> seen.forEach(w -> writers.addMetric(List.of(computer, w), 1)));
        families.add(writers);
    }

    private static void addComputerFamilies(List<MetricFamilySamples> families, List<ComputerSnapshot> computers) {
        GaugeMetricFamily inProgress = new GaugeMetricFamily(PREFIX + "backup_in_progress",
                "1 while the Exchange VSS writer's backupInProgress flag is set, inferred from its events, else 0.",
                COMPUTER);
        GaugeMetricFamily stuck = new GaugeMetricFamily(PREFIX + "backup_in_progress_stuck",
                "1 when the backupInProgress flag is set and nothing will clear it by itself, else 0.", COMPUTER);
        GaugeMetricFamily since = new GaugeMetricFamily(PREFIX + "backup_in_progress_since_timestamp_seconds",
                "Time the backupInProgress flag was set, in seconds since the epoch; 0 when it is not set.", COMPUTER);
        GaugeMetricFamily remediation = new GaugeMetricFamily(PREFIX + "remediation",
                "1 for the method of KB 910250 that applies now, 0 for the others.",
                List.of("computer", "method", "action"));
        CounterMetricFamily attempts = new CounterMetricFamily(PREFIX + "backup_attempts_total",
                "Snapshot backup attempts seen, by how they ended.", List.of("computer", "outcome"));
        GaugeMetricFamily lastSuccess = new GaugeMetricFamily(PREFIX + "last_successful_backup_timestamp_seconds",
                "End of the last completed backup, in seconds since the epoch; absent until one is seen.", COMPUTER);
        List<MetricFamilySamples.Sample> durationSamples = new ArrayList<>();

        for (ComputerSnapshot computer : computers) {
            List<String> name = List.of(computer.computer());
            inProgress.addMetric(name, flag(computer.backupInProgress()));
            stuck.addMetric(name, flag(computer.stuck()));
            since.addMetric(name, computer.backupInProgress() && computer.inProgressSince() != null
                    ? seconds(computer.inProgressSince()) : 0);
            for (Remediation method : Remediation.values()) {
                remediation.addMetric(List.of(computer.computer(), Integer.toString(method.method()), method.action()),
                        flag(method == computer.remediation()));
            }
            for (Outcome outcome : Outcome.values()) {
                attempts.addMetric(List.of(computer.computer(), outcome.label()),
                        computer.attempts().getOrDefault(outcome, 0L));
            }
            if (computer.lastSuccessfulBackup() != null) {
                lastSuccess.addMetric(name, seconds(computer.lastSuccessfulBackup()));
            }
            addDurationSamples(durationSamples, computer.computer(), computer.durations());
        }
        families.add(inProgress);
        families.add(stuck);
        families.add(since);
        families.add(remediation);
        families.add(attempts);
        families.add(lastSuccess);
        families.add(new MetricFamilySamples(PREFIX + "backup_duration_seconds", Type.HISTOGRAM,
                "Duration of completed snapshot backups, in seconds.", durationSamples));
    }

    private static void addDurationSamples(List<MetricFamilySamples.Sample> samples, String computer, DurationHistogram.Snapshot durations) {
        String name = PREFIX + "backup_duration_seconds";
        DurationHistogram.Snapshot histogram = durations == null
                ? new DurationHistogram().snapshot() : durations;
        List<String> bucketLabels = List.of("computer", "le");
        for (int i = 0; i < DurationHistogram.BUCKETS.length; i++) {
            samples.add(new MetricFamilySamples.Sample(name + "_bucket", bucketLabels,
                    List.of(computer, doubleToGoString(DurationHistogram.BUCKETS[i])), histogram.cumulativeCounts()[i]));
        }
        samples.add(new MetricFamilySamples.Sample(name + "_bucket", bucketLabels, List.of(computer, "+Inf"), histogram.count()));
        samples.add(new MetricFamilySamples.Sample(name + "_count", COMPUTER, List.of(computer), histogram.count()));
        samples.add(new MetricFamilySamples.Sample(name + "_sum", COMPUTER, List.of(computer), histogram.sum()));
    }

    private static void addSourceFamilies(List<MetricFamilySamples> families, List<SourceStatus.Snapshot> sources) {
        GaugeMetricFamily up = new GaugeMetricFamily(PREFIX + "source_up",
                "1 when the event source is reading, 0 when it cannot.", SOURCE);
        CounterMetricFamily read = new CounterMetricFamily(PREFIX + "source_events_read_total",
                "Events the source has read.", SOURCE);
        CounterMetricFamily errors = new CounterMetricFamily(PREFIX + "source_errors_total",
                "Problems the source met while reading, by kind.", List.of("source", "kind"));
        CounterMetricFamily missed = new CounterMetricFamily(PREFIX + "source_events_missed_total",
                "Events the source knows it could not read, such as records overwritten before they were read.",
                SOURCE);
        GaugeMetricFamily lastEvent = new GaugeMetricFamily(PREFIX + "source_last_event_timestamp_seconds",
                "Time the newest event read by the source was logged, in seconds since the epoch; absent before the"
                        + " first.", SOURCE);
        for (SourceStatus.Snapshot source : sources) {
            List<String> name = List.of(source.name());
            up.addMetric(name, flag(source.up()));
            read.addMetric(name, source.eventsRead());
            new TreeMap<>(source.errors()).forEach((kind, count) -> errors.addMetric(List.of(source.name(), kind), count));
            missed.addMetric(name, source.eventsMissed());
            if (source.lastEventTime() != null) {
                lastEvent.addMetric(name, seconds(source.lastEventTime()));
            }
        }
        families.add(up);
        families.add(read);
        families.add(errors);
        families.add(missed);
        families.add(lastEvent);
    }

    static double seconds(Instant time) {
        return time.getEpochSecond() + time.getNano() / 1e9;
    }

    private static double flag(boolean value) {
        return value ? 1 : 0;
    }
}
