package io.github.exchangevss.metrics;

import io.github.exchangevss.lifecycle.ComputerSnapshot;
import io.github.exchangevss.lifecycle.DurationHistogram;
import io.github.exchangevss.lifecycle.EngineSnapshot;
import io.github.exchangevss.lifecycle.EventCount;
import io.github.exchangevss.lifecycle.EventCounting;
import io.github.exchangevss.lifecycle.VssEvents;
import io.github.exchangevss.lifecycle.ExchangeWriters;
import io.github.exchangevss.lifecycle.Outcome;
import io.github.exchangevss.lifecycle.Remediation;
import io.github.exchangevss.lifecycle.SkipReason;
import io.github.exchangevss.lifecycle.SkippedCount;
import io.github.exchangevss.source.SourceStatus;
import io.prometheus.client.Collector;
import io.prometheus.client.CounterMetricFamily;
import io.prometheus.client.GaugeMetricFamily;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Renders one engine snapshot and the source statuses as the {@code exchange_vss_*} metrics.
 *
 * <p>Every rendering builds fresh samples from a single {@link EngineSnapshot}, so the series of one exposition never
 * mix two moments of the engine. Times are gauge values in seconds since the epoch, never sample timestamps.
 *
 * <p>The series are budgeted for a collector that watches a whole fleet: per computer only what the alert rules and
 * the dashboard select by computer (at most {@link #MAX_SERIES_PER_COMPUTER}); event counts and the duration
 * histogram are summed over the fleet.
 */
public final class ExporterCollector extends Collector implements Collector.Describable {
    static final String PREFIX = "exchange_vss_";
    /** The label value of {@code level} for events whose record has no level (Windows level 0, "LogAlways"). */
    static final String MISSING_LEVEL = "0";
    /**
     * Event IDs whose last time is exported per computer, by provider: MSExchangeIS 9600 (Information Store started,
     * the dashboard's last restart), 9607 (backup refused) and 9840 (VSS operation failed), and MSExchangeRepl 2034
     * (the Replication service's writer failed), which the alert rules select.
     */
    public static final Map<String, Set<Integer>> TIMESTAMPED_EVENT_IDS = Map.of(
            VssEvents.PROVIDER, Set.of(9600, 9607, 9840), EventCounting.REPLICATION_PROVIDER, Set.of(2034));
    /**
     * An Information Store server's series: flag, stuck, since, 3 remediation methods, 4 outcomes, last success,
     * last duration, its timestamped events and its writer_info.
     */
    public static final int MAX_SERIES_PER_COMPUTER = 3 + Remediation.values().length + Outcome.values().length + 2
            + TIMESTAMPED_EVENT_IDS.get(VssEvents.PROVIDER).size() + 1;

    private static final String SCRAPE_DURATION = PREFIX + "scrape_duration_seconds";
    private static final String SCRAPE_DURATION_HELP =
            "Time the exporter took to render the metrics this scrape serves, in seconds; they are rendered once per"
                    + " change of state.";
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
        // Sources first: an event counts as read once applied, so every event counted there is in the snapshot.
        List<SourceStatus.Snapshot> sourceSnapshots = sources.get();
        return collect(engine.get(), sourceSnapshots);
    }

    /** The engine snapshot as served now; read once per scrape, to decide whether the rendered bytes still hold. */
    public EngineSnapshot engineSnapshot() {
        return engine.get();
    }

    public List<SourceStatus.Snapshot> sourceSnapshots() {
        return sources.get();
    }

    /** Every family of the given state, with the time it took to build them. */
    public List<MetricFamilySamples> collect(EngineSnapshot snapshot, List<SourceStatus.Snapshot> sourceSnapshots) {
        long start = System.nanoTime();
        List<MetricFamilySamples> families = families(snapshot, sourceSnapshots);
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
        addSkippedFamily(families, snapshot.skipped(), sourceSnapshots);
        return families;
    }

    private static void addEventFamilies(List<MetricFamilySamples> families, List<EventCount> events) {
        Map<List<String>, Long> totals = new TreeMap<>(ExporterCollector::compareLabels);
        // One event ID can be logged at several levels; its last time is the newest over all of them.
        Map<List<String>, Instant> lastTimes = new LinkedHashMap<>();
        for (EventCount event : events) {
            String eventId = Integer.toString(event.eventId());
            String level = event.level() == null ? MISSING_LEVEL : event.level().toString();
            totals.merge(List.of(event.provider(), eventId, level), event.count(), Long::sum);
            if (event.lastTimestamp() != null && TIMESTAMPED_EVENT_IDS.getOrDefault(event.provider(), Set.of()).contains(event.eventId())) {
                lastTimes.merge(List.of(event.computer(), event.provider(), eventId), event.lastTimestamp(),
                        (a, b) -> a.isAfter(b) ? a : b);
            }
        }
        CounterMetricFamily total = new CounterMetricFamily(PREFIX + "events_total",
                "Writer-related events read from all computers (providers of --events.providers), by provider,"
                        + " event ID and Windows level (0 when the event has none).",
                List.of("provider", "event_id", "level"));
        totals.forEach((labels, count) -> total.addMetric(labels, count));
        GaugeMetricFamily last = new GaugeMetricFamily(PREFIX + "event_last_timestamp_seconds",
                "Time the newest event of this computer, provider and event ID was logged, in seconds since the epoch;"
                        + " for MSExchangeIS 9600, 9607 and 9840 and MSExchangeRepl 2034 only.",
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

    /** Provider, then event ID as a number, then level: the order the engine keeps its counts in. */
    private static int compareLabels(List<String> a, List<String> b) {
        int byProvider = a.get(0).compareTo(b.get(0));
        if (byProvider != 0) {
            return byProvider;
        }
        int byId = Integer.compare(Integer.parseInt(a.get(1)), Integer.parseInt(b.get(1)));
        return byId != 0 ? byId : a.get(2).compareTo(b.get(2));
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
        GaugeMetricFamily lastDuration = new GaugeMetricFamily(PREFIX + "last_backup_duration_seconds",
                "Duration of the last completed snapshot backup, in seconds; absent until one is seen.", COMPUTER);
        FleetDurations durations = new FleetDurations();

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
            if (computer.durations() != null && computer.durations().count() > 0) {
                if (computer.durations().last() != DurationHistogram.UNKNOWN_LAST) {
                    lastDuration.addMetric(name, computer.durations().last());
                }
                durations.add(computer.durations());
            }
        }
        families.add(inProgress);
        families.add(stuck);
        families.add(since);
        families.add(remediation);
        families.add(attempts);
        families.add(lastSuccess);
        families.add(lastDuration);
        families.add(durations.family());
    }

    /** The backup durations of every computer in one histogram. */
    private static final class FleetDurations {
        private static final String NAME = PREFIX + "backup_duration_seconds";
        private final long[] cumulativeCounts = new long[DurationHistogram.BUCKETS.length];
        private long count;
        private double sum;

        void add(DurationHistogram.Snapshot histogram) {
            for (int i = 0; i < cumulativeCounts.length; i++) {
                cumulativeCounts[i] += histogram.cumulativeCounts()[i];
            }
            count += histogram.count();
            sum += histogram.sum();
        }

        MetricFamilySamples family() {
            List<MetricFamilySamples.Sample> samples = new ArrayList<>();
            List<String> le = List.of("le");
            for (int i = 0; i < cumulativeCounts.length; i++) {
                samples.add(new MetricFamilySamples.Sample(NAME + "_bucket", le,
                        List.of(doubleToGoString(DurationHistogram.BUCKETS[i])), cumulativeCounts[i]));
            }
            samples.add(new MetricFamilySamples.Sample(NAME + "_bucket", le, List.of("+Inf"), count));
            samples.add(new MetricFamilySamples.Sample(NAME + "_count", List.of(), List.of(), count));
            samples.add(new MetricFamilySamples.Sample(NAME + "_sum", List.of(), List.of(), sum));
            return new MetricFamilySamples(NAME, Type.HISTOGRAM,
                    "Duration of completed snapshot backups of all computers, in seconds.", samples);
        }
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

    /** Every source and reason, 0 until something is skipped, so that rate() sees the first one. */
    private static void addSkippedFamily(List<MetricFamilySamples> families, List<SkippedCount> skipped,
            List<SourceStatus.Snapshot> sources) {
        CounterMetricFamily family = new CounterMetricFamily(PREFIX + "source_events_skipped_total",
                "Events the source delivered that were not applied: duplicate (applied already) or out_of_order"
                        + " (older than the last event applied on its computer and channel).",
                List.of("source", "reason"));
        Map<List<String>, Long> counts = new TreeMap<>(Comparator.comparing((List<String> k) -> k.get(0))
                .thenComparing(k -> k.get(1)));
        for (SourceStatus.Snapshot source : sources) {
            for (SkipReason reason : SkipReason.values()) {
                counts.put(List.of(source.name(), reason.label()), 0L);
            }
        }
        skipped.forEach(k -> counts.merge(List.of(k.source(), k.reason().label()), k.count(), Long::sum));
        counts.forEach((labels, count) -> family.addMetric(labels, count));
        families.add(family);
    }

    static double seconds(Instant time) {
        return time.getEpochSecond() + time.getNano() / 1e9;
    }

    private static double flag(boolean value) {
        return value ? 1 : 0;
    }
}
