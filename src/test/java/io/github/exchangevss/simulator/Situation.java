package io.github.exchangevss.simulator;

/**
 * Why the simulated writer's flag is what it is at a check, known by construction from what the simulated
 * backup programs did; each with what KB 910250 says about it.
 */
enum Situation {
    CLEAR_AFTER_CLEAN_BACKUPS(false, null),
    CLEAR_AFTER_STORE_RESTART(false, null),
    /** Another job's PrepareBackup was refused while the job that set the flag still works (KB Method 1). */
    EARLIER_BACKUP_RUNNING(true, 1),
    /** The job that set the flag was aborted after PrepareBackup and before DoSnapshot (KB Method 2). */
    ABORTED_AFTER_PREPARE(true, 2),
    /** The job that set the flag failed with 9840 (KB Method 2, KB 930800). */
    FAILED_9840_AFTER_PREPARE(true, 2),
    /** The job that set the flag ended without calling OnBackupComplete/BackupShutdown (KB Method 3). */
    NO_CLEANUP_CALLS(true, 3),
    /** The job that another one waited for (Method 1) hung and will never call the cleanup APIs (KB Method 3). */
    HUNG_AFTER_OVERLAP(true, 3);

    final boolean flagSet;
    final Integer method;

    Situation(boolean flagSet, Integer method) {
        this.flagSet = flagSet;
        this.method = method;
    }

    /** Stuck: the flag is set and nothing will clear it by itself; only Method 1's running job still may. */
    boolean stuck() {
        return flagSet && method != 1;
    }
}
