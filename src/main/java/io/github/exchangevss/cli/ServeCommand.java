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
            description = {"Where events come from, repeatable: xml:PATH or evtx:PATH (a file or a directory),",
                    "windows (the live event log; the default on Windows) or demo."})
    List<String> sources;

    @Option(names = "--" + FOLLOW, negatable = true, description = "Keep reading files as they grow or appear.")
    Boolean follow;

    @Option(names = "--" + POLL_INTERVAL, paramLabel = "DURATION", description = "How often followed files are checked (default: 1s).")
    String pollInterval;

    @Override
    public Integer call() throws ConfigException, IOException {
        Map<String, Object> flags = new HashMap<>();
        web.putGiven(flags);
        WebOptions.putIfGiven(flags, SOURCES, sources);
        WebOptions.putIfGiven(flags, FOLLOW, follow);
        WebOptions.putIfGiven(flags, POLL_INTERVAL, pollInterval);
        ConfigValues values = ConfigValues.load(web.configFile, flags, KEYS);
        ExporterConfig config = ExporterConfig.resolve(values, "data", LifecycleSettings.DEFAULTS);
        List<String> specs = config.sources().isEmpty() && Platform.isWindows() ? List.of("windows") : config.sources();
        if (specs.isEmpty()) {
            throw new ConfigException(NO_SOURCE);
        }
        // The flag is --source, its key in the file source.inputs: name the one the value came from.
        String where = values.origin(SOURCES).equals("--") ? "--source" : values.where(SOURCES);
        for (String spec : specs) {
            checkSpec(where, spec);
        }
        Logging.configure(config.logLevel());
        return ExporterServer.run(config, specs, (spec, checkpoint) -> create(spec, checkpoint, config));
    }

    private static void checkSpec(String where, String spec) throws ConfigException {
        if (spec.equals("demo") || spec.equals("windows")) {
            return;
        }
        if ((spec.startsWith("xml:") || spec.startsWith("evtx:")) && spec.indexOf(':') < spec.length() - 1) {
            return;
        }
        throw new ConfigException(where + ": '" + spec + "' is not a source; use xml:PATH, evtx:PATH, windows or demo");
    }

    private static EventSource create(String spec, String checkpoint, ExporterConfig config) throws SourceException {
        if (spec.equals("demo")) {
            return new DemoSource(Instant::now, Duration.ofSeconds(1));
        }
        if (spec.equals("windows")) {
            throw new SourceException("--source windows is not available in this build");
        }
        return new FileSource(spec, config.follow(), config.pollInterval(), checkpoint);
    }
}
