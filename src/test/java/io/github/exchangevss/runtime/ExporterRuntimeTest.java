package io.github.exchangevss.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.lifecycle.ComputerSnapshot;
import io.github.exchangevss.lifecycle.LifecycleEngine;
import io.github.exchangevss.lifecycle.LifecycleSettings;
import io.github.exchangevss.lifecycle.Outcome;
import io.github.exchangevss.metrics.BuildInfo;
import io.github.exchangevss.metrics.ExporterCollector;
import io.github.exchangevss.persistence.PersistedState;
import io.github.exchangevss.persistence.StateStore;
import io.github.exchangevss.scenario.KbSituation;
import io.github.exchangevss.scenario.KbSituation.Expected;
import io.github.exchangevss.scenario.WevtutilXml;
import io.github.exchangevss.source.EventSource;
import io.github.exchangevss.source.SourceException;
import io.github.exchangevss.source.file.FileSource;
import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExporterRuntimeTest {
    /** A day after the scenarios: every attempt in them is long over. */
    private static final Instant NOW = KbSituation.T0.plus(Duration.ofDays(1));
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path logs;
    @TempDir
    Path storage;

    private final List<ExporterRuntime> started = new ArrayList<>();

    @AfterEach
    void stopAll() {
        started.forEach(ExporterRuntime::close);
    }

    private ExporterRuntime runtime(Optional<StateStore> store) {
        ExporterRuntime runtime = new ExporterRuntime(new LifecycleEngine(LifecycleSettings.DEFAULTS, () -> NOW), store);
        started.add(runtime);
        return runtime;
    }

    private ExporterRuntime persistentRuntime() {
        return runtime(Optional.of(new StateStore(storage)));
    }

    private static ExporterRuntime.SourceFactory files(boolean follow) {
        return (spec, checkpoint) -> new FileSource(spec, follow, POLL, checkpoint);
    }

    private static CollectorRegistry registry(ExporterRuntime runtime) {
        CollectorRegistry registry = new CollectorRegistry();
        registry.register(new ExporterCollector(runtime::snapshot, runtime::sourceSnapshots, new BuildInfo("test", "test")));
        return registry;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited %s for %s", WAIT, what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static Optional<ComputerSnapshot> computer(ExporterRuntime runtime, String name) {
        return runtime.snapshot().computers().stream().filter(c -> c.computer().equals(name)).findFirst();
    }

    private static void assertState(ExporterRuntime runtime, List<Expected> expected) {
        for (Expected want : expected) {
            ComputerSnapshot got = computer(runtime, want.computer()).orElseThrow(
                    () -> new AssertionError(want.computer() + " not in " + runtime.snapshot().computers()));
            assertThat(got.backupInProgress()).as("%s in progress", want.computer()).isEqualTo(want.backupInProgress());
            assertThat(got.stuck()).as("%s stuck", want.computer()).isEqualTo(want.stuck());
            assertThat(got.remediation() == null ? null : got.remediation().method()).as("%s method", want.computer())
                    .isEqualTo(want.method());
            assertThat(got.attempts()).as("%s attempts", want.computer()).isEqualTo(Map.of(
                    Outcome.COMPLETED, want.completed(), Outcome.ABORTED, want.aborted(),
                    Outcome.REFUSED, want.refused(), Outcome.FAILED, want.failed()));
        }
    }

    private static double eventsCounted(CollectorRegistry registry) {
        double sum = 0;
        for (Collector.MetricFamilySamples family : Collections.list(registry.metricFamilySamples())) {
            for (Collector.MetricFamilySamples.Sample s : family.samples) {
                if (s.name.equals("exchange_vss_events_total")) {
                    sum += s.value;
                }
            }
        }
        return sum;
    }

    private Path writeLog(String name, List<EventRecord> events) throws IOException {
        return WevtutilXml.write(logs.resolve(name), events);
    }

    @Nested
    class Reading {
        @Test
        void oneShotOverADirectoryGivesEveryComputersState() throws Exception {
            KbSituation several = KbSituation.severalComputers();
            KbSituation m2 = KbSituation.method2AsTheKbTable();
            writeLog("forwarded.xml", several.events());
            writeLog("exch-m2t.xml", m2.events());
            ExporterRuntime runtime = runtime(Optional.empty());
            String spec = "xml:" + logs;

            runtime.start(List.of(spec), files(false));

            assertThat(runtime.awaitSources(WAIT)).isTrue();
            assertState(runtime, several.expected());
            assertState(runtime, m2.expected());
            assertThat(runtime.snapshot().computers()).hasSize(4);
            CollectorRegistry registry = registry(runtime);
            assertThat(registry.getSampleValue("exchange_vss_source_events_read_total", new String[] {"source"},
                    new String[] {spec})).isEqualTo(several.events().size() + m2.events().size());
            assertThat(eventsCounted(registry)).isEqualTo(several.events().size() + m2.events().size());
        }

        @Test
        void followSeesAppendedEventsAndNewFiles() throws Exception {
            Path file = logs.resolve("app.xml");
            Files.writeString(file, "");
            ExporterRuntime runtime = runtime(Optional.empty());
            runtime.start(List.of("xml:" + logs), files(true));

            KbSituation m2 = KbSituation.method2With9604s();
            List<EventRecord> events = m2.events();
            String host = m2.expected().get(0).computer();
            // Up to the abort: the flag is set, nothing refused yet.
            WevtutilXml.append(file, events.subList(0, 4));
            awaitEventsRead(runtime, 4);
            assertThat(computer(runtime, host).orElseThrow().backupInProgress()).isTrue();
            assertThat(computer(runtime, host).orElseThrow().attempts()).containsEntry(Outcome.ABORTED, 1L)
                    .containsEntry(Outcome.REFUSED, 0L);

            WevtutilXml.append(file, events.subList(4, events.size()));
            awaitEventsRead(runtime, events.size());
            assertState(runtime, m2.expected());

            KbSituation m3 = KbSituation.method3();
            writeLog("other-server.xml", m3.events());
            awaitEventsRead(runtime, events.size() + m3.events().size());
            assertState(runtime, m3.expected());
        }

        /**
         * A poll can catch a file half-written, and a prefix of a scenario can already show its final flags:
         * only the count of events read says the whole file was applied.
         */
        private void awaitEventsRead(ExporterRuntime runtime, long count) throws InterruptedException {
            await(count + " events read", () -> runtime.sourceSnapshots().get(0).eventsRead() == count);
        }
    }

    @Nested
    class Restart {
        private final KbSituation m2 = KbSituation.method2With9604s();
        private Path log;

        private void firstRun() throws Exception {
            log = writeLog("app.xml", m2.events());
            ExporterRuntime first = persistentRuntime();
            first.start(List.of("xml:" + log), files(false));
            assertThat(first.awaitSources(WAIT)).isTrue();
            assertState(first, m2.expected());
            first.close();
            assertThat(storage.resolve(StateStore.FILE_NAME)).exists();
        }

        @Test
        void aStuckComputerIsStuckAtOnceBeforeAnySourceDeliversAnything() throws Exception {
            firstRun();
            Files.delete(log);
            ExporterRuntime second = persistentRuntime();

            second.start(List.of("xml:" + log), files(true));

            assertThat(second.notReadyReason()).isEmpty();
            assertState(second, m2.expected());
            await("the missing file reported", () -> second.sourceSnapshots().get(0).errors().containsKey("file_missing"));
            assertThat(second.sourceSnapshots().get(0).up()).isFalse();
            assertThat(second.sourceSnapshots().get(0).eventsRead()).as("the saved count, nothing new")
                    .isEqualTo(m2.events().size());
            assertState(second, m2.expected());
        }

        @Test
        void readingTheSameFileAgainCountsNothingTwice() throws Exception {
            firstRun();
            ExporterRuntime second = persistentRuntime();

            second.start(List.of("xml:" + log), files(false));

            assertThat(second.awaitSources(WAIT)).isTrue();
            assertState(second, m2.expected());
            CollectorRegistry registry = registry(second);
            assertThat(eventsCounted(registry)).isEqualTo(m2.events().size());
            assertThat(registry.getSampleValue("exchange_vss_source_events_read_total", new String[] {"source"},
                    new String[] {"xml:" + log})).as("the counter goes on; the file is not read again")
                    .isEqualTo(m2.events().size());
        }

        @Test
        void theSameEventsUnderAnotherSourceAreNotCountedAgain() throws Exception {
            firstRun();
            Path copy = Files.copy(log, logs.resolve("copy-of-app.xml"));
            ExporterRuntime second = persistentRuntime();

            second.start(List.of("xml:" + copy), files(false));

            assertThat(second.awaitSources(WAIT)).isTrue();
            assertState(second, m2.expected());
            // The counters went on from the saved state and nothing was counted twice.
            assertThat(eventsCounted(registry(second))).isEqualTo(m2.events().size());
        }

        @Test
        void eventsAfterTheRestartAreAppliedToTheRestoredState() throws Exception {
            firstRun();
            KbSituation cleared = KbSituation.storeRestartClears();
            // The same server's log went on: the store restarted and the next backup succeeded.
            List<EventRecord> later = cleared.events().subList(m2.events().size(), cleared.events().size());
            WevtutilXml.append(log, later.stream().map(e -> e.toBuilder().computer(m2.expected().get(0).computer())
                    .build()).toList());
            ExporterRuntime second = persistentRuntime();

            second.start(List.of("xml:" + log), files(false));

            assertThat(second.awaitSources(WAIT)).isTrue();
            Expected want = cleared.expected().get(0);
            assertState(second, List.of(new Expected(m2.expected().get(0).computer(), want.backupInProgress(),
                    want.stuck(), want.method(), want.completed(), want.aborted(), want.refused(), want.failed())));
            assertThat(eventsCounted(registry(second))).isEqualTo(m2.events().size() + later.size());
        }

        @Test
        void aCorruptStateFileGivesAFreshStart() throws Exception {
            Files.writeString(storage.resolve(StateStore.FILE_NAME), "{\"version\":1,\"engine\":{\"computers\":");
            KbSituation m3 = KbSituation.method3();
            writeLog("app.xml", m3.events());
            ExporterRuntime runtime = persistentRuntime();

            runtime.start(List.of("xml:" + logs), files(false));

            assertThat(runtime.awaitSources(WAIT)).isTrue();
            assertState(runtime, m3.expected());
            assertThat(storage.resolve(StateStore.FILE_NAME + ".corrupt")).exists();
            runtime.close();
            assertThat(new StateStore(storage).load()).isPresent();
        }
    }

    @Nested
    class Commits {
        @Test
        void nothingIsShownBeforeItIsInTheStateFile() throws Exception {
            Path file = logs.resolve("app.xml");
            Files.writeString(file, "");
            StateStore store = new StateStore(storage);
            ExporterRuntime runtime = persistentRuntime();
            runtime.start(List.of("xml:" + logs), files(true));
            List<EventRecord> events = KbSituation.severalComputers().events();
            long seenGeneration = runtime.generation();
            for (int i = 0; i < events.size(); i++) {
                WevtutilXml.append(file, events.subList(i, i + 1));
                long shown = i + 1;
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (runtime.sourceSnapshots().get(0).eventsRead() < shown) {
                    long generation = runtime.generation();
                    long shownRead = runtime.sourceSnapshots().get(0).eventsRead();
                    long shownCounted = runtime.snapshot().events().stream().mapToLong(e -> e.count()).sum();
                    // Read after the snapshot: the file can only be as new or newer.
                    PersistedState onDisk = store.load().orElseThrow();
                    assertThat(onDisk.sources().get("xml:" + logs).eventsRead()).as("generation %d", generation)
                            .isGreaterThanOrEqualTo(shownRead);
                    LifecycleEngine loaded = new LifecycleEngine(LifecycleSettings.DEFAULTS, Instant::now);
                    loaded.importState(onDisk.engine());
                    assertThat(loaded.snapshot().events().stream().mapToLong(e -> e.count()).sum())
                            .isGreaterThanOrEqualTo(shownCounted);
                    assertThat(System.nanoTime()).as("waited for event %d", shown).isLessThan(deadline);
                    Thread.sleep(5);
                }
            }
            assertThat(runtime.generation()).isGreaterThan(seenGeneration);
            assertState(runtime, KbSituation.severalComputers().expected());
        }

        /** A followed export that does not change is polled again and again, but its state is not written again. */
        @Test
        void anUnchangedFollowedExportIsNotWrittenAgain() throws Exception {
            writeLog("app.xml", KbSituation.method3().events());
            StateStore store = new StateStore(storage);
            ExporterRuntime runtime = persistentRuntime();
            runtime.start(List.of("xml:" + logs), files(true));
            await("every event read on disk", () -> store.load().map(saved -> saved.sources().get("xml:" + logs))
                    .filter(source -> source.eventsRead() == KbSituation.method3().events().size()).isPresent());
            FileTime written = Files.getLastModifiedTime(store.file());
            Thread.sleep(POLL.multipliedBy(20).toMillis());

            assertThat(Files.getLastModifiedTime(store.file())).isEqualTo(written);
            assertThat(runtime.sourceSnapshots().get(0).up()).isTrue();
        }

        @Test
        void readyOnceTheStateIsLoadedAndEverySourceFinishedItsFirstPass() throws Exception {
            writeLog("app.xml", KbSituation.method3().events());
            String slow = "xml:" + logs.resolve("later");
            CountDownLatch mayStart = new CountDownLatch(1);
            ExporterRuntime runtime = runtime(Optional.empty());
            assertThat(runtime.notReadyReason()).contains("the saved state is not loaded yet");
            assertThat(runtime.whyNotReady()).contains("the saved state is not loaded yet");

            runtime.start(List.of("xml:" + logs.resolve("app.xml"), slow), (spec, checkpoint) -> {
                if (spec.equals(slow)) {
                    FailingSource.awaitUninterruptibly(mayStart);
                }
                return new FileSource(spec, true, POLL, checkpoint);
            });

            assertThat(runtime.notReadyReason()).isEmpty();
            await("the first source's pass", () -> runtime.sourceSnapshots().get(0).eventsRead()
                    == KbSituation.method3().events().size());
            assertThat(runtime.isReady()).as("the second source has not read yet").isFalse();
            assertThat(runtime.whyNotReady()).contains("first pass not finished by " + slow);
            mayStart.countDown();
            await("ready", runtime::isReady);
        }

        /** A scrape right after /-/ready turned 200 shows every event of the first pass, not one commit less. */
        @Test
        void whenReadyThePublishedStateHoldsTheWholeFirstPass() throws Exception {
            List<EventRecord> events = KbSituation.severalComputers().events();
            writeLog("app.xml", events);
            for (int round = 0; round < 20; round++) {
                ExporterRuntime runtime = runtime(Optional.empty());
                runtime.start(List.of("xml:" + logs.resolve("app.xml")), files(true));
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (!runtime.isReady()) {
                    assertThat(System.nanoTime()).as("ready in time").isLessThan(deadline);
                    Thread.onSpinWait();
                }
                assertThat(runtime.sourceSnapshots().get(0).eventsRead()).as("round %d", round).isEqualTo(events.size());
                runtime.close();
            }
        }
    }

    @Nested
    class FailingSource {
        @Test
        void isRetriedAndShownDownWhileTheOthersKeepWorking() throws Exception {
            KbSituation m2 = KbSituation.method2AsTheKbTable();
            KbSituation m3 = KbSituation.method3();
            writeLog("m2.xml", m2.events());
            Path later = Files.createDirectory(logs.resolve("later"));
            WevtutilXml.write(later.resolve("m3.xml"), m3.events());
            String good = "xml:" + logs.resolve("m2.xml");
            String flaky = "xml:" + later;
            AtomicInteger attempts = new AtomicInteger();
            CountDownLatch mayRecover = new CountDownLatch(1);
            ExporterRuntime.SourceFactory factory = (spec, checkpoint) -> {
                if (spec.equals(flaky)) {
                    if (attempts.incrementAndGet() == 1) {
                        throw new SourceException(spec + ": the share is not reachable");
                    }
                    awaitUninterruptibly(mayRecover);
                }
                return new FileSource(spec, false, POLL, checkpoint);
            };
            ExporterRuntime runtime = runtime(Optional.empty());
            CollectorRegistry registry = registry(runtime);

            runtime.start(List.of(good, flaky), factory);

            await("the retry", () -> attempts.get() == 2);
            assertThat(upOf(registry, flaky)).isEqualTo(0.0);
            assertThat(registry.getSampleValue("exchange_vss_source_errors_total", new String[] {"source", "kind"},
                    new String[] {flaky, "source_failed"})).isEqualTo(1.0);
            await("the working source", () -> computer(runtime, m2.expected().get(0).computer()).isPresent());
            assertState(runtime, m2.expected());
            assertThat(upOf(registry, good)).isEqualTo(1.0);
            await("ready, the failed first attempt counting as done", runtime::isReady);

            mayRecover.countDown();
            assertThat(runtime.awaitSources(WAIT)).isTrue();
            assertState(runtime, m3.expected());
            assertThat(upOf(registry, flaky)).isEqualTo(1.0);
        }

        @Test
        void closeDoesNotWaitForTheRetryDelay() throws Exception {
            AtomicInteger attempts = new AtomicInteger();
            // A retry due in an hour: a source thread still waiting for it after close() has sat it out.
            ExporterRuntime runtime = new ExporterRuntime(new LifecycleEngine(LifecycleSettings.DEFAULTS, () -> NOW),
                    Optional.empty(), Duration.ofHours(1), ExporterRuntime.DEFAULT_COMMIT_INTERVAL);
            started.add(runtime);
            runtime.start(List.of("xml:" + logs.resolve("unreachable")), (spec, checkpoint) -> {
                attempts.incrementAndGet();
                throw new SourceException(spec + ": the share is not reachable");
            });
            await("the first failure", () -> runtime.sourceSnapshots().get(0).errors().values().stream().anyMatch(n -> n > 0));

            runtime.close();

            assertThat(runtime.awaitSources(Duration.ofMillis(1))).as("source thread ended by close()").isTrue();
            assertThat(attempts.get()).isEqualTo(1);
        }

        private static Double upOf(CollectorRegistry registry, String source) {
            return registry.getSampleValue("exchange_vss_source_up", new String[] {"source"}, new String[] {source});
        }

        private static void awaitUninterruptibly(CountDownLatch latch) {
            try {
                assertThat(latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void closeWithoutStorageSavesNothingAndDoesNotFail() throws Exception {
        writeLog("app.xml", KbSituation.successfulBackup().events());
        ExporterRuntime runtime = runtime(Optional.empty());
        runtime.start(List.of("xml:" + logs), files(false));
        assertThat(runtime.awaitSources(WAIT)).isTrue();
        runtime.close();
        try (var entries = Files.list(storage)) {
            assertThat(entries).isEmpty();
        }
    }
}
