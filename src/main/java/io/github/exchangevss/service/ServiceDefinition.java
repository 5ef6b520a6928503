package io.github.exchangevss.service;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything the Service Control Manager is told about the service: what it runs, as whom, how it starts and what
 * happens when it fails.
 *
 * @param account                 the account it runs as: a virtual account {@code NT SERVICE\NAME} (no password), a
 *                                group managed service account ending in {@code $}, or a built-in account
 * @param restartDelays           one restart action per failure in a row, each after its delay
 * @param resetFailuresAfter      a run this long without failure starts the count of failures over
 * @param preshutdownTimeout      how long Windows waits at shutdown for the state to be saved
 */
public record ServiceDefinition(
        String name,
        String displayName,
        String description,
        Path javaExe,
        Path jar,
        Path configFile,
        Path dataDirectory,
        String account,
        List<String> dependencies,
        List<Duration> restartDelays,
        Duration resetFailuresAfter,
        Duration preshutdownTimeout) {

    public static final String NAME = "exchange-vss-exporter";
    public static final String DISPLAY_NAME = "Exchange VSS exporter";
    public static final String DESCRIPTION = "Prometheus exporter for the Exchange Information Store VSS writer"
            + " (stuck backupInProgress, KB 910250). Metrics on TCP 19607.";
    /** The Windows Event Log service must run before a subscription can be made. */
    public static final List<String> DEPENDENCIES = List.of("EventLog");
    public static final List<Duration> RESTART_DELAYS = List.of(Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofMinutes(2));
    public static final Duration RESET_FAILURES_AFTER = Duration.ofHours(1);
    public static final Duration PRESHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

    public ServiceDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(javaExe, "javaExe");
        Objects.requireNonNull(jar, "jar");
        Objects.requireNonNull(configFile, "configFile");
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(account, "account");
        dependencies = List.copyOf(dependencies);
        restartDelays = List.copyOf(restartDelays);
    }

    /** The virtual account Windows makes for a service of that name. */
    public static String virtualAccount(String name) {
        return "NT SERVICE\\" + name;
    }

    /**
     * The command line the Service Control Manager starts: the JRE's java.exe, the installed jar, {@code service run}
     * and the configuration file and data directory, each quoted (paths under Program Files have spaces). -Xrs keeps
     * the JVM from starting its shutdown on console events such as a user logging off, which a service also receives
     * (java command documentation); stop and shutdown come from the Service Control Manager instead.
     */
    public String commandLine() {
        return quote(javaExe.toString()) + " -Xrs -jar " + quote(jar.toString()) + " service run --config.file="
                + quote(configFile.toString()) + " --storage.path=" + quote(dataDirectory.toString());
    }

    private static String quote(String path) {
        if (path.contains("\"")) {
            throw new IllegalArgumentException("a path with a double quote cannot be on a service command line: " + path);
        }
        return "\"" + path + "\"";
    }

    /** True for accounts that have no password to give: virtual accounts, gMSAs and the built-in ones. */
    public boolean accountWithoutPassword() {
        return account.regionMatches(true, 0, "NT SERVICE\\", 0, 11) || account.endsWith("$")
                || account.equalsIgnoreCase("LocalSystem") || account.regionMatches(true, 0, "NT AUTHORITY\\", 0, 13);
    }
}
