package io.github.exchangevss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.evtx.EvtxWriter;
import io.github.exchangevss.scenario.KbSituation;
import io.github.exchangevss.scenario.KbSituation.Expected;
import io.github.exchangevss.scenario.Scrape;
import io.github.exchangevss.scenario.WevtutilXml;
import java.io.File;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar as a user runs it: {@code demo}, {@code serve} on XML and EVTX exports, and {@code diagnose}.
 * Every process is killed in the end and every wait is bounded.
 */
class ExporterIT {
    private static final Path JAR = Path.of("target", "exchange-vss-exporter.jar");
    private static final Duration START = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** The lifecycle series (not the source, build or JVM ones): what the log says, whatever it was read from. */
    private static final Set<String> LIFECYCLE = Set.of("exchange_vss_events_total",
            "exchange_vss_event_last_timestamp_seconds", "exchange_vss_backup_in_progress",
            "exchange_vss_backup_in_progress_stuck", "exchange_vss_backup_in_progress_since_timestamp_seconds",
            "exchange_vss_remediation", "exchange_vss_backup_attempts_total",
            "exchange_vss_last_successful_backup_timestamp_seconds", "exchange_vss_last_backup_duration_seconds",
            "exchange_vss_backup_duration_seconds_bucket",
            "exchange_vss_backup_duration_seconds_count", "exchange_vss_backup_duration_seconds_sum");

    /** One exporter process with its output in a file, so that a full pipe never stalls it. */
    static final class Exporter implements AutoCloseable {
        final Process process;
        final Path output;
        final int port;

        Exporter(Path workDir, String... args) throws IOException {
            this(workDir, FreePort.get(), args);
        }

        private Exporter(Path workDir, int port, String... args) throws IOException {
            assertThat(JAR).as("the shaded jar (run through mvn verify)").exists();
            this.port = port;
            this.output = Files.createTempFile(workDir, "exporter-", ".log");
            List<String> command = new ArrayList<>(List.of(java(), "-jar", JAR.toAbsolutePath().toString()));
            command.addAll(List.of(args));
            command.add("--web.listen-address=127.0.0.1:" + port);
            process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
        }

        String log() {
            try {
                return Files.readString(output, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(no output: " + e.getMessage() + ")";
            }
        }

        HttpResponse<String> get(String path) throws IOException, InterruptedException {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        }

        void awaitReady() throws Exception {
            long deadline = System.nanoTime() + START.toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    fail("the exporter exited with " + process.exitValue() + ":\n" + log());
                }
                try {
                    if (get("/-/ready").statusCode() == 200) {
                        return;
                    }
                } catch (ConnectException | HttpTimeoutException notYet) {
                    // still starting
                }
                Thread.sleep(200);
            }
            fail("not ready within " + START + ":\n" + log());
        }

        String scrapeUntil(Duration within, String what, Predicate<Scrape> condition) throws Exception {
            long deadline = System.nanoTime() + within.toNanos();
            String body = "";
            while (System.nanoTime() < deadline) {
                HttpResponse<String> response = get("/metrics");
                assertThat(response.statusCode()).isEqualTo(200);
                body = response.body();
                if (condition.test(Scrape.parse(body))) {
                    return body;
                }
                Thread.sleep(250);
            }
            throw new AssertionError("no scrape within " + within + " showed " + what + "; last one:\n" + body
                    + "\nexporter output:\n" + log());
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Computers that are stuck and for which the method's series is 1. */
    private static Set<String> stuckWithMethod(Scrape scrape, String method) {
        return scrape.samples("exchange_vss_backup_in_progress_stuck").stream().filter(s -> s.value() == 1.0)
                .map(s -> s.labels().get("computer"))
                .filter(c -> scrape.value("exchange_vss_remediation", Map.of("computer", c, "method", method)) == 1.0)
                .collect(Collectors.toSet());
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class Demo {
        private Path workDir;
        private Exporter demo;
        private String scrapeWithBothMethods;

        @BeforeAll
        void startDemo() throws Exception {
            workDir = Files.createTempDirectory("exporter-it-demo");
            demo = new Exporter(workDir, "demo");
            demo.awaitReady();
        }

        @AfterAll
        void stopDemo() throws InterruptedException {
            if (demo != null) {
                demo.close();
            }
        }

        @Test
        void servesTheStatusPageMetricsAndHealth() throws Exception {
            HttpResponse<String> health = demo.get("/-/healthy");
            assertThat(health.statusCode()).isEqualTo(200);
            HttpResponse<String> page = demo.get("/");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("text/html"));
            HttpResponse<String> metrics = demo.get("/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            Scrape scrape = Scrape.parse(metrics.body());
            assertThat(scrape.samples("exchange_vss_exporter_build_info")).hasSize(1);
            assertThat(scrape.value("exchange_vss_source_up", Map.of("source", "demo"))).isEqualTo(1.0);
            assertThat(scrape.samples("jvm_threads_current")).isNotEmpty();
            HttpResponse<String> runbook = demo.get("/runbooks/ExchangeVssBackupStuck.md");
            assertThat(runbook.statusCode()).as("a runbook served from the jar").isEqualTo(200);
            assertThat(runbook.body()).contains("<h1>ExchangeVssBackupStuck</h1>");
        }

        @Test
        void showsAMethod2AndAMethod3StuckComputerWithin40Seconds() throws Exception {
            Set<String> method2 = new HashSet<>();
            Set<String> method3 = new HashSet<>();
            scrapeWithBothMethods = demo.scrapeUntil(Duration.ofSeconds(40), "a stuck computer with method 2 and one with 3",
                    scrape -> {
                        method2.addAll(stuckWithMethod(scrape, "2"));
                        method3.addAll(stuckWithMethod(scrape, "3"));
                        return !method2.isEmpty() && !method3.isEmpty();
                    });
            assertThat(method2).doesNotContainAnyElementsOf(method3);
            HttpResponse<String> page = demo.get("/");
            assertThat(page.body()).contains("Method 2", "Method 3");
        }

        @Test
        void passesPromtoolCheckMetrics() throws Exception {
            Path promtool = findOnPath("promtool");
            if (promtool == null) {
                String message = "promtool is not on PATH; install it (Debian package 'prometheus') to lint the scrape";
                if ("true".equals(System.getenv("CI"))) {
                    fail(message);
                }
                Assumptions.abort(message);
            }
            // A scrape with every series kind present: stuck computers, remediation, durations.
            String scrape = demo.scrapeUntil(Duration.ofSeconds(40), "a completed backup and a stuck computer",
                    s -> s.samples("exchange_vss_backup_duration_seconds_count").stream().anyMatch(x -> x.value() > 0)
                            && s.samples("exchange_vss_backup_in_progress_stuck").stream().anyMatch(x -> x.value() == 1));
            Process check = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
            check.getOutputStream().write(scrape.getBytes(StandardCharsets.UTF_8));
            check.getOutputStream().close();
            String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(output).as("promtool check metrics").isEmpty();
            assertThat(check.exitValue()).isZero();
        }
    }

    private static Path findOnPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    @Nested
    class ServeAndDiagnoseOnExports {
        @TempDir
        Path dir;
        private final List<Exporter> running = new ArrayList<>();
        private final List<EventRecord> events = new ArrayList<>();
        private final List<Expected> expected = new ArrayList<>();

        ServeAndDiagnoseOnExports() {
            for (KbSituation s : List.of(KbSituation.severalComputers(), KbSituation.method1Completes(),
                    KbSituation.abortIgnoredAfterAnUnfinishedAttemptIsMethod3(), KbSituation.event9840(),
                    KbSituation.storeRestartClears())) {
                events.addAll(s.events());
                expected.addAll(s.expected());
            }
        }

        @AfterEach
        void stopAll() throws InterruptedException {
            for (Exporter e : running) {
                e.close();
            }
        }

        private Map<String, Double> lifecycleSeries(String format, Path file) throws Exception {
            Path storage = Files.createDirectory(dir.resolve("storage-" + format));
            Exporter serve = new Exporter(dir, "serve", "--source", format + ":" + file, "--storage.path=" + storage);
            running.add(serve);
            serve.awaitReady();
            String body = serve.scrapeUntil(Duration.ofSeconds(30), "all " + events.size() + " events read",
                    s -> s.value("exchange_vss_source_events_read_total", Map.of()) == events.size());
            Map<String, Double> series = new TreeMap<>();
            for (Scrape.Sample s : Scrape.parse(body).samples()) {
                if (LIFECYCLE.contains(s.name())) {
                    series.put(s.name() + new TreeMap<>(s.labels()), s.value());
                }
            }
            return series;
        }

        @Test
        void serveGivesTheSameLifecycleSeriesOnEvtxAsOnXml() throws Exception {
            Path xml = WevtutilXml.write(dir.resolve("application.xml"), events);
            Path evtx = EvtxWriter.write(dir.resolve("application.evtx"), events);

            Map<String, Double> fromXml = lifecycleSeries("xml", xml);
            Map<String, Double> fromEvtx = lifecycleSeries("evtx", evtx);

            assertThat(fromEvtx).isEqualTo(fromXml);
            Scrape xmlScrape = Scrape.parse(running.get(0).get("/metrics").body());
            for (Expected want : expected) {
                Map<String, String> computer = Map.of("computer", want.computer());
                assertThat(xmlScrape.value("exchange_vss_backup_in_progress_stuck", computer)).as(want.computer())
                        .isEqualTo(want.stuck() ? 1.0 : 0.0);
                for (String method : List.of("1", "2", "3")) {
                    assertThat(xmlScrape.value("exchange_vss_remediation", Map.of("computer", want.computer(),
                            "method", method))).as("%s method %s", want.computer(), method)
                            .isEqualTo(method.equals(String.valueOf(want.method())) ? 1.0 : 0.0);
                }
            }
        }

        @Test
        void serveKeepsTheStateAcrossARestart() throws Exception {
            KbSituation m3 = KbSituation.method3();
            Path export = EvtxWriter.write(dir.resolve("exch-m3.evtx"), m3.events());
            Path storage = dir.resolve("state");
            String computer = m3.expected().get(0).computer();
            Predicate<Scrape> method3 = s -> s.value("exchange_vss_backup_in_progress_stuck", Map.of("computer", computer)) == 1.0
                    && s.value("exchange_vss_remediation", Map.of("computer", computer, "method", "3")) == 1.0;

            Exporter first = new Exporter(dir, "serve", "--source", "evtx:" + export, "--storage.path=" + storage);
            running.add(first);
            first.awaitReady();
            first.scrapeUntil(Duration.ofSeconds(30), "Method 3", method3);
            first.close();
            // The restart must find the state in storage: the export it reads holds no events any more (a missing
            // file read once is refused at start).
            EvtxWriter.write(export, List.of());

            Exporter second = new Exporter(dir, "serve", "--source", "evtx:" + export, "--storage.path=" + storage);
            running.add(second);
            second.awaitReady();
            Scrape scrape = Scrape.parse(second.get("/metrics").body());
            assertThat(method3.test(scrape)).as("stuck with Method 3 at the first scrape after the restart:\n%s",
                    second.log()).isTrue();
            assertThat(scrape.value("exchange_vss_backup_attempts_total", Map.of("computer", computer, "outcome", "refused")))
                    .isEqualTo(1.0);
        }

        @Test
        void diagnoseOnAnEvtxFile() throws Exception {
            Path evtx = EvtxWriter.write(dir.resolve("exported.evtx"), events);
            Path out = dir.resolve("diagnose.json");
            Path err = dir.resolve("diagnose.err");
            Process diagnose = new ProcessBuilder(java(), "-jar", JAR.toAbsolutePath().toString(), "diagnose",
                    "--format", "json", evtx.toString()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try {
                assertThat(diagnose.waitFor(60, TimeUnit.SECONDS)).as("diagnose finished").isTrue();
            } finally {
                diagnose.destroyForcibly();
            }
            assertThat(diagnose.exitValue()).as(Files.readString(err)).isZero();
            JsonNode report = new ObjectMapper().readTree(out.toFile());
            Map<String, JsonNode> byComputer = new TreeMap<>();
            report.get("computers").forEach(c -> byComputer.put(c.get("computer").asText(), c));
            assertThat(byComputer.keySet()).containsExactlyInAnyOrderElementsOf(
                    expected.stream().map(Expected::computer).toList());
            for (Expected want : expected) {
                JsonNode got = byComputer.get(want.computer());
                assertThat(got.get("stuck").asBoolean()).as(want.computer()).isEqualTo(want.stuck());
                assertThat(got.get("backup_in_progress").asBoolean()).as(want.computer()).isEqualTo(want.backupInProgress());
                JsonNode method = got.get("remediation_method");
                assertThat(method.isNull() ? null : method.asInt()).as(want.computer()).isEqualTo(want.method());
            }
        }
    }
}
