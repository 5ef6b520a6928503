package io.github.exchangevss.cli;

import static io.github.exchangevss.config.ExporterConfig.KEYS;

import io.github.exchangevss.config.ConfigException;
import io.github.exchangevss.config.ConfigValues;
import io.github.exchangevss.config.ExporterConfig;
import io.github.exchangevss.source.demo.DemoSource;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The exporter on its built-in scenario: nothing to set up, every metric moves within a minute. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the exporter on a built-in scenario: four fictional Exchange servers, one healthy,",
                "one needing KB 910250 Method 2, one Method 3, one in Method 1 that then completes,",
                "replayed in compressed time (one script second stands for minutes, so the thresholds default to",
                "15s and 10m) and looping every 90 s. Open http://localhost:19607/."})
final class DemoCommand implements Callable<Integer> {
    @Mixin
    WebOptions web;

    @Override
    public Integer call() throws ConfigException, IOException {
        Map<String, Object> flags = new HashMap<>();
        web.putGiven(flags);
        ExporterConfig config = ExporterConfig.resolve(ConfigValues.load(web.configFile, flags, KEYS), null,
                DemoSource.LIFECYCLE);
        Logging.configure(config.logLevel());
        return ExporterServer.run(config, List.of("demo"),
                (spec, checkpoint) -> new DemoSource(Instant::now, Duration.ofSeconds(1)));
    }
}
