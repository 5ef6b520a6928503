package io.github.exchangevss.lifecycle;

import static io.github.exchangevss.lifecycle.VssEvents.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.github.exchangevss.event.EventRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class LifecycleEngineTest {
    private static final String EXCH = "EXCH01.contoso.local";

    private static LifecycleEngine engine(List<EventRecord> events) {
        LifecycleEngine engine = new LifecycleEngine(LifecycleSettings.DEFAULTS, () -> {
            throw new AssertionError("tests judge at explicit times");
        });
        events.forEach(engine::apply);
        return engine;
    }

    private static ComputerSnapshot state(LifecycleEngine engine, String computer, Instant at) {
        return engine.snapshotAt(at).computers().stream().filter(c -> c.computer().equals(computer)).findFirst()
                .orElseThrow();
    }

    private static ComputerSnapshot stateAtEnd(KbScript script) {
        LifecycleEngine engine = engine(script.build());
        return state(engine, EXCH, engine.latestEventTime());
    }

    @Nested
    class SuccessfulBackup {
        @Test
        void fullSequenceResetsTheFlagAndCountsOneCompletedAttempt() {
            KbScript s = new KbScript(EXCH).events(INITIALIZE_WRITER, BACKUP_START, VOLUME_SNAP, PREPARED,
                    SNAPSHOT_FREEZE, SNAPSHOT_THAW, BACKUP_SHUTDOWN, BACKUP_COMPLETE);
            ComputerSnapshot c = stateAtEnd(s);
            assertThat(c.backupInProgress()).isFalse();
            assertThat(c.stuck()).isFalse();
            assertThat(c.remediation()).isNull();
            assertThat(c.attempts()).containsEntry(Outcome.COMPLETED, 1L).containsEntry(Outcome.FAILED, 0L)
                    .containsEntry(Outcome.ABORTED, 0L).containsEntry(Outcome.REFUSED, 0L);
            assertThat(c.lastSuccessfulBackup()).isEqualTo(s.now());
            // 9604 at +2 min, 9616 at +8 min
            assertThat(c.durations().count()).isEqualTo(1);
            assertThat(c.durations().sum()).isEqualTo(360.0);
        }

        @Test
        void flagIsSetFromPrepareUntilCleanup() {
            KbScript s = new KbScript(EXCH).events(BACKUP_START, VOLUME_SNAP, PREPARED, SNAPSHOT_FREEZE);
            ComputerSnapshot c = stateAtEnd(s);
            assertThat(c.backupInProgress()).isTrue();
            assertThat(c.inProgressSince()).isEqualTo(KbScript.T0.plusSeconds(180));
            assertThat(c.stuck()).isFalse();
            assertThat(c.attempts().values()).allMatch(n -> n == 0);
        }

        @Test
        void completeBeforeShutdownIsStillOneAttempt() {
            KbScript s = new KbScript(EXCH).events(BACKUP_START, PREPARED, SNAPSHOT_FREEZE, SNAPSHOT_THAW,
                    BACKUP_COMPLETE, BACKUP_SHUTDOWN);
            assertThat(stateAtEnd(s).attempts()).containsEntry(Outcome.COMPLETED, 1L);
        }
    }

    @Nested
    class Method2AbortedAfterPrepare {
        @Test
        void abortAfterPrepareThenRefusalInANewAttempt() {
            KbScript s = new KbScript(EXCH).events(BACKUP_START, VOLUME_SNAP, PREPARED)
                    .event(ABORT, "Exchange VSS Snapshot has aborted snapshot successfully")
                    .after(Duration.ofHours(2)).events(BACKUP_START, PREPARE_REFUSED);
            ComputerSnapshot c = stateAtEnd(s);
            assertThat(c.backupInProgress()).isTrue();
            assertThat(c.stuck()).isTrue();
            assertThat(c.remediation()).isEqualTo(Remediation.RESTART_INFORMATION_STORE);
            assertThat(c.attempts()).containsEntry(Outcome.ABORTED, 1L).containsEntry(Outcome.REFUSED, 1L)
                    .containsEntry(Outcome.FAILED, 0L);
            assertThat(c.diagnosis()).contains("aborted after PrepareBackup");
            assertThat(c.incident()).extracting(EvidenceEvent::eventId, EvidenceEvent::flagSetter).containsExactly(
                    tuple(PREPARE_REFUSED, false), tuple(BACKUP_START, false), tuple(ABORT, true), tuple(PREPARED, true),
                    tuple(VOLUME_SNAP, true), tuple(BACKUP_START, true));
            assertThat(c.history()).isEmpty();
        }

        @Test
        void theKbTableAloneWithoutAny9604() {
            KbScript s = new KbScript(EXCH).events(PREPARED, ABORT, PREPARE_REFUSED);
            ComputerSnapshot c = stateAtEnd(s);
            assertThat(c.stuck()).isTrue();
            assertThat(c.remediation()).isEqualTo(Remediation.RESTART_INFORMATION_STORE);
            assertThat(c.attempts()).containsEntry(Outcome.ABORTED, 1L).containsEntry(Outcome.REFUSED, 1L);
        }

        @Test
        void anAbortRightAfterPrepareIsNotAMethod1RunningBackup() {
            KbScript s = new KbScript(EXCH).events(BACKUP_START, PREPARED, ABORT, BACKUP_START, PREPARE_REFUSED);
            assertThat(stateAtEnd(s).remediation()).isEqualTo(Remediation.RESTART_INFORMATION_STORE);
        }

        @Test
        void event9840MeansMethod2() {
            KbScript s = new KbScript(EXCH).events(BACKUP_START, PREPARED, BACKUP_FAILED);
            ComputerSnapshot c = stateAtEnd(s);
            assertThat(c.stuck()).isTrue();
            assertThat(c.remediation()).isEqualTo(Remediation.RESTART_INFORMATION_STORE);
            assertThat(c.attempts()).containsEntry(Outcome.FAILED, 1L);
            assertThat(c.diagnosis()).contains("9840");
        }
    }

    @Nested
    class Method3CleanupNotCalled {
        @Test
        void earlierAttemptWithoutCleanupThenAbortIgnoredAndRefusal() {
            KbScript s = new KbScript(EXCH).events(BACKUP_START, VOLUME_SNAP, PREPARED, SNAPSHOT_FREEZE, SNAPSHOT_THAW)
                    .after(Duration.ofHours(3)).event(BACKUP_START).event(ABORT, "Abort ignored").event(PREPARE_REFUSED);
            ComputerSnapshot c = stateAtEnd(s);
            assertThat(c.stuck()).isTrue();
            assertThat(c.remediation()).isEqualTo(Remediation.FIX_BACKUP_PROGRAM_CLEANUP);
            assertThat(c.attempts()).containsEntry(Outcome.FAILED, 1L).containsEntry(Outcome.REFUSED, 1L)
                    .containsEntry(Outcome.ABORTED, 0L);
            assertThat(c.inProgressSince()).isEqualTo(KbScript.T0.plusSeconds(180));
        }

        @Test
        void abortIgnoredOfTheNewAttemptIsNotTakenForAnAbortOfTheOldOne() {
            // 9608 (old) ... 9604, 9614, 9607 reads like 9608, 9614, 9607 if attempts are not separated by 9604.
            KbScript s = new KbScript(EXCH).events(BACKUP_START, PREPARED)
                    .after(Duration.ofHours(1)).events(BACKUP_START, ABORT, PREPARE_REFUSED);
            ComputerSnapshot c = stateAtEnd(s);
            assertThat(c.remediation()).isEqualTo(Remediation.FIX_BACKUP_PROGRAM_CLEANUP);
            assertThat(c.stuck()).isTrue();
            assertThat(c.incident()).extracting(EvidenceEvent::description).contains("Abort ignored (backupInProgress already set)");
        }

        @Test
        void refusalWithNoEarlierAttemptInTheLog() {
            KbScript s = new KbScript(EXCH).event(BACKUP_START).event(ABORT, "Abort ignored").event(PREPARE_REFUSED);
            ComputerSnapshot c = stateAtEnd(s);
            assertThat(c.stuck()).isTrue();
            assertThat(c.backupInProgress()).isTrue();
            assertThat(c.remediation()).isEqualTo(Remediation.FIX_BACKUP_PROGRAM_CLEANUP);
            assertThat(c.diagnosis()).contains("not in the events read");
        }
    }

    @Nested
    class Method1EarlierBackupRunning {
        private KbScript runningThenRefused() {
            return new KbScript(EXCH).events(BACKUP_START, VOLUME_SNAP, PREPARED)
                    .after(Duration.ofMinutes(5)).event(BACKUP_START).event(ABORT, "Abort ignored").event(PREPARE_REFUSED);
        }

        @Test
        void refusalWhileAnEarlierAttemptProgressesIsMethod1AndNotStuck() {
            ComputerSnapshot c = stateAtEnd(runningThenRefused());
            assertThat(c.remediation()).isEqualTo(Remediation.WAIT_FOR_RUNNING_BACKUP);
            assertThat(c.stuck()).isFalse();
            assertThat(c.backupInProgress()).isTrue();
        }

        @Test
        void theRunningBackupCompletesAndEverythingClears() {
            KbScript s = runningThenRefused().events(SNAPSHOT_FREEZE, SNAPSHOT_THAW, BACKUP_SHUTDOWN, BACKUP_COMPLETE);
            ComputerSnapshot c = stateAtEnd(s);
            assertThat(c.backupInProgress()).isFalse();
            assertThat(c.remediation()).isNull();
            assertThat(c.stuck()).isFalse();
            assertThat(c.attempts()).containsEntry(Outcome.COMPLETED, 1L).containsEntry(Outcome.REFUSED, 1L);
            assertThat(c.lastSuccessfulBackup()).isEqualTo(s.now());
        }

        @Test
        void theRunningBackupStopsProgressingAndTheFlagTurnsStuck() {
            KbScript s = runningThenRefused();
            LifecycleEngine engine = engine(s.build());
            Instant lastProgressOfEarlier = KbScript.T0.plusSeconds(180);
            ComputerSnapshot before = state(engine, EXCH, lastProgressOfEarlier.plus(Duration.ofMinutes(30)));
            assertThat(before.stuck()).isFalse();
            assertThat(before.remediation()).isEqualTo(Remediation.WAIT_FOR_RUNNING_BACKUP);
            ComputerSnapshot after = state(engine, EXCH, lastProgressOfEarlier.plus(Duration.ofMinutes(31)));
            assertThat(after.stuck()).isTrue();
            assertThat(after.remediation()).isEqualTo(Remediation.FIX_BACKUP_PROGRAM_CLEANUP);
        }
    }

    @Nested
    class Resets {
        @Test
        void informationStoreRestartClearsAStuckFlag() {
            KbScript s = new KbScript(EXCH).events(BACKUP_START, PREPARED, ABORT, BACKUP_START, PREPARE_REFUSED)
                    .after(Duration.ofHours(1)).event(INITIALIZE_WRITER);
            ComputerSnapshot c = stateAtEnd(s);
            assertThat(c.backupInProgress()).isFalse();
            assertThat(c.stuck()).isFalse();
            assertThat(c.remediation()).isNull();
            assertThat(c.inProgressSince()).isNull();
        }

        @Test
        void aBackupAfterTheRestartWorksAgain() {
            KbScript s = new KbScript(EXCH).events(BACKUP_START, PREPARED, ABORT, BACKUP_START, PREPARE_REFUSED,
                    INITIALIZE_WRITER, BACKUP_START, VOLUME_SNAP, PREPARED, SNAPSHOT_FREEZE, SNAPSHOT_THAW,
                    BACKUP_SHUTDOWN, BACKUP_COMPLETE);
            ComputerSnapshot c = stateAtEnd(s);
            assertThat(c.stuck()).isFalse();
            assertThat(c.attempts()).containsEntry(Outcome.ABORTED, 1L).containsEntry(Outcome.REFUSED, 1L)
                    .containsEntry(Outcome.COMPLETED, 1L).containsEntry(Outcome.FAILED, 0L);
        }

        @Test
        void aRestartEndsARunningAttemptAsFailed() {
            KbScript s = new KbScript(EXCH).events(BACKUP_START, PREPARED, SNAPSHOT_FREEZE, INITIALIZE_WRITER);
            assertThat(stateAtEnd(s).attempts()).containsEntry(Outcome.FAILED, 1L);
        }
    }

    @Nested
    class StuckWithoutRefusal {
        @Test
        void noProgressForStuckAfterTurnsTheFlagStuck() {
            KbScript s = new KbScript(EXCH).events(BACKUP_START, PREPARED, SNAPSHOT_FREEZE);
            LifecycleEngine engine = engine(s.build());
            Instant lastProgress = s.now();
            assertThat(state(engine, EXCH, lastProgress.plus(Duration.ofHours(6)).minusSeconds(1)).stuck()).isFalse();
            ComputerSnapshot stuck = state(engine, EXCH, lastProgress.plus(Duration.ofHours(6)));
            assertThat(stuck.stuck()).isTrue();
            assertThat(stuck.stuckReason()).contains("no progress since 2026-11-20 01:03:00 UTC");
            assertThat(stuck.remediation()).isEqualTo(Remediation.FIX_BACKUP_PROGRAM_CLEANUP);
        }

        @Test
        void settingsChangeTheThreshold() {
            LifecycleEngine engine = new LifecycleEngine(
                    new LifecycleSettings(Duration.ofMinutes(30), Duration.ofHours(1)), Instant::now);
            KbScript s = new KbScript(EXCH).events(BACKUP_START, PREPARED);
            s.build().forEach(engine::apply);
            assertThat(state(engine, EXCH, s.now().plus(Duration.ofHours(1))).stuck()).isTrue();
        }
    }

    @Nested
    class Inputs {
        @Test
        void otherProvidersWithTheSameIdsNeitherMoveTheLifecycleNorCount() {
            List<EventRecord> other = new KbScript(EXCH, "MSExchangeSA").events(BACKUP_START, PREPARED, ABORT,
                    BACKUP_START, PREPARE_REFUSED).build();
            LifecycleEngine engine = engine(other);
            EngineSnapshot snap = engine.snapshotAt(engine.latestEventTime());
            assertThat(snap.computers()).isEmpty();
            assertThat(snap.events()).isEmpty();
        }

        @Test
        void everyEventIdOfTheWriterIsCountedPerLevel() {
            List<EventRecord> events = new KbScript(EXCH).events(BACKUP_START, PREPARED, ABORT, BACKUP_START,
                    PREPARE_REFUSED, 9999).build();
            LifecycleEngine engine = engine(events);
            assertThat(engine.snapshotAt(engine.latestEventTime()).events())
                    .extracting(EventCount::eventId, EventCount::level, EventCount::count)
                    .containsExactly(tuple(BACKUP_START, 4, 2L), tuple(PREPARE_REFUSED, 2, 1L), tuple(PREPARED, 4, 1L),
                            tuple(ABORT, 4, 1L), tuple(9999, 4, 1L));
        }

        @Test
        void theWritersProviderIsOneSeriesWhateverItsSpelling() {
            List<EventRecord> lower = new KbScript(EXCH, "msexchangeis").events(BACKUP_START, PREPARED).build();
            LifecycleEngine engine = engine(lower);
            EngineSnapshot snap = engine.snapshotAt(engine.latestEventTime());
            assertThat(snap.events()).extracting(EventCount::provider).containsOnly(VssEvents.PROVIDER);
            assertThat(snap.computers()).singleElement().satisfies(c -> assertThat(c.backupInProgress()).isTrue());
        }

        @Test
        void computersAreFollowedIndependentlyInOneStream() {
            List<EventRecord> a = new KbScript("EXCH01").events(BACKUP_START, PREPARED, ABORT, BACKUP_START,
                    PREPARE_REFUSED).build();
            List<EventRecord> b = new KbScript("EXCH02").events(BACKUP_START, VOLUME_SNAP, PREPARED, SNAPSHOT_FREEZE,
                    SNAPSHOT_THAW, BACKUP_SHUTDOWN, BACKUP_COMPLETE).build();
            LifecycleEngine engine = new LifecycleEngine(LifecycleSettings.DEFAULTS, Instant::now);
            for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
                if (i < a.size()) engine.apply(a.get(i));
                if (i < b.size()) engine.apply(b.get(i));
            }
            Instant end = engine.latestEventTime();
            assertThat(state(engine, "EXCH01", end).remediation()).isEqualTo(Remediation.RESTART_INFORMATION_STORE);
            assertThat(state(engine, "EXCH02", end).stuck()).isFalse();
            assertThat(state(engine, "EXCH02", end).attempts()).containsEntry(Outcome.COMPLETED, 1L);
        }

        @Test
        void anEventAppliedTwiceCountsOnce() {
            List<EventRecord> events = new KbScript(EXCH).events(BACKUP_START, PREPARED, BACKUP_COMPLETE).build();
            LifecycleEngine engine = engine(events);
            assertThat(engine.apply(events.get(2))).isFalse();
            assertThat(engine.apply(events.get(0))).isFalse();
            EngineSnapshot snap = engine.snapshotAt(engine.latestEventTime());
            assertThat(snap.events()).extracting(EventCount::count).containsOnly(1L);
            assertThat(snap.computers().get(0).attempts()).containsEntry(Outcome.COMPLETED, 1L);
        }

        @Test
        void aClearedLogStartingAgainAtLowRecordIdsIsNotTakenForDuplicates() {
            List<EventRecord> first = new KbScript(EXCH).events(BACKUP_START, PREPARED).build();
            LifecycleEngine engine = engine(first);
            EventRecord restarted = first.get(0).toBuilder().recordId(1).eventId(INITIALIZE_WRITER)
                    .timeCreated(first.get(1).timeCreated().plusSeconds(60)).build();
            assertThat(engine.apply(restarted)).isTrue();
            assertThat(state(engine, EXCH, engine.latestEventTime()).backupInProgress()).isFalse();
        }
    }
}
