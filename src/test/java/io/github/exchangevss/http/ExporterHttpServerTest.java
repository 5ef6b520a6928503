package io.github.exchangevss.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.exchangevss.lifecycle.EngineSnapshot;
import io.github.exchangevss.metrics.BuildInfo;
import io.github.exchangevss.metrics.ExporterCollector;
import io.github.exchangevss.source.SourceStatus;
import io.prometheus.client.CollectorRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.crypto.bcrypt.BCrypt;

class ExporterHttpServerTest {
    private final AtomicBoolean ready = new AtomicBoolean();
    private final AtomicReference<Optional<String>> notShown = new AtomicReference<>(Optional.empty());
    private final List<SourceStatus.Snapshot> sources =
            List.of(new SourceStatus.Snapshot("demo", true, 3, 0, null, Map.of()));
    private ExporterHttpServer server;
    private HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(String telemetryPath, WebConfig webConfig) throws IOException {
        EngineSnapshot engine = new EngineSnapshot(Instant.parse("2024-03-10T12:00:00Z"), List.of(), List.of());
        BuildInfo buildInfo = new BuildInfo("9.9.9", "test");
        CollectorRegistry registry = new CollectorRegistry();
        server = ExporterHttpServer.start(new HttpSettings(HttpSettings.parseListenAddress("127.0.0.1:0"), telemetryPath, webConfig), registry,
                new ExporterCollector(() -> engine, () -> sources, buildInfo),
                new StatusPage(() -> engine, () -> sources, buildInfo), ready::get, notShown::get);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(url("http", path)).build());
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private URI url(String scheme, String path) {
        return URI.create(scheme + "://127.0.0.1:" + server.port() + path);
    }

    @Test
    void bindsAnEphemeralPortOnTheGivenAddress() throws Exception {
        start("/metrics", WebConfig.NONE);
        assertThat(server.port()).isPositive();
        assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
    }

    @Test
    void anAddressInUseIsReportedWithTheSetting() throws Exception {
        start("/metrics", WebConfig.NONE);
        InetSocketAddress taken = server.address();
        EngineSnapshot engine = new EngineSnapshot(Instant.EPOCH, List.of(), List.of());
        assertThatThrownBy(() -> ExporterHttpServer.start(new HttpSettings(taken, "/metrics", WebConfig.NONE),
                new CollectorRegistry(), new ExporterCollector(() -> engine, List::of, new BuildInfo("v", "r")),
                new StatusPage(() -> engine, List::of, new BuildInfo("v", "r")), () -> true, Optional::empty))
                .isInstanceOf(IOException.class).hasMessageStartingWith("cannot listen on web.listen-address");
    }

    @Test
    void aFailingStatusPageAnswers500AndTheServerGoesOn() throws Exception {
        EngineSnapshot engine = new EngineSnapshot(Instant.EPOCH, List.of(), List.of());
        server = ExporterHttpServer.start(new HttpSettings(HttpSettings.parseListenAddress("127.0.0.1:0"), "/metrics",
                        WebConfig.NONE), new CollectorRegistry(),
                new ExporterCollector(() -> engine, List::of, new BuildInfo("v", "r")),
                new StatusPage(() -> {
                    throw new IllegalStateException("engine failed");
                }, List::of, new BuildInfo("v", "r")), () -> true, Optional::empty);
        assertThat(get("/").statusCode()).isEqualTo(500);
        assertThat(get("/-/healthy").statusCode()).isEqualTo(200);
    }

    @Test
    void servesMetricsWithCollectorAndJvmFamilies() throws Exception {
        start("/metrics", WebConfig.NONE);
        HttpResponse<String> response = get("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
        assertThat(response.body())
                .contains("exchange_vss_exporter_build_info{version=\"9.9.9\",revision=\"test\",} 1.0")
                .contains("exchange_vss_source_up{source=\"demo\",} 1.0")
                .contains("jvm_memory_bytes_used");
    }

    @Test
    void metricsAreGzippedWhenAsked() throws Exception {
        start("/metrics", WebConfig.NONE);
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(url("http", "/metrics"))
                .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.headers().firstValue("Content-Encoding")).hasValue("gzip");
        try (InputStream body = new GZIPInputStream(response.body())) {
            assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8)).contains("exchange_vss_source_up");
        }
    }

    @Test
    void statusPageIsAtTheRootAndOtherPathsAreNotFound() throws Exception {
        start("/metrics", WebConfig.NONE);
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).contains("<title>Exchange VSS exporter</title>").contains("href=\"/metrics\"");
        assertThat(get("/index.html").statusCode()).isEqualTo(404);
        assertThat(get("/metricsx").statusCode()).isEqualTo(404);
    }

    @Test
    void pagesOtherThanMetricsAcceptOnlyGetAndHead() throws Exception {
        start("/metrics", WebConfig.NONE);
        HttpResponse<String> post = send(HttpRequest.newBuilder(url("http", "/"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
        HttpResponse<String> head = send(HttpRequest.newBuilder(url("http", "/-/healthy"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void healthyAlwaysAndReadyOnlyOnceTheFirstReadIsDone() throws Exception {
        start("/metrics", WebConfig.NONE);
        HttpResponse<String> healthy = get("/-/healthy");
        assertThat(healthy.statusCode()).isEqualTo(200);
        assertThat(healthy.body()).isEqualTo("Healthy");

        HttpResponse<String> notReady = get("/-/ready");
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.body()).isEqualTo("Not ready");
        ready.set(true);
        HttpResponse<String> isReady = get("/-/ready");
        assertThat(isReady.statusCode()).isEqualTo(200);
        assertThat(isReady.body()).isEqualTo("Ready");
    }

    @Test
    void metricsAndStatusPageAnswer503WithTheReasonUntilTheStateIsLoaded() throws Exception {
        notShown.set(Optional.of("the saved state is not loaded yet"));
        start("/metrics", WebConfig.NONE);
        for (String path : List.of("/metrics", "/")) {
            HttpResponse<String> early = get(path);
            assertThat(early.statusCode()).as(path).isEqualTo(503);
            assertThat(early.body()).as(path).isEqualTo("Not ready: the saved state is not loaded yet\n");
        }
        assertThat(get("/-/healthy").statusCode()).isEqualTo(200);

        notShown.set(Optional.empty());
        assertThat(get("/metrics").statusCode()).isEqualTo(200);
        assertThat(get("/").statusCode()).isEqualTo(200);
    }

    @Test
    void customTelemetryPathReplacesMetrics() throws Exception {
        start("/exchange/metrics", WebConfig.NONE);
        assertThat(get("/exchange/metrics").body()).contains("exchange_vss_exporter_build_info");
        assertThat(get("/metrics").statusCode()).isEqualTo(404);
        assertThat(get("/").body()).contains("href=\"/exchange/metrics\"");
    }

    @Nested
    class WithWebConfig {
        @TempDir
        Path dir;

        private WebConfig load(String yaml) throws Exception {
            return WebConfig.load(Files.writeString(dir.resolve("web-config.yml"), yaml));
        }

        @Test
        void basicAuthRefusesMissingAndWrongCredentials() throws Exception {
            String hash = BCrypt.hashpw("s3cret", BCrypt.gensalt(4));
            start("/metrics", load("basic_auth_users:\n  prometheus: '" + hash + "'\n"));

            HttpResponse<String> anonymous = get("/metrics");
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    value -> assertThat(value).startsWith("Basic realm="));
            assertThat(getAs("/metrics", "prometheus", "wrong").statusCode()).isEqualTo(401);
            assertThat(getAs("/metrics", "nobody", "s3cret").statusCode()).isEqualTo(401);
            assertThat(get("/").statusCode()).isEqualTo(401);

            HttpResponse<String> authorised = getAs("/metrics", "prometheus", "s3cret");
            assertThat(authorised.statusCode()).isEqualTo(200);
            assertThat(authorised.body()).contains("exchange_vss_exporter_build_info");
            // The second request is answered from the verified-credentials cache; it must still check the password.
            assertThat(getAs("/metrics", "prometheus", "s3cret").statusCode()).isEqualTo(200);
            assertThat(getAs("/metrics", "prometheus", "s3cret2").statusCode()).isEqualTo(401);
        }

        private HttpResponse<String> getAs(String path, String user, String password) throws Exception {
            String credentials = Base64.getEncoder().encodeToString(
                    (user + ":" + password).getBytes(StandardCharsets.UTF_8));
            return send(HttpRequest.newBuilder(url("http", path)).header("Authorization", "Basic " + credentials)
                    .build());
        }

        @Test
        void tlsServesOverHttpsWithTheConfiguredCertificate() throws Exception {
            TestCertificates.Pair pair = TestCertificates.selfSigned(dir, "ec");
            start("/metrics", load("tls_server_config:\n  cert_file: '" + pair.certFile() + "'\n  key_file: '"
                    + pair.keyFile() + "'\n"));
            client = HttpClient.newBuilder().sslContext(trusting(pair.certFile())).build();

            HttpResponse<String> metrics = send(HttpRequest.newBuilder(url("https", "/metrics")).build());
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("exchange_vss_exporter_build_info");
            assertThat(send(HttpRequest.newBuilder(url("https", "/-/healthy")).build()).body()).isEqualTo("Healthy");
        }

        private static SSLContext trusting(Path certFile) throws Exception {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            try (InputStream in = Files.newInputStream(certFile)) {
                trusted.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        }
    }
}
