package io.github.exchangevss.persistence;

import static io.github.exchangevss.lifecycle.VssEvents.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.lifecycle.ComputerSnapshot;
import io.github.exchangevss.lifecycle.LifecycleEngine;
import io.github.exchangevss.lifecycle.LifecycleSettings;
import io.github.exchangevss.lifecycle.Outcome;
import io.github.exchangevss.lifecycle.Remediation;
import io.github.exchangevss.scenario.KbLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's part of the state file: one copy of each attempt, validated on load, version 1 migrated. */
class EngineStateFileTest {
    private static final Instant T = Instant.parse("2026-11-20T01:00:00Z");
    private static final String EXCH = "EXCH01.contoso.local";

    @TempDir
    Path dir;

    private static LifecycleEngine engine() {
        return new LifecycleEngine(LifecycleSettings.DEFAULTS, Instant::now);
    }

    private LifecycleEngine saveAndLoad(LifecycleEngine before) throws IOException {
        return Restart.savedAndLoaded(before, dir, EngineStateFileTest::engine);
    }

    private static ComputerSnapshot computer(LifecycleEngine engine, String name, Instant at) {
        return engine.snapshotAt(at).computers().stream().filter(c -> c.computer().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void progressAfterARestoreIsProgressOfTheAttemptThatSetTheFlag() throws IOException {
        // 9604 and 9608 at T, 9610 five hours later, 9612 at T+6.5h: the backup is progressing, not stuck at T+7h,
        // whichever event the exporter restarted after.
        KbLog log = new KbLog(EXCH, T.minusSeconds(1), 1, Duration.ofSeconds(1)).backupStarted().prepared();
        log.after(Duration.ofHours(5)).phase9610().after(Duration.ofMinutes(90)).phase9612();
        List<EventRecord> events = log.events();
        Instant judged = T.plus(Duration.ofHours(7));
        LifecycleEngine straight = engine();
        events.forEach(straight::apply);
        assertThat(computer(straight, EXCH, judged).stuck()).isFalse();

        for (int split = 1; split < events.size(); split++) {
            LifecycleEngine before = engine();
            events.subList(0, split).forEach(before::apply);
            LifecycleEngine restored = saveAndLoad(before);
            events.subList(split, events.size()).forEach(restored::apply);
            assertThat(computer(restored, EXCH, judged)).as("restarted after event %d", split)
                    .isEqualTo(computer(straight, EXCH, judged));
        }
    }

    private Path stateFile(String json) throws IOException {
        return Files.writeString(dir.resolve(StateStore.FILE_NAME), json, StandardCharsets.UTF_8);
    }

    private String versionOne() throws IOException {
        try (var in = Objects.requireNonNull(getClass().getResourceAsStream("/persistence/state-v1.json"))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aFlagSetWithoutASinceIsCorruptAndSetAside() throws IOException {
        String inconsistent = versionOne().replace("\"flagSince\" : \"2026-11-20T01:02:00.123456700Z\"", "\"flagSince\" : null");
        assertThat(inconsistent).isNotEqualTo(versionOne());
        assertSetAside(inconsistent);
    }

    private void assertSetAside(String json) throws IOException {
        stateFile(json);
        assertThat(new StateStore(dir).load()).isEmpty();
        assertThat(dir.resolve(StateStore.FILE_NAME + ".corrupt")).exists();
        assertThat(dir.resolve(StateStore.FILE_NAME)).doesNotExist();
    }

    @Test
    void aComputerWithoutANameIsCorruptAndSetAside() throws IOException {
        String inconsistent = versionOne().replace("\"computer\" : \"EXCH02.contoso.local\"", "\"computer\" : null");
        assertThat(inconsistent).isNotEqualTo(versionOne());
        assertSetAside(inconsistent);
    }

    @Test
    void aVersionOneFileIsMigrated() throws IOException {
        stateFile(versionOne());
        PersistedState loaded = new StateStore(dir).load().orElseThrow();
        LifecycleEngine engine = engine();
        engine.importState(loaded.engine());
        Instant end = Instant.parse("2026-11-20T01:08:00Z");
        ComputerSnapshot stuck = computer(engine, "EXCH02.contoso.local", end);
        assertThat(stuck.stuck()).isTrue();
        assertThat(stuck.remediation()).isEqualTo(Remediation.RESTART_INFORMATION_STORE);
        assertThat(stuck.attempts()).containsEntry(Outcome.ABORTED, 1L).containsEntry(Outcome.REFUSED, 1L);
        ComputerSnapshot healthy = computer(engine, "EXCH01.contoso.local", end);
        assertThat(healthy.backupInProgress()).isFalse();
        assertThat(healthy.attempts()).containsEntry(Outcome.COMPLETED, 1L);
        assertThat(healthy.durations().count()).isEqualTo(1);
        assertThat(loaded.checkpoints()).containsKey("xml:/var/log/exch");
    }

    @Test
    void everyCounterOfTheEngineGoesOnAfterARestore() throws IOException {
        KbLog log = new KbLog(EXCH, T, 1).successfulBackup();
        List<EventRecord> events = log.events();
        LifecycleEngine before = engine();
        events.forEach(e -> before.apply("xml:a.xml", e));
        before.apply("xml:b.xml", events.get(2));
        LifecycleEngine after = saveAndLoad(before);
        Instant end = log.now();
        assertThat(after.snapshotAt(end)).isEqualTo(before.snapshotAt(end));
        assertThat(after.snapshotAt(end).skipped()).isNotEmpty();
        assertThat(after.snapshotAt(end).events()).isNotEmpty();
        assertThat(after.snapshotAt(end).computers().get(0).durations().count()).isEqualTo(1);
    }

    @Test
    void aRoleNamingAnAttemptThatIsNotListedIsCorrupt() throws IOException {
        LifecycleEngine before = engine();
        new KbLog(EXCH, T, 1).backupStarted().prepared().events().forEach(before::apply);
        String json = new String(StateStore.serialize(new PersistedState(PersistedState.CURRENT_VERSION, T,
                before.exportState(), Map.of(), Map.of())), StandardCharsets.UTF_8);
        assertThat(json).contains("\"format\":2").contains("\"setter\":1");
        assertSetAside(json.replace("\"setter\":1", "\"setter\":7"));
    }
}
