package io.github.exchangevss;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.http.ExporterHttpServer;
import io.github.exchangevss.http.HttpSettings;
import io.github.exchangevss.http.StatusPage;
import io.github.exchangevss.http.WebConfig;
import io.github.exchangevss.lifecycle.LifecycleEngine;
import io.github.exchangevss.lifecycle.LifecycleSettings;
import io.github.exchangevss.metrics.BuildInfo;
import io.github.exchangevss.metrics.ExporterCollector;
import io.github.exchangevss.runtime.ExporterRuntime;
import io.github.exchangevss.scenario.KbLog;
import io.github.exchangevss.scenario.KbSituation;
import io.github.exchangevss.scenario.Scrape;
import io.github.exchangevss.scenario.WevtutilXml;
import io.github.exchangevss.source.file.FileSource;
import io.prometheus.client.CollectorRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exporter as serve wires it, on the real clock and a real port: a followed export directory, a KB 910250
 * Method 2 sequence appended to it, and what a Prometheus scrape and a browser then see.
 */
class ScenarioHttpTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String HOST = "EXCH-HTTP.contoso.local";

    @TempDir
    Path logs;

    private ExporterRuntime runtime;
    private ExporterHttpServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void startLikeServe() throws IOException {
        LifecycleEngine engine = new LifecycleEngine(LifecycleSettings.DEFAULTS, Instant::now);
        runtime = new ExporterRuntime(engine, Optional.empty());
        BuildInfo build = new BuildInfo("test", "test");
        ExporterCollector collector = new ExporterCollector(runtime::snapshot, runtime::sourceSnapshots, build);
        StatusPage page = new StatusPage(runtime::snapshot, runtime::sourceSnapshots, build);
        server = ExporterHttpServer.start(new HttpSettings(new InetSocketAddress("127.0.0.1", 0), "/metrics", WebConfig.NONE),
                new CollectorRegistry(), collector, page, runtime::whyNotReady, runtime::notReadyReason);
        runtime.start(List.of("xml:" + logs), (spec, checkpoint) ->
                new FileSource(spec, true, Duration.ofMillis(100), checkpoint));
    }

    @AfterEach
    void stop() {
        runtime.close();
        server.close();
    }

    @Test
    void method2AppearsOnTheScrapeAndTheStatusPageAndAStoreRestartClearsIt() throws Exception {
        Path file = logs.resolve("application.xml");
        Files.writeString(file, "");
        KbLog log = new KbLog(HOST, KbSituation.T0, 7_000).backupStarted().volumeSnap().prepared().abortedSuccessfully()
                .after(Duration.ofHours(2)).backupStarted().refused();
        List<EventRecord> method2 = log.events();
        WevtutilXml.append(file, method2);

        String scrape = scrapeUntil("stuck with method 2", s ->
                value(s, "exchange_vss_backup_in_progress_stuck", Map.of("computer", HOST)) == 1.0
                        && value(s, "exchange_vss_remediation", Map.of("computer", HOST, "method", "2")) == 1.0);
        assertThat(value(scrape, "exchange_vss_backup_in_progress", Map.of("computer", HOST))).isEqualTo(1.0);
        assertThat(value(scrape, "exchange_vss_remediation",
                Map.of("computer", HOST, "method", "2", "action", "restart_information_store"))).isEqualTo(1.0);
        assertThat(value(scrape, "exchange_vss_remediation", Map.of("computer", HOST, "method", "1"))).isEqualTo(0.0);
        assertThat(value(scrape, "exchange_vss_remediation", Map.of("computer", HOST, "method", "3"))).isEqualTo(0.0);
        assertThat(value(scrape, "exchange_vss_backup_attempts_total", Map.of("computer", HOST, "outcome", "refused")))
                .isEqualTo(1.0);
        assertThat(value(scrape, "exchange_vss_events_total",
                Map.of("provider", "MSExchangeIS", "event_id", "9607", "level", "2"))).isEqualTo(1.0);
        assertThat(value(scrape, "exchange_vss_source_up", Map.of("source", "xml:" + logs))).isEqualTo(1.0);

        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains(HOST, "Method 2").containsPattern("href=\"/runbooks/\\w+\\.md\"");

        WevtutilXml.append(file, log.after(Duration.ofMinutes(30)).storeStarted().events().subList(method2.size(), method2.size() + 1));

        scrape = scrapeUntil("cleared by 9600", s ->
                value(s, "exchange_vss_backup_in_progress", Map.of("computer", HOST)) == 0.0);
        assertThat(value(scrape, "exchange_vss_backup_in_progress_stuck", Map.of("computer", HOST))).isEqualTo(0.0);
        for (String method : List.of("1", "2", "3")) {
            assertThat(value(scrape, "exchange_vss_remediation", Map.of("computer", HOST, "method", method))).isEqualTo(0.0);
        }
        assertThat(get("/").body()).contains(HOST).doesNotContain("Method 2");
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(5)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private String scrapeUntil(String what, Predicate<String> condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String body;
        do {
            HttpResponse<String> response = get("/metrics");
            assertThat(response.statusCode()).isEqualTo(200);
            body = response.body();
            if (condition.test(body)) {
                return body;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no scrape within " + WAIT + " showed " + what + "; last one:\n" + body);
    }

    private static double value(String exposition, String name, Map<String, String> labels) {
        return Scrape.parse(exposition).value(name, labels);
    }
}
