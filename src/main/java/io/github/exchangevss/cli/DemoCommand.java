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

/** The exporter on its built-in scenario: nothing to set up, the incidents last long enough for the shipped alerts. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the exporter on a built-in scenario of five fictional Exchange servers.",
                "One is healthy, one needs KB 910250 Method 2, one Method 3, one is refused while its running",
                "backup continues (Method 1) until that backup completes, and one runs Exchange 2013 or later, whose",
                "writer logs as MSExchangeRepl.",
                "Backups run in compressed time, a few seconds each, so the thresholds default to 15s and 10m; the",
                "stuck servers stay stuck for 13 minutes, long enough for the shipped alert rules to fire, and the",
                "scenario loops every 15 minutes.",
                "The status page is at port 19607 unless --web.listen-address says otherwise.",
                "See docs/demo.md for the demo with Prometheus and Alertmanager."})
final class DemoCommand implements Callable<Integer> {
    @Mixin
    WebOptions web;

    @Override
    public Integer call() throws ConfigException, IOException {
        Map<String, Object> flags = new HashMap<>();
        web.putGiven(flags);
        ExporterConfig config = ExporterConfig.resolve(ConfigValues.load(web.configFile, flags, KEYS), null,
                DemoSource.LIFECYCLE);
        Logging.configure(config.logLevel(), config.logFormat());
        return ExporterServer.run(config, List.of("demo"),
                (spec, checkpoint) -> new DemoSource(Instant::now, Duration.ofSeconds(1)));
    }
}
