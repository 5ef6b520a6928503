package io.github.exchangevss.http;

import io.github.exchangevss.lifecycle.Remediation;

/**
 * The runbook pages, named after the alerts that link to them, and where they are read: {@code --web.runbook-url},
 * by default the exporter's own {@code /runbooks/} pages.
 */
public final class Runbooks {
    public static final String DEFAULT_BASE_URL = "/runbooks/";
    public static final String BACKUP_STUCK = "ExchangeVssBackupStuck";
    /** The alert on the MSExchangeRepl writer's errors, what watches Exchange 2013 and later. */
    public static final String REPLICATION_WRITER_ERROR = "ExchangeVssReplicationWriterError";

    private final String baseUrl;

    /**
     * @param baseUrl an absolute http(s) URL or a path on this exporter, ending with {@code /}
     * @throws IllegalArgumentException naming {@code web.runbook-url} and what is wrong
     */
    public Runbooks(String baseUrl) {
        if (baseUrl == null || !baseUrl.endsWith("/")
                || !(baseUrl.startsWith("/") || baseUrl.startsWith("http://") || baseUrl.startsWith("https://"))) {
            throw new IllegalArgumentException("web.runbook-url \"" + baseUrl + "\": must be an http(s) URL or a"
                    + " path ending with /, e.g. https://wiki.example.com/exchange-vss/ (default "
                    + DEFAULT_BASE_URL + ")");
        }
        this.baseUrl = baseUrl;
    }

    /** The alert (and runbook) name for a KB 910250 method. */
    public static String alertName(Remediation remediation) {
        return switch (remediation) {
            case WAIT_FOR_RUNNING_BACKUP -> "ExchangeVssBackupRunningRefusal";
            case RESTART_INFORMATION_STORE -> "ExchangeVssRestartInformationStoreRequired";
            case FIX_BACKUP_PROGRAM_CLEANUP -> "ExchangeVssBackupProgramCleanupMissing";
        };
    }

    /** The runbook's address: the Markdown file's name, which the exporter also answers in HTML. */
    public String url(String alertName) {
        return baseUrl + alertName + ".md";
    }
}
