package io.github.exchangevss.http;

import io.github.exchangevss.lifecycle.Remediation;

/** The runbook pages, named after the alerts that link to them; the one place to change their names and address. */
public final class Runbooks {
    public static final String BASE_URL =
            "https://github.com/exchange-vss-exporter/exchange-vss-exporter/blob/main/docs/runbooks/";
    public static final String BACKUP_STUCK = "ExchangeVssBackupStuck";

    private Runbooks() {}

    /** The alert (and runbook) name for a KB 910250 method. */
    public static String alertName(Remediation remediation) {
        return switch (remediation) {
            case WAIT_FOR_RUNNING_BACKUP -> "ExchangeVssBackupRunningRefusal";
            case RESTART_INFORMATION_STORE -> "ExchangeVssRestartInformationStoreRequired";
            case FIX_BACKUP_PROGRAM_CLEANUP -> "ExchangeVssBackupProgramCleanupMissing";
        };
    }

    public static String url(String alertName) {
        return BASE_URL + alertName + ".md";
    }
}
