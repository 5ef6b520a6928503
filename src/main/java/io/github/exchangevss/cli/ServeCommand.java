package io.github.exchangevss.cli;

import static io.github.exchangevss.config.ExporterConfig.*;

import com.sun.jna.Platform;
import io.github.exchangevss.config.ConfigException;
import io.github.exchangevss.config.ConfigValues;
import io.github.exchangevss.config.ExporterConfig;
import io.github.exchangevss.lifecycle.LifecycleSettings;
import io.github.exchangevss.source.EventSource;
import io.github.exchangevss.source.SourceException;
import io.github.exchangevss.source.demo.DemoSource;
import io.github.exchangevss.source.file.FileSource;
import io.github.exchangevss.source.windows.WindowsEventSource;
import io.github.exchangevss.source.windows.WindowsSourceConfig;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The exporter itself: reads the configured sources and serves metrics and the status page. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Watch the Exchange VSS writer's events and serve Prometheus metrics and a status page.",
                "This is the default command."})
final class ServeCommand implements Callable<Integer> {
    static final String NO_SOURCE = "no --source given; use --source xml:PATH, --source evtx:PATH or --source demo"
            + " (--source windows reads the live event log on Windows)";

    @Mixin
    WebOptions web;

    @Option(names = "--source", paramLabel = "SOURCE",
            description = "Where events come from, repeatable: xml:PATH or evtx:PATH (a file or a directory),"
                    + " windows (the live event log; the default on Windows), windows:HOST or demo.")
    List<String> sources;

    @Option(names = "--" + FOLLOW, negatable = true, description = "Keep reading files as they grow or appear.")
    Boolean follow;

    @Option(names = "--" + POLL_INTERVAL, paramLabel = "DURATION", description = "How often followed files are checked (default: 1s).")
    String pollInterval;

    @Option(names = "--" + WINDOWS_CHANNELS, paramLabel = "CHANNEL",
            description = "Event log channels to subscribe to (default: Application; ForwardedEvents on a collector).")
    List<String> windowsChannels;

    @Option(names = "--" + WINDOWS_QUERIES, paramLabel = "XPATH",
            description = "XPath queries of the subscription (default: the providers of --events.providers and"
                    + " MSExchangeIS).")
    List<String> windowsQueries;

    @Option(names = "--" + WINDOWS_SERVER, paramLabel = "HOST",
            description = "Read this remote server's event log too (source windows:HOST); repeatable.")
    List<String> windowsServers;

    @Option(names = "--" + WINDOWS_USERNAME, paramLabel = "USER",
            description = "User for remote servers (default: the service account); the password comes from a file or variable.")
    String windowsUsername;

    @Option(names = "--" + WINDOWS_PASSWORD_FILE, paramLabel = "FILE", description = "File whose first line is that user's password.")
    String windowsPasswordFile;

    @Option(names = "--" + WINDOWS_PASSWORD_ENV, paramLabel = "VARIABLE", description = "Environment variable holding that password.")
    String windowsPasswordEnv;

    @Option(names = "--" + WINDOWS_LOOKBACK, paramLabel = "DURATION",
            description = "History read on the first start, to rebuild the state (default: 7d).")
    String windowsLookback;

    @Override
    public Integer call() throws ConfigException, IOException {
        ExporterConfig config = resolve();
        return ExporterServer.run(config, config.sources(), (spec, checkpoint) -> create(spec, checkpoint, config));
    }

    /** Starts what {@link #call} runs without waiting for the process to end: closing the result saves the state. */
    AutoCloseable start() throws ConfigException, IOException {
        ExporterConfig config = resolve();
        return ExporterServer.start(config, config.sources(), (spec, checkpoint) -> create(spec, checkpoint, config));
    }

    private ExporterConfig resolve() throws ConfigException, IOException {
        Map<String, Object> flags = new HashMap<>();
        web.putGiven(flags);
        WebOptions.putIfGiven(flags, SOURCES, sources);
        WebOptions.putIfGiven(flags, FOLLOW, follow);
        WebOptions.putIfGiven(flags, POLL_INTERVAL, pollInterval);
        WebOptions.putIfGiven(flags, WINDOWS_CHANNELS, windowsChannels);
        WebOptions.putIfGiven(flags, WINDOWS_QUERIES, windowsQueries);
        WebOptions.putIfGiven(flags, WINDOWS_SERVER, windowsServers);
        WebOptions.putIfGiven(flags, WINDOWS_USERNAME, windowsUsername);
        WebOptions.putIfGiven(flags, WINDOWS_PASSWORD_FILE, windowsPasswordFile);
        WebOptions.putIfGiven(flags, WINDOWS_PASSWORD_ENV, windowsPasswordEnv);
        WebOptions.putIfGiven(flags, WINDOWS_LOOKBACK, windowsLookback);
        ExporterConfig config = ExporterConfig.resolve(ConfigValues.load(web.configFile, flags, KEYS), "data",
                LifecycleSettings.DEFAULTS);
        if (config.sources().isEmpty()) {
            throw new ConfigException(NO_SOURCE);
        }
        if (!config.windows().isEmpty() && !Platform.isWindows()) {
            throw new ConfigException(WindowsEventSource.NOT_ON_THIS_OS);
        }
        Logging.configure(config.logLevel(), config.logFormat());
        return config;
    }

    private static EventSource create(String spec, String checkpoint, ExporterConfig config) throws SourceException {
        if (spec.equals("demo")) {
            return new DemoSource(Instant::now, Duration.ofSeconds(1));
        }
        WindowsSourceConfig windows = config.windows().get(spec);
        if (windows != null) {
            return WindowsEventSource.create(windows, checkpoint);
        }
        return new FileSource(spec, config.follow(), config.pollInterval(), checkpoint);
    }
}
