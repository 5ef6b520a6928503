package io.github.exchangevss.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.exchangevss.lifecycle.EngineSnapshot;
import io.github.exchangevss.metrics.BuildInfo;
import io.github.exchangevss.metrics.ExporterCollector;
import io.github.exchangevss.source.SourceStatus;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.crypto.bcrypt.BCrypt;

class ExporterHttpServerTest {
    private final AtomicReference<Optional<String>> notReady =
            new AtomicReference<>(Optional.of("first pass not finished by demo"));
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
                new StatusPage(() -> engine, () -> sources, buildInfo), notReady::get, notShown::get);
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
                new StatusPage(() -> engine, List::of, new BuildInfo("v", "r")), Optional::empty, Optional::empty))
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
                }, List::of, new BuildInfo("v", "r")), Optional::empty, Optional::empty);
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
        assertThat(page.body()).contains(" stuck · Exchange VSS</title>").contains("href=\"/metrics\"");
        assertThat(get("/index.html").statusCode()).isEqualTo(404);
        assertThat(get("/metricsx").statusCode()).isEqualTo(404);
    }

    @Test
    void everyPathAcceptsOnlyGetAndHead() throws Exception {
        start("/metrics", WebConfig.NONE);
        for (String path : List.of("/metrics", "/", "/-/healthy", "/-/ready", "/nothing-here")) {
            for (String method : List.of("POST", "TRACE", "DELETE", "PUT", "OPTIONS", "BREW")) {
                HttpResponse<String> refused = send(HttpRequest.newBuilder(url("http", path))
                        .method(method, HttpRequest.BodyPublishers.ofString("x")).build());
                assertThat(refused.statusCode()).as("%s %s", method, path).isEqualTo(405);
                assertThat(refused.headers().firstValue("Allow")).as("%s %s", method, path).hasValue("GET, HEAD");
                assertThat(refused.body()).as("%s %s", method, path).doesNotContain("exchange_vss");
            }
        }
        HttpResponse<String> headMetrics = send(HttpRequest.newBuilder(url("http", "/metrics"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(headMetrics.statusCode()).isEqualTo(200);
        assertThat(headMetrics.body()).isEmpty();
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

        HttpResponse<String> notYet = get("/-/ready");
        assertThat(notYet.statusCode()).isEqualTo(503);
        assertThat(notYet.body()).isEqualTo("Not ready: first pass not finished by demo\n");
        notReady.set(Optional.empty());
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

    @Test
    void openMetricsIsServedWhenAskedForPlainAndGzipped() throws Exception {
        start("/metrics", WebConfig.NONE);
        String accept = "application/openmetrics-text; version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
        HttpResponse<String> plain = send(HttpRequest.newBuilder(url("http", "/metrics")).header("Accept", accept)
                .build());
        assertThat(plain.headers().firstValue("Content-Type")).hasValue(TextFormat.CONTENT_TYPE_OPENMETRICS_100);
        HttpResponse<InputStream> gzipped = client.send(HttpRequest.newBuilder(url("http", "/metrics"))
                .header("Accept", accept).header("Accept-Encoding", "gzip").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(gzipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
        String unzipped;
        try (InputStream body = new GZIPInputStream(gzipped.body())) {
            unzipped = new String(body.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (String body : List.of(plain.body(), unzipped)) {
            assertThat(body).contains("# TYPE exchange_vss_source_events_read counter\n")
                    .contains("exchange_vss_source_up{source=\"demo\"} 1.0\n").contains("jvm_threads_current")
                    .endsWith("\n# EOF\n");
            assertThat(body.indexOf("# EOF")).as("one end marker, at the end").isEqualTo(body.length() - 6);
        }
    }

    @Test
    void theRenderedExpositionIsReusedUntilTheStateChanges() throws Exception {
        EngineSnapshot engine = new EngineSnapshot(Instant.EPOCH, List.of(), List.of());
        AtomicReference<List<SourceStatus.Snapshot>> state = new AtomicReference<>(sources);
        server = ExporterHttpServer.start(new HttpSettings(HttpSettings.parseListenAddress("127.0.0.1:0"), "/metrics",
                WebConfig.NONE), new CollectorRegistry(), new ExporterCollector(() -> engine, state::get,
                new BuildInfo("v", "r")), new StatusPage(() -> engine, state::get, new BuildInfo("v", "r")), Optional::empty, Optional::empty);
        String first = exporterPart(get("/metrics").body());
        for (int i = 0; i < 20; i++) {
            // The render time is part of the cached bytes: the same value means nothing was rendered again.
            assertThat(exporterPart(get("/metrics").body())).isEqualTo(first);
        }
        state.set(new ArrayList<>(sources)); // the same state published anew: equal, not identical
        assertThat(exporterPart(get("/metrics").body())).isEqualTo(first);
        state.set(List.of(new SourceStatus.Snapshot("demo", true, 4, 0, null, Map.of())));
        assertThat(exporterPart(get("/metrics").body()))
                .contains("exchange_vss_source_events_read_total{source=\"demo\",} 4.0").isNotEqualTo(first);
    }

    private static String exporterPart(String exposition) {
        return exposition.substring(0, exposition.indexOf("# HELP jvm_"));
    }

    @Test
    void namedFamiliesOnly() throws Exception {
        start("/metrics", WebConfig.NONE);
        String body = get("/metrics?name[]=exchange_vss_source_up&name%5B%5D=jvm_threads_current").body();
        assertThat(body.lines().filter(line -> !line.startsWith("#")))
                .containsExactly("exchange_vss_source_up{source=\"demo\",} 1.0", body.lines()
                        .filter(line -> line.startsWith("jvm_threads_current ")).findFirst().orElseThrow());
    }

    @Test
    void slowHeaderClientsDoNotStopAScrape() throws Exception {
        start("/metrics", WebConfig.NONE);
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                Socket socket = new Socket("127.0.0.1", server.port());
                socket.getOutputStream().write('G');
                slow.add(socket);
            }
            // Answered while every slow client still holds a worker: well before their request time runs out.
            // (How fast is measured by bench/scrape-bench.sh, not here.)
            HttpResponse<String> scrape = send(HttpRequest.newBuilder(url("http", "/metrics"))
                    .timeout(Duration.ofSeconds(ExporterHttpServer.MAX_REQUEST_SECONDS / 2)).build());
            assertThat(scrape.statusCode()).isEqualTo(200);

            // A request whose headers never finish is closed once its time is up.
            Socket first = slow.get(0);
            first.setSoTimeout((int) (ExporterHttpServer.MAX_REQUEST_SECONDS + 10) * 1000);
            assertThat(first.getInputStream().read()).as("end of stream: closed by the server").isEqualTo(-1);
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    @Test
    void aFullQueueIsAnswered503() throws Exception {
        startWith(new ExporterHttpServer.Limits(1, 1, 1, Duration.ofSeconds(5)), () -> EMPTY);
        try (Socket busy = new Socket("127.0.0.1", server.port());
                Socket queued = new Socket("127.0.0.1", server.port())) {
            busy.getOutputStream().write('G'); // holds the one worker, waiting for the rest of its headers
            Thread.sleep(200);
            queued.getOutputStream().write('G'); // fills the queue
            Thread.sleep(200);
            HttpResponse<String> refused = get("/metrics");
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        int status;
        do {
            status = get("/metrics").statusCode();
        } while (status == 503 && System.nanoTime() < deadline);
        assertThat(status).as("once the slow clients are gone").isEqualTo(200);
    }

    @Test
    void scrapesBeyondTheLimitWaitThenGet503() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        startWith(new ExporterHttpServer.Limits(4, 4, 1, Duration.ofMillis(300)), () -> {
            if (calls.incrementAndGet() == 1) {
                try {
                    release.await(10, TimeUnit.SECONDS); // the first scrape holds the only permit
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return EMPTY;
        });
        CompletableFuture<HttpResponse<String>> first = client.sendAsync(
                HttpRequest.newBuilder(url("http", "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        while (calls.get() == 0) {
            Thread.sleep(10);
        }
        assertThat(get("/metrics").statusCode()).isEqualTo(503);
        assertThat(get("/-/healthy").statusCode()).as("other pages are not limited").isEqualTo(200);
        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(get("/metrics").statusCode()).isEqualTo(200);
    }

    private static final EngineSnapshot EMPTY = new EngineSnapshot(Instant.EPOCH, List.of(), List.of());

    private void startWith(ExporterHttpServer.Limits limits, Supplier<EngineSnapshot> engine) throws IOException {
        server = ExporterHttpServer.start(new HttpSettings(HttpSettings.parseListenAddress("127.0.0.1:0"), "/metrics",
                WebConfig.NONE), limits, new CollectorRegistry(), new ExporterCollector(engine, List::of,
                new BuildInfo("v", "r")), new StatusPage(() -> EMPTY, List::of, new BuildInfo("v", "r")), Optional::empty, Optional::empty);
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

        @Test
        void byDefaultOnlyForwardSecretAeadSuitesAreOffered() throws Exception {
            TestCertificates.Pair pair = TestCertificates.selfSigned(dir, "rsa");
            start("/metrics", load(tlsYaml(pair)));
            assertThat(request(anyServer(null), "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"))
                    .startsWith("HTTP/1.1 200");
            assertThat(request(anyServer(null), "TLSv1.3", "TLS_AES_256_GCM_SHA384")).startsWith("HTTP/1.1 200");
            for (String weak : List.of("TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
                    "TLS_RSA_WITH_AES_256_CBC_SHA256", "TLS_DHE_RSA_WITH_AES_128_CBC_SHA")) {
                assertThat(request(anyServer(null), "TLSv1.2", weak)).as(weak).startsWith("failed");
            }
        }

        @Test
        void cipherSuitesAndVersionsAreHonoured() throws Exception {
            TestCertificates.Pair pair = TestCertificates.selfSigned(dir, "ec");
            start("/metrics", load(tlsYaml(pair) + "  max_version: TLS12\n"
                    + "  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384]\n"));
            assertThat(request(anyServer(null), "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"))
                    .startsWith("HTTP/1.1 200");
            assertThat(request(anyServer(null), "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"))
                    .startsWith("failed");
            assertThat(request(anyServer(null), "TLSv1.3", "TLS_AES_128_GCM_SHA256")).as("above max_version")
                    .startsWith("failed");
        }

        @Test
        void minVersionTls13RefusesTls12() throws Exception {
            TestCertificates.Pair pair = TestCertificates.selfSigned(dir, "ec");
            start("/metrics", load(tlsYaml(pair) + "  min_version: TLS13\n"));
            assertThat(request(anyServer(null), "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"))
                    .startsWith("failed");
            assertThat(request(anyServer(null), "TLSv1.3", "TLS_AES_128_GCM_SHA256")).startsWith("HTTP/1.1 200");
        }

        @Test
        void requireAndVerifyClientCertAcceptsOnlyClientsOfTheCa() throws Exception {
            TestCertificates.Pair client = startWithClientAuth("RequireAndVerifyClientCert");
            TestCertificates.Pair stranger = TestCertificates.selfSigned(Files.createDirectory(dir.resolve("other")), "ec");
            for (String version : List.of("TLSv1.2", "TLSv1.3")) {
                assertThat(request(anyServer(client), version, null)).as(version).startsWith("HTTP/1.1 200");
                assertThat(request(anyServer(null), version, null)).as(version + " without a certificate")
                        .doesNotStartWith("HTTP/1.1");
                assertThat(request(anyServer(stranger), version, null)).as(version + " with another CA's")
                        .doesNotStartWith("HTTP/1.1");
            }
        }

        @Test
        void verifyClientCertIfGivenLetsClientsWithoutOne() throws Exception {
            TestCertificates.Pair client = startWithClientAuth("VerifyClientCertIfGiven");
            TestCertificates.Pair stranger = TestCertificates.selfSigned(Files.createDirectory(dir.resolve("other")), "ec");
            assertThat(request(anyServer(null), "TLSv1.3", null)).startsWith("HTTP/1.1 200");
            assertThat(request(anyServer(client), "TLSv1.3", null)).startsWith("HTTP/1.1 200");
            assertThat(request(anyServer(stranger), "TLSv1.3", null)).doesNotStartWith("HTTP/1.1");
        }

        /** Starts HTTPS asking for client certificates of one client's self-signed CA; returns that client's pair. */
        private TestCertificates.Pair startWithClientAuth(String clientAuthType) throws Exception {
            TestCertificates.Pair serverPair = TestCertificates.selfSigned(dir, "ec");
            TestCertificates.Pair client = TestCertificates.selfSigned(Files.createDirectory(dir.resolve("client")), "ec");
            start("/metrics", load(tlsYaml(serverPair) + "  client_auth_type: " + clientAuthType + "\n"
                    + "  client_ca_file: '" + client.certFile() + "'\n"));
            return client;
        }

        @Test
        void configuredHeadersAreOnEveryAnswer() throws Exception {
            start("/metrics", load("http_server_config:\n  headers:\n    X-Frame-Options: DENY\n"
                    + "    Strict-Transport-Security: max-age=31536000\n"));
            for (String path : List.of("/metrics", "/", "/-/healthy", "/nothing-here")) {
                HttpResponse<String> response = get(path);
                assertThat(response.headers().firstValue("X-Frame-Options")).as(path).hasValue("DENY");
                assertThat(response.headers().firstValue("Strict-Transport-Security")).as(path)
                        .hasValue("max-age=31536000");
            }
        }

        @Test
        void aRenewedCertificateIsServedWithoutARestart() throws Exception {
            TestCertificates.Pair first = TestCertificates.selfSigned(dir, "ec");
            start("/metrics", load(tlsYaml(first)));
            X509Certificate served = serverCertificate();
            assertThat(served).isEqualTo(Pem.certificateChain(first.certFile()).get(0));

            TestCertificates.Pair renewed = TestCertificates.selfSigned(Files.createDirectory(dir.resolve("renewed")), "rsa");
            // A key written before its certificate does not match yet: the old pair stays until both are new.
            Files.copy(renewed.keyFile(), first.keyFile(), StandardCopyOption.REPLACE_EXISTING);
            assertThat(serverCertificate()).isEqualTo(served);
            Files.copy(renewed.certFile(), first.certFile(), StandardCopyOption.REPLACE_EXISTING);
            assertThat(serverCertificate()).isEqualTo(Pem.certificateChain(renewed.certFile()).get(0));
            assertThat(request(anyServer(null), "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"))
                    .startsWith("HTTP/1.1 200");
        }

        private X509Certificate serverCertificate() throws Exception {
            try (SSLSocket socket = (SSLSocket) anyServer(null).getSocketFactory().createSocket("127.0.0.1",
                    server.port())) {
                socket.startHandshake();
                return (X509Certificate) socket.getSession().getPeerCertificates()[0];
            }
        }

        /** The status line of GET /metrics with the given client settings, or "failed: ..." when TLS refused it. */
        private String request(SSLContext client, String protocol, String suite) {
            try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", server.port())) {
                socket.setSoTimeout(10_000);
                socket.setEnabledProtocols(new String[] {protocol});
                if (suite != null) {
                    socket.setEnabledCipherSuites(new String[] {suite});
                }
                socket.startHandshake();
                socket.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                        StandardCharsets.US_ASCII)).readLine();
                return status == null ? "closed" : status;
            } catch (IOException e) {
                return "failed: " + e;
            }
        }

        /** A client that accepts any server certificate and presents {@code clientPair}'s when asked. */
        private SSLContext anyServer(TestCertificates.Pair clientPair) throws Exception {
            javax.net.ssl.KeyManager[] keys = null;
            if (clientPair != null) {
                List<X509Certificate> chain = Pem.certificateChain(clientPair.certFile());
                keys = new javax.net.ssl.KeyManager[] {
                        Pem.keyManager(chain, Pem.privateKey(clientPair.keyFile(), chain.get(0)))};
            }
            javax.net.ssl.TrustManager acceptAll = new javax.net.ssl.X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            };
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, new javax.net.ssl.TrustManager[] {acceptAll}, null);
            return context;
        }

        private static String tlsYaml(TestCertificates.Pair pair) {
            return "tls_server_config:\n  cert_file: '" + pair.certFile() + "'\n  key_file: '" + pair.keyFile() + "'\n";
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
