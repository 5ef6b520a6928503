package io.github.exchangevss.lifecycle;

/** What an attempt has done so far; an attempt keeps them as an {@code EnumSet}. */
enum Step {
    /** 9608: PrepareBackup succeeded. */
    PREPARED,
    /** 9610 or 9612: DoSnapshot was reached. */
    SNAPSHOT_TAKEN,
    /** 9614 "aborted snapshot successfully". */
    ABORTED,
    /** 9614 "Abort ignored": the flag was already set by an earlier attempt. */
    ABORT_IGNORED,
    /** 9607: PrepareBackup refused. */
    REFUSED,
    /** 9840: the VSS backup operation failed. */
    FAILED,
    /** 9616: OnBackupComplete. */
    BACKUP_COMPLETE,
    /** 9648: OnBackupShutdown. */
    BACKUP_SHUTDOWN
}
