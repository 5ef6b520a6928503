package io.github.exchangevss.lifecycle;

import static io.github.exchangevss.lifecycle.VssEvents.*;

import io.github.exchangevss.event.EventRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The KB 910250 state machine of one computer's Exchange VSS writer.
 *
 * <p>It infers the writer's {@code backupInProgress} flag from the MSExchangeIS events (9608 sets it;
 * 9600, 9616 and 9648 reset it), follows attempts (separated by 9604), and on a refusal (9607, or 9840 while
 * the flag is set) decides which method of the KB applies by looking at the attempt before the refused one.
 * Not thread-safe: the engine serialises access. Fields are plain so the persisted state is this object.
 */
final class ComputerLifecycle {
    private static final int EVIDENCE_LIMIT = 20;

    String computer;
    boolean flagSet;
    Instant flagSince;
    /** The attempt that set the flag (its 9608); its progress is what "no progress for stuck-after" watches. */
    Attempt flagHolder;
    /** The attempt the latest events belong to. */
    Attempt current;
    /** An attempt still running when a newer one started: Method 1's "earlier backup in progress". */
    Attempt earlier;
    /** The last attempt that ended before {@link #current}. */
    Attempt lastEnded;
    boolean failureSinceReset;

    /** Set on a refusal and kept until the flag is reset. */
    Remediation remediation;
    String diagnosis;
    Instant refusedAt;
    /** The refusal came while no earlier attempt was running: the flag cannot clear by itself. */
    boolean stuckByRefusal;

    Map<Outcome, Long> attempts = new EnumMap<>(Outcome.class);
    DurationHistogram durations = new DurationHistogram();
    Instant lastSuccessfulBackup;
    Deque<EvidenceEvent> evidence = new ArrayDeque<>();
    Instant lastEventTime;

    ComputerLifecycle() {}

    ComputerLifecycle(String computer) {
        this.computer = computer;
    }

    void noteEvent(Instant time) {
        if (lastEventTime == null || time.isAfter(lastEventTime)) {
            lastEventTime = time;
        }
    }

    void apply(EventRecord e, LifecycleSettings settings) {
        Instant t = e.timeCreated();
        switch (e.eventId()) {
            case INITIALIZE_WRITER -> {
                endAttempt(earlier);
                endAttempt(current);
                earlier = null;
                current = null;
                resetFlag();
                remember(e, describe(e.eventId()));
            }
            case BACKUP_START -> {
                startAttempt(t, settings);
                remember(e, describe(e.eventId()));
            }
            case VOLUME_SNAP, SNAPSHOT_FREEZE, SNAPSHOT_THAW -> {
                Attempt a = progressTarget(t);
                a.touch(t);
                if (e.eventId() != VOLUME_SNAP) {
                    a.snapshotTaken = true;
                }
                remember(e, describe(e.eventId()));
            }
            case PREPARED -> {
                Attempt a = progressTarget(t);
                a.touch(t);
                a.prepared = true;
                if (!flagSet) {
                    flagSet = true;
                    flagSince = t;
                    flagHolder = a;
                }
                remember(e, describe(e.eventId()));
            }
            case ABORT -> {
                Attempt a = progressTarget(t);
                a.touch(t);
                // The writer logs "Abort ignored" when the flag was set by an earlier attempt, i.e. when this one
                // never got past PrepareBackup; that is also how an abort without text is read.
                boolean ignored = mentions(e, "ignored") || (!a.prepared && !mentions(e, "success"));
                if (ignored) {
                    a.abortIgnored = true;
                    remember(e, "Abort ignored (backupInProgress already set)");
                } else {
                    a.aborted = true;
                    count(a, Outcome.ABORTED);
                    remember(e, a.prepared ? "Aborted snapshot successfully, after PrepareBackup" : "Aborted snapshot successfully");
                }
            }
            case PREPARE_REFUSED -> {
                Attempt a = refusalTarget(t, settings);
                a.refused = true;
                count(a, Outcome.REFUSED);
                boolean saysBackupInProgress = mentions(e, "backup in progress");
                remember(e, saysBackupInProgress ? "PrepareBackup refused: \"Backup in progress\"" : describe(e.eventId()));
                refuse(t, settings);
            }
            case BACKUP_FAILED -> {
                Attempt a = current != null ? current : newAttempt(t);
                a.touch(t);
                a.failed = true;
                count(a, Outcome.FAILED);
                failureSinceReset = true;
                remember(e, describe(e.eventId()));
                if (flagSet) {
                    refuse(t, settings);
                }
            }
            case BACKUP_COMPLETE, BACKUP_SHUTDOWN -> {
                Attempt a = progressTarget(t);
                a.touch(t);
                if (e.eventId() == BACKUP_COMPLETE) {
                    a.backupCompleteCalled = true;
                    if (count(a, Outcome.COMPLETED)) {
                        lastSuccessfulBackup = t;
                        durations.observe(Math.max(0, Duration.between(a.startedAt, t).toNanos() / 1e9));
                    }
                } else {
                    a.backupShutdownCalled = true;
                }
                resetFlag();
                remember(e, describe(e.eventId()));
            }
            default -> throw new IllegalArgumentException("not a lifecycle event: " + e);
        }
    }

    private void startAttempt(Instant t, LifecycleSettings settings) {
        if (current != null) {
            if (current.runningAt(t, settings.activeTimeout())) {
                endAttempt(earlier);
                earlier = current;
            } else {
                endAttempt(earlier);
                endAttempt(current);
                earlier = null;
            }
        }
        current = new Attempt(t);
    }

    private Attempt newAttempt(Instant t) {
        current = new Attempt(t);
        return current;
    }

    /** Progress belongs to the newest attempt unless that one was refused while an earlier one still runs. */
    private Attempt progressTarget(Instant t) {
        if (current == null) {
            return newAttempt(t);
        }
        if (current.refused && earlier != null) {
            return earlier;
        }
        return current;
    }

    /**
     * A refusal comes from PrepareBackup: if the newest attempt already got past PrepareBackup or is over,
     * the refusal starts a new attempt whose 9604 was not read (the KB's own table shows 9608, 9614, 9607).
     */
    private Attempt refusalTarget(Instant t, LifecycleSettings settings) {
        if (current == null) {
            return newAttempt(t);
        }
        if (current.prepared || current.finished()) {
            startAttempt(t, settings);
        }
        current.touch(t);
        return current;
    }

    private void refuse(Instant t, LifecycleSettings settings) {
        refusedAt = t;
        if (!flagSet) {
            flagSet = true;
            flagSince = t;
        }
        if (earlier != null && earlier.runningAt(t, settings.activeTimeout())) {
            remediation = Remediation.WAIT_FOR_RUNNING_BACKUP;
            diagnosis = "Refused at " + at(t) + " while an earlier backup (started " + at(earlier.startedAt)
                    + ", last progress " + at(earlier.lastEventAt) + ") is still running.";
            stuckByRefusal = false;
            return;
        }
        Attempt culprit = earlier != null ? earlier : lastEnded;
        remediation = decide(culprit);
        diagnosis = explain(culprit);
        stuckByRefusal = true;
    }

    private Remediation decide(Attempt culprit) {
        if (failureSinceReset || (culprit != null && culprit.abortedAfterPrepare())) {
            return Remediation.RESTART_INFORMATION_STORE;
        }
        return Remediation.FIX_BACKUP_PROGRAM_CLEANUP;
    }

    private String explain(Attempt culprit) {
        if (failureSinceReset) {
            return "Event 9840 (VSS backup operation failed) was logged since the flag was last reset.";
        }
        if (culprit == null) {
            return "The attempt that left backupInProgress set is not in the events read; no running backup is seen.";
        }
        if (culprit.abortedAfterPrepare()) {
            return "The earlier attempt (started " + at(culprit.startedAt) + ") was aborted after PrepareBackup and before"
                    + " DoSnapshot (9608 then 9614, no 9610/9612, no 9616/9648): the abort left backupInProgress set.";
        }
        return "The earlier attempt (started " + at(culprit.startedAt) + ", last event " + at(culprit.lastEventAt)
                + ") ended without OnBackupComplete (9616) and OnBackupShutdown (9648): its backup program did not"
                + " call the cleanup APIs.";
    }

    private boolean count(Attempt a, Outcome outcome) {
        if (a.outcome != null) {
            return false;
        }
        a.outcome = outcome;
        attempts.merge(outcome, 1L, Long::sum);
        return true;
    }

    private void endAttempt(Attempt a) {
        if (a == null) {
            return;
        }
        if (a.outcome == null) {
            count(a, a.endingOutcome());
        }
        if (lastEnded == null || !a.startedAt.isBefore(lastEnded.startedAt)) {
            lastEnded = a;
        }
    }

    private void resetFlag() {
        flagSet = false;
        flagSince = null;
        flagHolder = null;
        failureSinceReset = false;
        remediation = null;
        diagnosis = null;
        refusedAt = null;
        stuckByRefusal = false;
    }

    private void remember(EventRecord e, String description) {
        evidence.addLast(new EvidenceEvent(e.timeCreated(), e.recordId(), e.eventId(), description, false));
        while (evidence.size() > EVIDENCE_LIMIT) {
            evidence.removeFirst();
        }
    }

    private static final DateTimeFormatter TEXT_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    /** A time for the plain-words texts: to the second, as Event Viewer shows it. */
    private static String at(Instant time) {
        return TEXT_TIME.format(time);
    }

    /** The state as judged at {@code now}; pure, so a scrape never changes what the next one sees. */
    ComputerSnapshot snapshot(Instant now, LifecycleSettings settings) {
        boolean stuck = false;
        String stuckReason = null;
        Remediation method = remediation;
        String why = diagnosis;
        if (flagSet) {
            if (method == Remediation.WAIT_FOR_RUNNING_BACKUP && earlier != null
                    && !earlier.runningAt(now, settings.activeTimeout())) {
                // The backup we were told to wait for stopped progressing without cleanup: judge it again.
                method = decide(earlier);
                why = "The backup that was running when the refusal came (started " + at(earlier.startedAt)
                        + ") made no progress after " + at(earlier.lastEventAt) + ". " + explain(earlier);
                stuck = true;
                stuckReason = "refused at " + at(refusedAt) + "; the backup it waited for stopped at " + at(earlier.lastEventAt);
            } else if (stuckByRefusal) {
                stuck = true;
                stuckReason = "a backup was refused at " + at(refusedAt) + " while no earlier backup is running";
            }
            Instant lastProgress = flagHolder != null ? flagHolder.lastEventAt : flagSince;
            if (!stuck && !lastProgress.plus(settings.stuckAfter()).isAfter(now)) {
                stuck = true;
                stuckReason = "backupInProgress set since " + at(flagSince) + " with no progress since " + at(lastProgress);
                if (method == null || method == Remediation.WAIT_FOR_RUNNING_BACKUP) {
                    method = decide(flagHolder);
                    why = explain(flagHolder);
                }
            }
        }
        Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);
        for (Outcome o : Outcome.values()) {
            counts.put(o, attempts.getOrDefault(o, 0L));
        }
        List<EvidenceEvent> incident = new ArrayList<>();
        List<EvidenceEvent> history = new ArrayList<>();
        evidence.descendingIterator().forEachRemaining(event ->
                (flagSet && !event.time().isBefore(flagSince) ? incident : history).add(event));
        return new ComputerSnapshot(computer, flagSet, flagSince, stuck, stuckReason, method, why, counts,
                lastSuccessfulBackup, durations.snapshot(), List.copyOf(incident), List.copyOf(history), lastEventTime);
    }
}
