package io.github.exchangevss.lifecycle;

import java.util.Locale;

/** How a backup attempt ended; each attempt is counted under exactly one outcome. */
public enum Outcome {
    /** The writer got OnBackupComplete (9616) before any abort, refusal or failure was counted. */
    COMPLETED,
    /** 9614 "aborted snapshot successfully"; or an attempt that ended after an ignored abort or with 9648 alone. */
    ABORTED,
    /** 9607: PrepareBackup refused because backupInProgress was already set. */
    REFUSED,
    /** 9840, or an attempt that ended (new attempt, store restart) without ever calling the cleanup APIs. */
    FAILED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
