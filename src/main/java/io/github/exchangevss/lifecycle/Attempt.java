package io.github.exchangevss.lifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * One backup attempt of the VSS writer, from its 9604 (or its first event when the 9604 was not read) to its
 * cleanup calls. Mutable; owned by one {@link ComputerLifecycle} under the engine's lock, and referred to by its
 * {@code id} (unique per computer) wherever it is persisted.
 */
final class Attempt {
    final long id;
    final Instant startedAt;
    Instant lastEventAt;
    final EnumSet<Step> steps;
    /** Set once the attempt is counted in {@code exchange_vss_backup_attempts_total}; never counted twice. */
    Outcome outcome;

    Attempt(long id, Instant startedAt) {
        this(id, startedAt, startedAt, EnumSet.noneOf(Step.class), null);
    }

    Attempt(long id, Instant startedAt, Instant lastEventAt, Set<Step> steps, Outcome outcome) {
        this.id = id;
        this.startedAt = startedAt;
        this.lastEventAt = lastEventAt;
        this.steps = steps.isEmpty() ? EnumSet.noneOf(Step.class) : EnumSet.copyOf(steps);
        this.outcome = outcome;
    }

    void touch(Instant time) {
        if (time.isAfter(lastEventAt)) {
            lastEventAt = time;
        }
    }

    boolean did(Step step) {
        return steps.contains(step);
    }

    boolean cleanupCalled() {
        return did(Step.BACKUP_COMPLETE) || did(Step.BACKUP_SHUTDOWN);
    }

    /** Nothing more of its own is expected: cleaned up, refused, aborted or failed. */
    boolean finished() {
        return cleanupCalled() || did(Step.REFUSED) || did(Step.ABORTED) || did(Step.FAILED);
    }

    /** Still running at {@code now}: not finished, and progress within {@code activeTimeout}. */
    boolean runningAt(Instant now, Duration activeTimeout) {
        return !finished() && !lastEventAt.plus(activeTimeout).isBefore(now);
    }

    /** KB Method 2's signature: aborted after PrepareBackup and before DoSnapshot, no cleanup. */
    boolean abortedAfterPrepare() {
        return did(Step.PREPARED) && did(Step.ABORTED) && !did(Step.SNAPSHOT_TAKEN) && !cleanupCalled();
    }

    /** The outcome of an attempt that ends without having been counted yet. */
    Outcome endingOutcome() {
        return did(Step.ABORTED) || did(Step.ABORT_IGNORED) || (did(Step.BACKUP_SHUTDOWN) && !did(Step.BACKUP_COMPLETE))
                ? Outcome.ABORTED : Outcome.FAILED;
    }
}
