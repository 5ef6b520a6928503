package io.github.exchangevss.lifecycle;

import java.time.Instant;

/** The writer's {@code backupInProgress} flag as the events show it: clear, or set since a time by an attempt. */
sealed interface FlagState permits FlagState.Clear, FlagState.Set {

    enum Clear implements FlagState { INSTANCE }

    /**
     * @param since           when the flag was set (the 9608, or the first refusal when no 9608 was read)
     * @param setter          the attempt whose PrepareBackup set it; null when that attempt is not in the events read
     * @param refusedAt       the latest refusal (9607, or 9840) since the flag was set; null before any
     * @param failureWhileSet a 9840 was logged while the flag was set
     */
    record Set(Instant since, Attempt setter, Instant refusedAt, boolean failureWhileSet) implements FlagState {
        Set refused(Instant at) {
            return new Set(since, setter, at, failureWhileSet);
        }

        Set failed(Instant at) {
            return new Set(since, setter, at, true);
        }
    }
}
