package io.github.exchangevss.cli;

import static io.github.exchangevss.config.ExporterConfig.*;

import io.github.exchangevss.config.Durations;
import io.github.exchangevss.http.HttpSettings;
import io.github.exchangevss.lifecycle.LifecycleSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

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
            description = "Directory of the state file that keeps the lifecycle across restarts (default: data for serve;"
                    + " the demo keeps its state in memory).")
    String storagePath;

    @Option(names = "--" + LOG_LEVEL, paramLabel = "LEVEL", description = "debug, info, warn or error (default: info).")
    String logLevel;

    @Option(names = "--" + LOG_FORMAT, paramLabel = "FORMAT",
            description = "Format of the log lines on stderr: logfmt or json (default: logfmt).")
    String logFormat;

    @Option(names = "--" + ACTIVE_TIMEOUT, paramLabel = "DURATION",
            description = "An attempt with progress within this long is still running (default: ${DEFAULT-VALUE}).")
    String activeTimeout;

    @Option(names = "--" + STUCK_AFTER, paramLabel = "DURATION",
            description = "A set backupInProgress flag with no progress for this long is stuck (default: ${DEFAULT-VALUE}).")
    String stuckAfter;

    @Option(names = "--" + EVENTS_PROVIDERS, paramLabel = "PROVIDER", split = ",",
            description = "Providers whose events are counted per ID, repeatable: MSExchangeIS, MSExchangeRepl (the"
                    + " writer of Exchange 2013 and later), ESE, VSS (default: MSExchangeIS,MSExchangeRepl).")
    List<String> eventProviders;

    @Option(names = "--" + EVENTS_MAX_SERIES, paramLabel = "N",
            description = "Most exchange_vss_events_total series (provider, ID, level, summed over computers);"
                    + " events of further series are not counted (default: 5000).")
    String eventsMaxSeries;

    /** The command this is mixed into: whether a flag was given, since the per-command defaults fill in the rest. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** The options given on the command line, by configuration key. */
    void putGiven(Map<String, Object> flags) {
        putIfGiven(flags, LISTEN_ADDRESS, listenAddress);
        putIfGiven(flags, TELEMETRY_PATH, telemetryPath);
        putIfGiven(flags, WEB_CONFIG_FILE, webConfigFile);
        putIfGiven(flags, RUNBOOK_URL, runbookUrl);
        putIfGiven(flags, STORAGE_PATH, storagePath);
        putIfGiven(flags, LOG_LEVEL, logLevel);
        putIfGiven(flags, LOG_FORMAT, logFormat);
        putIfGiven(flags, EVENTS_PROVIDERS, eventProviders);
        putIfGiven(flags, EVENTS_MAX_SERIES, eventsMaxSeries);
        ParseResult given = command.commandLine().getParseResult();
        if (given.hasMatchedOption("--" + ACTIVE_TIMEOUT)) {
            flags.put(ACTIVE_TIMEOUT, activeTimeout);
        }
        if (given.hasMatchedOption("--" + STUCK_AFTER)) {
            flags.put(STUCK_AFTER, stuckAfter);
        }
    }

    /**
     * The lifecycle thresholds of a command as picocli defaults, so that {@code --help} shows that command's own;
     * a value not given on the command line is left to the configuration file, then to these same defaults.
     */
    static IDefaultValueProvider lifecycleDefaults(LifecycleSettings lifecycle) {
        return option -> {
            if (option instanceof OptionSpec o) {
                if (o.longestName().equals("--" + ACTIVE_TIMEOUT)) {
                    return Durations.format(lifecycle.activeTimeout());
                }
                if (o.longestName().equals("--" + STUCK_AFTER)) {
                    return Durations.format(lifecycle.stuckAfter());
                }
            }
            return null;
        };
    }

    static void putIfGiven(Map<String, Object> flags, String key, Object value) {
        if (value != null) {
            flags.put(key, value);
        }
    }
}
