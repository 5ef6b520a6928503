package io.github.exchangevss.lifecycle;

import java.time.Duration;
import java.time.Instant;

/**
 * One backup attempt of the VSS writer, from its 9604 (or its first event when the 9604 was not read)
 * to its cleanup calls. Mutable; owned by one {@link ComputerLifecycle} under the engine's lock.
 * Fields are plain so the persisted state is this object as it is.
 */
final class Attempt {
    Instant startedAt;
    Instant lastEventAt;
    boolean prepared;
    boolean snapshotTaken;
    boolean aborted;
    boolean abortIgnored;
    boolean refused;
    boolean failed;
    boolean backupCompleteCalled;
    boolean backupShutdownCalled;
    /** Set once the attempt is counted in {@code exchange_vss_backup_attempts_total}; never counted twice. */
    Outcome outcome;

    Attempt() {}

    Attempt(Instant startedAt) {
        this.startedAt = startedAt;
        this.lastEventAt = startedAt;
    }

    void touch(Instant time) {
        if (lastEventAt == null || time.isAfter(lastEventAt)) {
            lastEventAt = time;
        }
    }

    /** Both cleanup APIs of the KB's successful sequence were called, or at least one of them. */
    boolean cleanupCalled() {
        return backupCompleteCalled || backupShutdownCalled;
    }

    /** Nothing more of its own is expected: cleaned up, refused, aborted or failed. */
    boolean finished() {
        return cleanupCalled() || refused || aborted || failed;
    }

    /** Still running at {@code now}: not finished, and progress within {@code activeTimeout}. */
    boolean runningAt(Instant now, Duration activeTimeout) {
        return !finished() && !lastEventAt.plus(activeTimeout).isBefore(now);
    }

    /** KB Method 2's signature: aborted after PrepareBackup and before DoSnapshot, no cleanup. */
    boolean abortedAfterPrepare() {
        return prepared && aborted && !snapshotTaken && !cleanupCalled();
    }

    /** The outcome of an attempt that ends without having been counted yet. */
    Outcome endingOutcome() {
        return aborted || abortIgnored || (backupShutdownCalled && !backupCompleteCalled) ? Outcome.ABORTED : Outcome.FAILED;
    }
}
