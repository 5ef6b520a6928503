package io.github.exchangevss.lifecycle;

/** The three methods of KB 910250, with the label values and plain-words remedies the exporter shows. */
public enum Remediation {
    WAIT_FOR_RUNNING_BACKUP(1, "wait_for_running_backup",
            "An earlier backup is still running. Wait for it to finish, then start the next backup.",
            "Method 1: An earlier backup operation is in progress",
            "wait for the running backup", ""),
    RESTART_INFORMATION_STORE(2, "restart_information_store",
            "Restart the Microsoft Exchange Information Store service (Services > Microsoft Exchange Information"
                    + " Store > Restart), then run the backup again.",
            "Method 2: Restart the Microsoft Exchange Information Store service",
            "restart the Information Store", Warnings.STORE_RESTART),
    FIX_BACKUP_PROGRAM_CLEANUP(3, "fix_backup_program_cleanup",
            "A backup program ended without calling the VSS cleanup APIs (OnBackupComplete/BackupShutdown). Find it in"
                    + " the event log, disable it to confirm, and contact its vendor; restart the Information Store"
                    + " service to clear the flag now.",
            "Method 3: An earlier backup operation is not in progress",
            "fix the backup program; restart the Information Store", Warnings.STORE_RESTART);

    private final int method;
    private final String action;
    private final String remedy;
    private final String kbTitle;
    private final String summary;
    private final String warning;

    Remediation(int method, String action, String remedy, String kbTitle, String summary, String warning) {
        this.method = method;
        this.action = action;
        this.remedy = remedy;
        this.kbTitle = kbTitle;
        this.summary = summary;
        this.warning = warning;
    }

    /** The method number of KB 910250 (1, 2 or 3). */
    public int method() {
        return method;
    }

    /** The {@code action} label value of {@code exchange_vss_remediation}. */
    public String action() {
        return action;
    }

    /** What to do, in plain words, for the status page, diagnose and alert descriptions. */
    public String remedy() {
        return remedy;
    }

    public String kbTitle() {
        return kbTitle;
    }

    /** The remedy in a few words, for a table cell. */
    public String summary() {
        return summary;
    }

    /** What the remedy costs the users, to read before applying it; empty when nothing. */
    public String warning() {
        return warning;
    }

    /** Enum constants cannot refer to a static field of their own enum in their arguments. */
    private static final class Warnings {
        static final String STORE_RESTART = "Restarting the Information Store service dismounts this server's"
                + " databases and disconnects its mailbox users until it is running again: warn them or use a"
                + " maintenance window (the backups stay blocked until the restart).";
    }
}
