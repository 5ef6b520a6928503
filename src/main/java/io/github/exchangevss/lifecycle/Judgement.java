package io.github.exchangevss.lifecycle;

import java.time.Instant;

/**
 * What the engine concludes about a set flag at one moment, as data; {@link DiagnosisText} puts it in words.
 *
 * @param cause        why the flag stays set; null while nothing asks for a method yet (no refusal, not stuck)
 * @param stuck        why nothing will clear the flag by itself; null when it may still clear
 */
record Judgement(FlagState.Set flag, Cause cause, Stuck stuck, Instant lastProgress) {

    /** Why the flag stays set, each with the KB method it calls for. */
    enum Cause {
        /** A 9840 of the attempt that set the flag, or one logged while it was set. */
        FAILURE_9840(Remediation.RESTART_INFORMATION_STORE),
        /** The attempt that set the flag aborted after PrepareBackup and before DoSnapshot. */
        ABORTED_AFTER_PREPARE(Remediation.RESTART_INFORMATION_STORE),
        /** The attempt that set the flag still progresses. */
        STILL_RUNNING(Remediation.WAIT_FOR_RUNNING_BACKUP),
        /** The attempt that set the flag ended without the cleanup calls. */
        NO_CLEANUP(Remediation.FIX_BACKUP_PROGRAM_CLEANUP),
        /** The attempt that set the flag is not in the events read; nothing is seen running. */
        SETTER_NOT_SEEN(Remediation.FIX_BACKUP_PROGRAM_CLEANUP);

        final Remediation remediation;

        Cause(Remediation remediation) {
            this.remediation = remediation;
        }
    }

    enum Stuck {
        /** Refused while the attempt that set the flag was not running. */
        REFUSED_WHILE_NOTHING_RUNS,
        /** Refused while it ran (Method 1), and it has stopped since without cleanup. */
        WAITED_FOR_BACKUP_STOPPED,
        /** No progress of the attempt that set the flag for {@code backup.stuck-after}. */
        NO_PROGRESS
    }

    Remediation remediation() {
        return cause == null ? null : cause.remediation;
    }

    /**
     * The rule of the state machine: the method is judged from the attempt that set the flag, never from the
     * attempts refused since.
     */
    static Judgement of(FlagState.Set flag, Instant now, LifecycleSettings settings) {
        Attempt setter = flag.setter();
        Instant lastProgress = setter != null ? setter.lastEventAt : flag.since();
        boolean noProgress = !lastProgress.plus(settings.stuckAfter()).isAfter(now);
        boolean setterRunning = setter != null && !noProgress && setter.runningAt(now, settings.activeTimeout());
        boolean refused = flag.refusedAt() != null;

        Stuck stuck = null;
        if (refused && !setterRunning) {
            boolean waited = setter != null && !setter.finished()
                    && !setter.lastEventAt.plus(settings.activeTimeout()).isBefore(flag.refusedAt());
            stuck = waited ? Stuck.WAITED_FOR_BACKUP_STOPPED : Stuck.REFUSED_WHILE_NOTHING_RUNS;
        } else if (noProgress) {
            stuck = Stuck.NO_PROGRESS;
        }
        if (!refused && stuck == null) {
            return new Judgement(flag, null, null, lastProgress);
        }

        Cause cause;
        if (flag.failureWhileSet() || (setter != null && setter.did(Step.FAILED))) {
            cause = Cause.FAILURE_9840;
        } else if (setter == null) {
            cause = Cause.SETTER_NOT_SEEN;
        } else if (setter.abortedAfterPrepare()) {
            cause = Cause.ABORTED_AFTER_PREPARE;
        } else if (setterRunning) {
            cause = Cause.STILL_RUNNING;
        } else {
            cause = Cause.NO_CLEANUP;
        }
        return new Judgement(flag, cause, stuck, lastProgress);
    }
}
