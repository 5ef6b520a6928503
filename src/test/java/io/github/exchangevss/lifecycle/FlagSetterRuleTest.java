package io.github.exchangevss.lifecycle;

import static io.github.exchangevss.lifecycle.VssEvents.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.exchangevss.event.EventRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The method is judged from the attempt that set the flag, however many refusals follow it. */
class FlagSetterRuleTest {
    private static final String EXCH = "EXCH01.contoso.local";

    private static ComputerSnapshot atEnd(KbScript s) {
        List<EventRecord> events = s.build();
        LifecycleEngine engine = new LifecycleEngine(LifecycleSettings.DEFAULTS, Instant::now);
        events.forEach(engine::apply);
        return engine.snapshotAt(engine.latestEventTime()).computers().get(0);
    }

    private static KbScript nightlyRefusal(KbScript s) {
        return s.after(Duration.ofDays(1)).event(BACKUP_START).event(ABORT, "Abort ignored").event(PREPARE_REFUSED);
    }

    @Test
    void nightlyRefusalsAfterAnAbortAfterPrepareStayMethod2() {
        KbScript s = new KbScript(EXCH).events(BACKUP_START, VOLUME_SNAP, PREPARED)
                .event(ABORT, "Exchange VSS Snapshot has aborted snapshot successfully");
        for (int night = 1; night <= 4; night++) {
            nightlyRefusal(s);
            ComputerSnapshot c = atEnd(s);
            assertThat(c.stuck()).as("night %d", night).isTrue();
            assertThat(c.remediation()).as("night %d", night).isEqualTo(Remediation.RESTART_INFORMATION_STORE);
            assertThat(c.inProgressSince()).isEqualTo(KbScript.T0.plusSeconds(180));
        }
    }

    @Test
    void nightlyRefusalsAfterAnAttemptWithoutCleanupStayMethod3() {
        KbScript s = new KbScript(EXCH).events(BACKUP_START, VOLUME_SNAP, PREPARED, SNAPSHOT_FREEZE, SNAPSHOT_THAW);
        for (int night = 1; night <= 4; night++) {
            nightlyRefusal(s);
            assertThat(atEnd(s).remediation()).as("night %d", night).isEqualTo(Remediation.FIX_BACKUP_PROGRAM_CLEANUP);
        }
    }

    @Test
    void a9840BeforeTheFlagWasSetDoesNotMakeALaterAttemptMethod2() {
        KbScript s = new KbScript(EXCH).events(BACKUP_START, VOLUME_SNAP, BACKUP_FAILED)
                .after(Duration.ofDays(1)).events(BACKUP_START, VOLUME_SNAP, PREPARED, SNAPSHOT_FREEZE, SNAPSHOT_THAW);
        nightlyRefusal(s);
        ComputerSnapshot c = atEnd(s);
        assertThat(c.stuck()).isTrue();
        assertThat(c.remediation()).isEqualTo(Remediation.FIX_BACKUP_PROGRAM_CLEANUP);
        assertThat(c.attempts()).containsEntry(Outcome.FAILED, 2L).containsEntry(Outcome.REFUSED, 1L);
    }

    @Test
    void a9840OfTheAttemptThatSetTheFlagIsMethod2OnEveryNight() {
        KbScript s = new KbScript(EXCH).events(BACKUP_START, VOLUME_SNAP, PREPARED, BACKUP_FAILED);
        for (int night = 1; night <= 3; night++) {
            nightlyRefusal(s);
            assertThat(atEnd(s).remediation()).as("night %d", night).isEqualTo(Remediation.RESTART_INFORMATION_STORE);
        }
    }
}
