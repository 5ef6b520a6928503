package io.github.exchangevss.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.exchangevss.lifecycle.ComputerSnapshot;
import io.github.exchangevss.lifecycle.DurationHistogram;
import io.github.exchangevss.lifecycle.EngineSnapshot;
import io.github.exchangevss.lifecycle.EventCount;
import io.github.exchangevss.lifecycle.EvidenceEvent;
import io.github.exchangevss.lifecycle.Outcome;
import io.github.exchangevss.lifecycle.Remediation;
import io.github.exchangevss.source.SourceStatus;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.StringWriter;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ExporterCollectorTest {
    private static final Instant NOW = Instant.parse("2024-03-10T12:00:00Z");
    private static final Instant SET_AT = Instant.parse("2024-03-10T02:00:00.250Z");
    private static final Instant LAST_SUCCESS = Instant.parse("2024-03-09T01:30:00.5Z");

    private CollectorRegistry registry;
    private EngineSnapshot engine;
    private List<SourceStatus.Snapshot> sources;

    @BeforeEach
    void setUp() {
        registry = new CollectorRegistry();
        engine = new EngineSnapshot(NOW, List.of(), List.of());
        sources = List.of();
        registry.register(new ExporterCollector(() -> engine, () -> sources, new BuildInfo("1.2.3", "abc1234")));
    }

    private static ComputerSnapshot computer(String name, boolean inProgress, Instant since, boolean stuck,
            Remediation remediation, Map<Outcome, Long> attempts, Instant lastSuccess,
            DurationHistogram.Snapshot durations) {
        Map<Outcome, Long> allOutcomes = new EnumMap<>(Outcome.class);
        for (Outcome outcome : Outcome.values()) {
            allOutcomes.put(outcome, attempts.getOrDefault(outcome, 0L));
        }
        return new ComputerSnapshot(name, inProgress, since, stuck, stuck ? "refused while nothing runs" : null,
                remediation, remediation == null ? null : "diagnosis of " + name, allOutcomes, lastSuccess, durations,
                List.of(new EvidenceEvent(SET_AT, 42, 9607, "Backup in progress.", false)), List.of(), NOW);
    }

    private static DurationHistogram.Snapshot durations(double... seconds) {
        DurationHistogram histogram = new DurationHistogram();
        for (double s : seconds) {
            histogram.observe(s);
        }
        return histogram.snapshot();
    }

    private Double value(String name, String labelName, String labelValue) {
        return registry.getSampleValue(name, new String[] {labelName}, new String[] {labelValue});
    }

    private Double value(String name, String[] labelNames, String... labelValues) {
        return registry.getSampleValue(name, labelNames, labelValues);
    }

    @Nested
    class Computers {
        @BeforeEach
        void fourComputers() {
            engine = new EngineSnapshot(NOW, List.of(
                    computer("EXCH-OK", false, null, false, null,
                            Map.of(Outcome.COMPLETED, 3L, Outcome.ABORTED, 1L), LAST_SUCCESS, durations(50, 700, 4000)),
                    computer("EXCH-RUNNING", true, SET_AT, false, Remediation.WAIT_FOR_RUNNING_BACKUP,
                            Map.of(Outcome.REFUSED, 1L), LAST_SUCCESS, durations()),
                    computer("EXCH-RESTART", true, SET_AT, true, Remediation.RESTART_INFORMATION_STORE,
                            Map.of(Outcome.ABORTED, 1L, Outcome.REFUSED, 2L), null, null),
                    computer("EXCH-CLEANUP", true, SET_AT, true, Remediation.FIX_BACKUP_PROGRAM_CLEANUP,
                            Map.of(Outcome.FAILED, 1L, Outcome.REFUSED, 5L), null, durations())),
                    List.of());
        }

        @Test
        void inProgressStuckAndSince() {
            assertThat(value("exchange_vss_backup_in_progress", "computer", "EXCH-OK")).isEqualTo(0.0);
            assertThat(value("exchange_vss_backup_in_progress", "computer", "EXCH-RUNNING")).isEqualTo(1.0);
            assertThat(value("exchange_vss_backup_in_progress_stuck", "computer", "EXCH-RUNNING")).isEqualTo(0.0);
            assertThat(value("exchange_vss_backup_in_progress_stuck", "computer", "EXCH-RESTART")).isEqualTo(1.0);
            assertThat(value("exchange_vss_backup_in_progress_since_timestamp_seconds", "computer", "EXCH-OK"))
                    .isEqualTo(0.0);
            assertThat(value("exchange_vss_backup_in_progress_since_timestamp_seconds", "computer", "EXCH-CLEANUP"))
                    .isCloseTo(1710036000.25, within(1e-6));
        }

        @Test
        void remediationHasThreeSeriesPerComputerWithOneSetAtMost() {
            String[] labels = {"computer", "method", "action"};
            String[][] methods = {{"1", "wait_for_running_backup"}, {"2", "restart_information_store"},
                    {"3", "fix_backup_program_cleanup"}};
            Map<String, Integer> applying = Map.of("EXCH-OK", 0, "EXCH-RUNNING", 1, "EXCH-RESTART", 2,
                    "EXCH-CLEANUP", 3);
            applying.forEach((computer, method) -> {
                for (String[] m : methods) {
                    double expected = m[0].equals(method.toString()) ? 1 : 0;
                    assertThat(value("exchange_vss_remediation", labels, computer, m[0], m[1]))
                            .as("%s method %s", computer, m[0]).isEqualTo(expected);
                }
            });
        }

        @Test
        void attemptsHaveEveryOutcome() {
            String[] labels = {"computer", "outcome"};
            assertThat(value("exchange_vss_backup_attempts_total", labels, "EXCH-OK", "completed")).isEqualTo(3.0);
            assertThat(value("exchange_vss_backup_attempts_total", labels, "EXCH-OK", "aborted")).isEqualTo(1.0);
            assertThat(value("exchange_vss_backup_attempts_total", labels, "EXCH-OK", "refused")).isEqualTo(0.0);
            assertThat(value("exchange_vss_backup_attempts_total", labels, "EXCH-OK", "failed")).isEqualTo(0.0);
            assertThat(value("exchange_vss_backup_attempts_total", labels, "EXCH-CLEANUP", "refused")).isEqualTo(5.0);
            assertThat(value("exchange_vss_backup_attempts_total", labels, "EXCH-CLEANUP", "failed")).isEqualTo(1.0);
        }

        @Test
        void lastSuccessfulBackupIsAbsentUntilOneIsSeen() {
            assertThat(value("exchange_vss_last_successful_backup_timestamp_seconds", "computer", "EXCH-OK"))
                    .isCloseTo(1709947800.5, within(1e-6));
            assertThat(value("exchange_vss_last_successful_backup_timestamp_seconds", "computer", "EXCH-RESTART"))
                    .isNull();
        }

        @Test
        void durationHistogramSumsEveryComputerWithoutAComputerLabel() {
            String[] labels = {"le"};
            String name = "exchange_vss_backup_duration_seconds_bucket";
            assertThat(value(name, labels, "60.0")).isEqualTo(1.0);
            assertThat(value(name, labels, "300.0")).isEqualTo(1.0);
            assertThat(value(name, labels, "900.0")).isEqualTo(2.0);
            assertThat(value(name, labels, "3600.0")).isEqualTo(2.0);
            assertThat(value(name, labels, "7200.0")).isEqualTo(3.0);
            assertThat(value(name, labels, "57600.0")).isEqualTo(3.0);
            assertThat(value(name, labels, "+Inf")).isEqualTo(3.0);
            assertThat(registry.getSampleValue("exchange_vss_backup_duration_seconds_count")).isEqualTo(3.0);
            assertThat(registry.getSampleValue("exchange_vss_backup_duration_seconds_sum")).isEqualTo(4750.0);
            assertThat(value(name, new String[] {"computer", "le"}, "EXCH-OK", "+Inf")).isNull();
        }

        @Test
        void lastBackupDurationIsPerComputerAndAbsentUntilOneCompleted() {
            assertThat(value("exchange_vss_last_backup_duration_seconds", "computer", "EXCH-OK")).isEqualTo(4000.0);
            assertThat(value("exchange_vss_last_backup_duration_seconds", "computer", "EXCH-RUNNING")).isNull();
            assertThat(value("exchange_vss_last_backup_duration_seconds", "computer", "EXCH-RESTART")).isNull();
        }
    }

    @Test
    void aComputerWithEverySeriesStaysWithinTheBudget() {
        List<EventCount> events = new java.util.ArrayList<>();
        for (int id = 9600; id <= 9840; id++) {
            events.add(new EventCount("EXCH-FULL", "MSExchangeIS", id, 4, 1, SET_AT));
            events.add(new EventCount("EXCH-FULL", "Other", id, 2, 1, SET_AT));
        }
        engine = new EngineSnapshot(NOW, List.of(computer("EXCH-FULL", true, SET_AT, true,
                Remediation.RESTART_INFORMATION_STORE, Map.of(Outcome.COMPLETED, 2L), LAST_SUCCESS, durations(900))),
                events);
        long series = java.util.Collections.list(registry.metricFamilySamples()).stream()
                .flatMap(family -> family.samples.stream())
                .filter(sample -> sample.labelValues.contains("EXCH-FULL"))
                .filter(sample -> !sample.labelNames.contains("provider") || sample.labelValues.contains("MSExchangeIS"))
                .count();
        assertThat(series).isEqualTo(ExporterCollector.MAX_SERIES_PER_COMPUTER).isLessThanOrEqualTo(16);
    }

    @Test
    void eventsAreCountedOverTheFleetAndLastTimesKeptForAlertedIdsOnly() {
        Instant earlier = Instant.parse("2024-03-10T01:00:00Z");
        Instant later = Instant.parse("2024-03-10T03:00:00.125Z");
        engine = new EngineSnapshot(NOW, List.of(), List.of(
                new EventCount("EXCH-A", "MSExchangeIS", 9607, 2, 4, later),
                new EventCount("EXCH-A", "MSExchangeIS", 9607, null, 1, earlier),
                new EventCount("EXCH-A", "MSExchangeIS", 9604, 4, 7, earlier),
                new EventCount("EXCH-B", "MSExchangeIS", 9607, 2, 3, earlier)));
        String[] labels = {"provider", "event_id", "level"};
        assertThat(value("exchange_vss_events_total", labels, "MSExchangeIS", "9607", "2")).isEqualTo(7.0);
        assertThat(value("exchange_vss_events_total", labels, "MSExchangeIS", "9607", "0")).isEqualTo(1.0);
        assertThat(value("exchange_vss_events_total", labels, "MSExchangeIS", "9604", "4")).isEqualTo(7.0);
        String[] lastLabels = {"computer", "provider", "event_id"};
        assertThat(value("exchange_vss_event_last_timestamp_seconds", lastLabels, "EXCH-A", "MSExchangeIS", "9607"))
                .isCloseTo(1710039600.125, within(1e-6));
        assertThat(value("exchange_vss_event_last_timestamp_seconds", lastLabels, "EXCH-B", "MSExchangeIS", "9607"))
                .isEqualTo(1710032400.0);
        assertThat(value("exchange_vss_event_last_timestamp_seconds", lastLabels, "EXCH-A", "MSExchangeIS", "9604"))
                .isNull();
    }

    @Test
    void sourcesReportUpReadMissedErrorsByKindAndLastEvent() {
        sources = List.of(
                new SourceStatus.Snapshot("evtx:C:\\logs\\Application.evtx", true, 120, 3, LAST_SUCCESS,
                        Map.of("bad_chunk", 2L, "malformed_event", 5L)),
                new SourceStatus.Snapshot("windows", false, 0, 0, null, Map.of("access_denied", 1L)));
        String evtx = "evtx:C:\\logs\\Application.evtx";
        assertThat(value("exchange_vss_source_up", "source", evtx)).isEqualTo(1.0);
        assertThat(value("exchange_vss_source_up", "source", "windows")).isEqualTo(0.0);
        assertThat(value("exchange_vss_source_events_read_total", "source", evtx)).isEqualTo(120.0);
        assertThat(value("exchange_vss_source_events_missed_total", "source", evtx)).isEqualTo(3.0);
        String[] errorLabels = {"source", "kind"};
        assertThat(value("exchange_vss_source_errors_total", errorLabels, evtx, "bad_chunk")).isEqualTo(2.0);
        assertThat(value("exchange_vss_source_errors_total", errorLabels, evtx, "malformed_event")).isEqualTo(5.0);
        assertThat(value("exchange_vss_source_errors_total", errorLabels, "windows", "access_denied")).isEqualTo(1.0);
        assertThat(value("exchange_vss_source_last_event_timestamp_seconds", "source", evtx))
                .isCloseTo(1709947800.5, within(1e-6));
        assertThat(value("exchange_vss_source_last_event_timestamp_seconds", "source", "windows")).isNull();
    }

    @Test
    void buildInfoAndScrapeDuration() {
        assertThat(value("exchange_vss_exporter_build_info", new String[] {"version", "revision"}, "1.2.3", "abc1234"))
                .isEqualTo(1.0);
        assertThat(registry.getSampleValue("exchange_vss_scrape_duration_seconds")).isNotNull().isGreaterThanOrEqualTo(0);
    }

    @Test
    void eachScrapeReadsOneFreshSnapshot() {
        AtomicInteger reads = new AtomicInteger();
        CollectorRegistry counting = new CollectorRegistry();
        counting.register(new ExporterCollector(() -> {
            int n = reads.incrementAndGet();
            return new EngineSnapshot(NOW, List.of(computer("EXCH-" + n, false, null, false, null, Map.of(), null,
                    null)), List.of());
        }, List::of, new BuildInfo("v", "r")));
        assertThat(reads).hasValue(0);
        assertThat(counting.getSampleValue("exchange_vss_backup_in_progress", new String[] {"computer"},
                new String[] {"EXCH-1"})).isEqualTo(0.0);
        assertThat(reads).hasValue(1);
        assertThat(counting.getSampleValue("exchange_vss_backup_in_progress", new String[] {"computer"},
                new String[] {"EXCH-2"})).isEqualTo(0.0);
        assertThat(reads).hasValue(2);
    }

    @Test
    void textExpositionHasCounterTypesAndPassesPromtool() throws Exception {
        engine = new EngineSnapshot(NOW, List.of(
                computer("EXCH-OK", false, null, false, null, Map.of(Outcome.COMPLETED, 1L), LAST_SUCCESS,
                        durations(1000)),
                computer("EXCH-STUCK", true, SET_AT, true, Remediation.FIX_BACKUP_PROGRAM_CLEANUP,
                        Map.of(Outcome.REFUSED, 1L), null, null)),
                List.of(new EventCount("EXCH-STUCK", "MSExchangeIS", 9607, 2, 1, SET_AT)));
        sources = List.of(new SourceStatus.Snapshot("xml:events.xml", true, 1, 0, SET_AT, Map.of("malformed_event", 1L)));
        StringWriter text = new StringWriter();
        TextFormat.write004(text, registry.metricFamilySamples());
        String exposition = text.toString();

        assertThat(exposition)
                .contains("# TYPE exchange_vss_events_total counter\n")
                .contains("# TYPE exchange_vss_backup_attempts_total counter\n")
                .contains("# TYPE exchange_vss_backup_duration_seconds histogram\n")
                .contains("exchange_vss_backup_duration_seconds_bucket{le=\"+Inf\",} 1.0\n")
                .doesNotContain("_created");
        assertThat(PromtoolCheck.checkMetrics(exposition)).isEmpty();
    }
}
