package io.github.exchangevss.cli;

import static io.github.exchangevss.config.ExporterConfig.*;

import io.github.exchangevss.http.HttpSettings;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options shared by {@code serve} and {@code demo}: web, storage, logging, lifecycle thresholds, config file. */
final class WebOptions {
    @Option(names = "--config.file", paramLabel = "FILE",
            description = "YAML file with any of these options as nested keys (flags win).")
    Path configFile;

    @Option(names = "--" + LISTEN_ADDRESS, paramLabel = "[HOST]:PORT",
            description = "Address to listen on (default: " + HttpSettings.DEFAULT_LISTEN_ADDRESS + ").")
    String listenAddress;

    @Option(names = "--" + TELEMETRY_PATH, paramLabel = "PATH", description = "Path of the metrics (default: /metrics).")
    String telemetryPath;

    @Option(names = "--" + WEB_CONFIG_FILE, paramLabel = "FILE",
            description = "Exporter-toolkit web config: TLS, client certificates, basic auth, headers.")
    String webConfigFile;

    @Option(names = "--" + RUNBOOK_URL, paramLabel = "URL",
            description = "Where the status page's runbook links point, ending with / (default: the exporter's own"
                    + " /runbooks/).")
    String runbookUrl;

    @Option(names = "--" + STORAGE_PATH, paramLabel = "DIR",
            description = "Directory of the state file that keeps the lifecycle across restarts.")
    String storagePath;

    @Option(names = "--" + LOG_LEVEL, paramLabel = "LEVEL", description = "debug, info, warn or error (default: info).")
    String logLevel;

    @Option(names = "--" + ACTIVE_TIMEOUT, paramLabel = "DURATION",
            description = "An attempt with progress within this long is still running (default: 30m).")
    String activeTimeout;

    @Option(names = "--" + STUCK_AFTER, paramLabel = "DURATION",
            description = "A set backupInProgress flag with no progress for this long is stuck (default: 6h).")
    String stuckAfter;

    /** The options given on the command line, by configuration key. */
    void putGiven(Map<String, Object> flags) {
        putIfGiven(flags, LISTEN_ADDRESS, listenAddress);
        putIfGiven(flags, TELEMETRY_PATH, telemetryPath);
        putIfGiven(flags, WEB_CONFIG_FILE, webConfigFile);
        putIfGiven(flags, RUNBOOK_URL, runbookUrl);
        putIfGiven(flags, STORAGE_PATH, storagePath);
        putIfGiven(flags, LOG_LEVEL, logLevel);
        putIfGiven(flags, ACTIVE_TIMEOUT, activeTimeout);
        putIfGiven(flags, STUCK_AFTER, stuckAfter);
    }

    static void putIfGiven(Map<String, Object> flags, String key, Object value) {
        if (value != null) {
            flags.put(key, value);
        }
    }
}
