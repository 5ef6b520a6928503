package io.github.exchangevss.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.lifecycle.ComputerSnapshot;
import io.github.exchangevss.lifecycle.EngineSnapshot;
import io.github.exchangevss.lifecycle.LifecycleEngine;
import io.github.exchangevss.lifecycle.LifecycleSettings;
import io.github.exchangevss.lifecycle.Remediation;
import io.github.exchangevss.lifecycle.SkipReason;
import io.github.exchangevss.lifecycle.SkippedCount;
import io.github.exchangevss.runtime.ExporterRuntime;
import io.github.exchangevss.scenario.KbLog;
import io.github.exchangevss.scenario.WevtutilXml;
import io.github.exchangevss.source.file.FileSource;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** serve reads a directory whose file names do not follow time, and says what diagnose says. */
class OutOfOrderExportTest {
    private static final String EXCH = "EXCH01.contoso.local";

    @TempDir
    Path logs;

    private EngineSnapshot serve(String spec, Instant now) throws InterruptedException {
        ExporterRuntime runtime = new ExporterRuntime(new LifecycleEngine(LifecycleSettings.DEFAULTS, () -> now),
                Optional.empty());
        try {
            runtime.start(List.of(spec), (s, checkpoint) -> new FileSource(s, false, FileSource.DEFAULT_POLL_INTERVAL, checkpoint));
            assertThat(runtime.awaitSources(Duration.ofSeconds(30))).isTrue();
            return runtime.snapshot();
        } finally {
            runtime.close();
        }
    }

    @Test
    void aDirectoryReadOnceIsAppliedInTimeOrderWhateverTheFileNames() throws Exception {
        // Monday night's export is named after Tuesday's: in name order the refusal would come before the abort.
        KbLog log = new KbLog(EXCH, Instant.parse("2026-11-16T22:00:00Z"), 5000);
        log.backupStarted().volumeSnap().prepared().abortedSuccessfully();
        List<EventRecord> monday = log.events();
        log.after(Duration.ofDays(1)).backupStarted().abortIgnored().refused();
        List<EventRecord> tuesday = log.events().subList(monday.size(), log.events().size());
        WevtutilXml.write(logs.resolve("b-monday.xml"), monday);
        WevtutilXml.write(logs.resolve("a-tuesday.xml"), tuesday);
        String spec = "xml:" + logs;

        EngineSnapshot served = serve(spec, log.now());

        ComputerSnapshot c = served.computers().get(0);
        assertThat(c.stuck()).isTrue();
        assertThat(c.remediation()).isEqualTo(Remediation.RESTART_INFORMATION_STORE);
        assertThat(c.attempts().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(2);
        assertThat(served.skipped()).isEmpty();
    }

    @Test
    void eventsOlderThanTheLastAppliedAreCountedBySourceAndReason() throws Exception {
        KbLog log = new KbLog(EXCH, Instant.parse("2026-11-16T22:00:00Z"), 5000);
        log.backupStarted().volumeSnap().prepared().snapshotPhases().backupShutdown().backupComplete();
        List<EventRecord> events = log.events();
        LifecycleEngine engine = new LifecycleEngine(LifecycleSettings.DEFAULTS, log::now);
        events.subList(3, events.size()).forEach(e -> engine.apply("xml:late.xml", e));

        assertThat(engine.apply("xml:late.xml", events.get(0))).isFalse();
        assertThat(engine.apply("xml:late.xml", events.get(4))).isFalse();
        assertThat(engine.apply("xml:copy.xml", events.get(5))).isFalse();

        assertThat(engine.snapshot().skipped()).containsExactly(
                new SkippedCount("xml:copy.xml", SkipReason.DUPLICATE, 1),
                new SkippedCount("xml:late.xml", SkipReason.DUPLICATE, 1),
                new SkippedCount("xml:late.xml", SkipReason.OUT_OF_ORDER, 1));
    }
}
