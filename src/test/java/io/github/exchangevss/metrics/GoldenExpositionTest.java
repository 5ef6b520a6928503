package io.github.exchangevss.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.lifecycle.LifecycleEngine;
import io.github.exchangevss.lifecycle.LifecycleSettings;
import io.github.exchangevss.runtime.ExporterRuntime;
import io.github.exchangevss.scenario.KbSituation;
import io.github.exchangevss.scenario.WevtutilXml;
import io.github.exchangevss.source.file.FileSource;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole exposition of each KB 910250 situation, compared line by line with
 * {@code src/test/resources/golden/<situation>.prom}. The events go the way {@code serve} reads an export: a
 * {@code wevtutil qe /f:xml} file, a one-shot {@link FileSource}, the lifecycle engine, the collector; the engine
 * is judged by the log's clock, as {@code diagnose} does, so every value is fixed by the fixtures.
 *
 * <p>{@code -Dgolden.update=true} rewrites the golden files instead of comparing; read the diff before committing
 * it, since a golden file only pins what the code said when it was written.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GoldenExpositionTest {
    private static final Path GOLDEN = Path.of("src", "test", "resources", "golden");
    private static final boolean UPDATE = Boolean.getBoolean("golden.update");
    /** The one sample that depends on the machine; its HELP and TYPE lines stay. */
    private static final String SCRAPE_DURATION_SAMPLE = "exchange_vss_scrape_duration_seconds ";
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    static List<KbSituation> situations() {
        return KbSituation.all();
    }

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("situations")
    void expositionMatchesTheGoldenFile(KbSituation situation, @TempDir Path exports) throws Exception {
        String raw = expose(situation, exports);
        String exposition = deterministic(raw);
        assertThat(raw.lines().count() - exposition.lines().count()).as("lines removed as nondeterministic").isEqualTo(1);
        assertThat(exposition).as("labels must not name the temporary export").doesNotContain(exports.toString());
        Path golden = golden(situation);
        if (UPDATE) {
            Files.createDirectories(GOLDEN);
            Files.writeString(golden, exposition, StandardCharsets.UTF_8);
            System.out.println("golden.update=true: wrote " + golden + " (not compared)");
            return;
        }
        assertThat(golden).as("golden file; write it with -Dgolden.update=true").exists();
        assertThat(exposition).as("exposition of '%s' vs %s", situation, golden)
                .isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    }

    /** After the comparison, so that with golden.update it lints the files just written. */
    @Order(2)
    @ParameterizedTest(name = "{0}")
    @MethodSource("situations")
    void goldenFilePassesPromtoolCheckMetrics(KbSituation situation) throws Exception {
        Path golden = golden(situation);
        assertThat(golden).as("golden file; write it with -Dgolden.update=true").exists();
        assertThat(PromtoolCheck.checkMetrics(Files.readString(golden, StandardCharsets.UTF_8)))
                .as("promtool check metrics %s", golden).isEmpty();
    }

    @Order(3)
    @Test
    void everyGoldenFileBelongsToASituation() throws IOException {
        Set<String> expected = situations().stream().map(s -> fileName(s) + ".prom").collect(Collectors.toSet());
        assertThat(expected).as("situations with the same file name").hasSameSizeAs(situations());
        try (Stream<Path> files = Files.list(GOLDEN)) {
            assertThat(files.map(f -> f.getFileName().toString())).as("files in %s", GOLDEN)
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    /** Reads the situation as serve would, with the source named after the situation, not the temporary file. */
    private static String expose(KbSituation situation, Path exports) throws Exception {
        Path file = WevtutilXml.write(exports.resolve(fileName(situation) + ".xml"), situation.events());
        // Judged by the log's clock only, also where the runtime takes its snapshots.
        Instant logEnd = situation.events().stream().map(EventRecord::timeCreated).max(Instant::compareTo).orElseThrow();
        LifecycleEngine engine = new LifecycleEngine(LifecycleSettings.DEFAULTS, () -> logEnd);
        try (ExporterRuntime runtime = new ExporterRuntime(engine, Optional.empty())) {
            runtime.start(List.of("xml:" + file.getFileName()), (spec, checkpoint) ->
                    new FileSource("xml:" + file, false, FileSource.DEFAULT_POLL_INTERVAL, checkpoint));
            assertThat(runtime.awaitSources(READ_TIMEOUT)).as("source finished reading").isTrue();
            CollectorRegistry registry = new CollectorRegistry();
            registry.register(new ExporterCollector(() -> engine.snapshotAt(engine.latestEventTime()),
                    runtime::sourceSnapshots, new BuildInfo("test", "test")));
            StringWriter text = new StringWriter();
            TextFormat.write004(text, registry.metricFamilySamples());
            return text.toString();
        }
    }

    private static String deterministic(String exposition) {
        return exposition.lines().filter(line -> !line.startsWith(SCRAPE_DURATION_SAMPLE))
                .map(line -> line + "\n").collect(Collectors.joining());
    }

    private static Path golden(KbSituation situation) {
        return GOLDEN.resolve(fileName(situation) + ".prom");
    }

    /** "Method 2 as the KB table: 9608, 9614, 9607" becomes "method-2-as-the-kb-table-9608-9614-9607". */
    static String fileName(KbSituation situation) {
        return situation.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    }
}
