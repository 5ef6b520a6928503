package io.github.exchangevss.http;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.github.exchangevss.metrics.ExporterCollector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.hotspot.DefaultExports;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exporter's HTTP endpoints: metrics at the telemetry path, the status page at {@code /}, {@code /-/healthy}
 * and {@code /-/ready}, over HTTP or, with a web config file, HTTPS and basic auth.
 *
 * <p>The JDK's server underneath, made to hold under load and hostile clients: requests are read by a fixed pool of
 * workers with a bounded queue; when that queue is full, requests are answered 503 by a separate thread; a request
 * whose headers do not arrive within {@link #MAX_REQUEST_SECONDS} is closed; every path answers 405 to methods other
 * than GET and HEAD. simpleclient's {@code HTTPServer} would claim {@code /} for metrics, so the metrics are served by
 * {@link MetricsHandler} at the telemetry path only.
 */
public final class ExporterHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExporterHttpServer.class);
    /** Time to receive a request's line and headers and start answering it; then the connection is closed. */
    static final long MAX_REQUEST_SECONDS = 10;
    /** Time to send an answer, for a client that stops reading. */
    static final long MAX_RESPONSE_SECONDS = 60;
    /** Kept-alive connections waiting for their next request. */
    static final int MAX_IDLE_CONNECTIONS = 1000;
    /** Set on the thread that answers requests the workers' queue had no room for. */
    private static final ThreadLocal<Boolean> SHEDDING = ThreadLocal.withInitial(() -> false);

    static {
        // The JDK server reads these once, when its first instance is made; an explicit -D wins.
        setIfAbsent("sun.net.httpserver.maxReqTime", Long.toString(MAX_REQUEST_SECONDS));
        setIfAbsent("sun.net.httpserver.maxRspTime", Long.toString(MAX_RESPONSE_SECONDS));
        // An answer ends with a few small writes; with Nagle's algorithm the last one waits for the client's
        // delayed acknowledgement, 40 ms a scrape.
        setIfAbsent("sun.net.httpserver.nodelay", "true");
        // The JDK closes a kept-alive connection at the end of an answer when 200 are idle already, which a
        // client sending its next request at that moment sees as an error.
        setIfAbsent("sun.net.httpserver.maxIdleConnections", Integer.toString(MAX_IDLE_CONNECTIONS));
    }

    /**
     * How much the server takes on at once.
     *
     * @param workers           threads that read requests and answer them; a slow client holds one until
     *                          {@link #MAX_REQUEST_SECONDS}
     * @param queue             requests waiting for a worker; beyond that they are answered 503
     * @param concurrentScrapes scrapes answered at once; the others wait for their turn up to {@code scrapeWait}
     * @param scrapeWait        then they are answered 503
     */
    public record Limits(int workers, int queue, int concurrentScrapes, Duration scrapeWait) {
        public static final Limits DEFAULTS = new Limits(64, 256, 8, Duration.ofSeconds(5));
    }

    private final HttpServer server;
    private final ThreadPoolExecutor workers;
    private final ThreadPoolExecutor shedder;

    private ExporterHttpServer(HttpServer server, ThreadPoolExecutor workers, ThreadPoolExecutor shedder) {
        this.server = server;
        this.workers = workers;
        this.shedder = shedder;
    }

    /**
     * Registers the JVM metrics in {@code registry} and starts serving them after {@code collector}'s.
     *
     * @param notReady why the initial state is not loaded or the first read not done; {@code /-/ready} answers 503
     *                 with that reason until it is empty
     * @param notShown why metrics and the status page cannot be shown yet (the saved state is not loaded): they
     *                 answer 503 with that reason until it is empty
     */
    public static ExporterHttpServer start(HttpSettings settings, CollectorRegistry registry,
            ExporterCollector collector, StatusPage statusPage, Supplier<Optional<String>> notReady,
            Supplier<Optional<String>> notShown) throws IOException {
        return start(settings, Limits.DEFAULTS, registry, collector, statusPage, notReady, notShown);
    }

    public static ExporterHttpServer start(HttpSettings settings, Limits limits, CollectorRegistry registry,
            ExporterCollector collector, StatusPage statusPage, Supplier<Optional<String>> notReady,
            Supplier<Optional<String>> notShown) throws IOException {
        HttpServer server = create(settings);
        DefaultExports.register(registry);
        ThreadPoolExecutor shedder = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(limits.queue()), daemonThreads("exchange-vss-http-busy-"));
        ThreadPoolExecutor workers = new ThreadPoolExecutor(limits.workers(), limits.workers(), 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(limits.queue()), daemonThreads("exchange-vss-http-"),
                (request, pool) -> shedder.execute(() -> {
                    SHEDDING.set(true);
                    try {
                        request.run();
                    } finally {
                        SHEDDING.set(false);
                    }
                }));
        workers.allowCoreThreadTimeOut(true);
        server.setExecutor(workers);
        Authenticator authenticator = settings.webConfig().basicAuthUsers().isEmpty()
                ? null : new BcryptAuthenticator(settings.webConfig().basicAuthUsers());
        String telemetryPath = settings.telemetryPath();

        Map<String, String> headers = settings.webConfig().headers();
        mount(server, telemetryPath, shownWhenLoaded(notShown, new MetricsHandler(collector, registry,
                limits.concurrentScrapes(), limits.scrapeWait())), authenticator, headers);
        mount(server, "/", shownWhenLoaded(notShown, exchange -> {
            StatusPage.Response page = statusPage.respond(exchange.getRequestURI().getPath(),
                    exchange.getRequestURI().getRawQuery(), telemetryPath);
            respondPage(exchange, page.status(), page.html());
        }), authenticator, headers);
        mount(server, "/-/healthy", exchange -> respond(exchange, 200, "text/plain; charset=utf-8",
                "Healthy"), authenticator, headers);
        mount(server, "/-/ready", exchange -> {
            Optional<String> reason = notReady.get();
            respond(exchange, reason.isEmpty() ? 200 : 503, "text/plain; charset=utf-8",
                    reason.map(r -> "Not ready: " + r + "\n").orElse("Ready"));
        }, authenticator, headers);
        server.start();

        ExporterHttpServer started = new ExporterHttpServer(server, workers, shedder);
        InetSocketAddress bound = started.address();
        LOG.info("Listening on {}://{}:{} (metrics at {}, basic auth {})",
                settings.webConfig().tls().isPresent() ? "https" : "http",
                bound.getAddress() instanceof Inet6Address ? "[" + bound.getHostString() + "]" : bound.getHostString(),
                bound.getPort(), telemetryPath, authenticator == null ? "off" : "on");
        return started;
    }

    /** The address actually bound, with the chosen port when port 0 was asked for. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        for (ThreadPoolExecutor pool : List.of(workers, shedder)) {
            pool.shutdown();
            try {
                pool.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static HttpServer create(HttpSettings settings) throws IOException {
        try {
            return settings.webConfig().tls().isEmpty()
                    ? HttpServer.create(settings.listenAddress(), 0)
                    : createHttps(settings.listenAddress(), settings.webConfig().tls().get());
        } catch (IOException e) {
            InetSocketAddress address = settings.listenAddress();
            String host = address.getAddress().isAnyLocalAddress() ? "" : address.getAddress().getHostAddress();
            throw new IOException("cannot listen on web.listen-address "
                    + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort() + ": " + e.getMessage()
                    + (e instanceof BindException ? " (another process uses the port? choose another with"
                            + " --web.listen-address)" : ""), e);
        }
    }

    private static HttpsServer createHttps(InetSocketAddress address, WebConfig.Tls tls) throws IOException {
        HttpsServer server = HttpsServer.create(address, 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls.sslContext()) {
            @Override
            public void configure(HttpsParameters params) {
                SSLContext context = getSSLContext();
                SSLParameters parameters = context.getDefaultSSLParameters();
                parameters.setProtocols(tls.protocols().toArray(new String[0]));
                parameters.setCipherSuites(tls.cipherSuites().toArray(new String[0]));
                parameters.setUseCipherSuitesOrder(tls.preferServerCipherSuites());
                parameters.setNeedClientAuth(tls.clientAuth() == WebConfig.ClientAuth.REQUIRE_AND_VERIFY);
                if (tls.clientAuth() == WebConfig.ClientAuth.VERIFY_IF_GIVEN) {
                    parameters.setWantClientAuth(true);
                }
                params.setSSLParameters(parameters);
            }
        });
        return server;
    }

    /**
     * The JDK server picks a context by plain string prefix ({@code /metrics} would also serve {@code /metricsx}),
     * so each handler answers its exact path only and 404 otherwise; {@code /} takes every other path and the
     * status page answers 404 for what it does not serve. Every path refuses methods other than GET and HEAD, and
     * answers 503 at once when the request came in while every worker was busy.
     */
    private static void mount(HttpServer server, String path, HttpHandler handler, Authenticator authenticator,
            Map<String, String> headers) {
        var context = server.createContext(path, exchange -> {
            try (exchange) {
                headers.forEach(exchange.getResponseHeaders()::set);
                String method = exchange.getRequestMethod();
                if (SHEDDING.get()) {
                    exchange.getResponseHeaders().set("Retry-After", "1");
                    respond(exchange, 503, "text/plain; charset=utf-8", "Too many requests at once; try again");
                } else if (!method.equals("GET") && !method.equals("HEAD")) {
                    exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                    respond(exchange, 405, "text/plain; charset=utf-8", "Method not allowed");
                } else if (!path.equals("/") && !exchange.getRequestURI().getPath().equals(path)) {
                    respond(exchange, 404, "text/plain; charset=utf-8", "Not found");
                } else {
                    handleOrAnswerError(exchange, handler);
                }
            }
        });
        if (authenticator != null) {
            context.setAuthenticator(authenticator);
        }
    }

    /** A failing page answers 500 instead of dropping the connection without a word. */
    private static void handleOrAnswerError(HttpExchange exchange, HttpHandler handler) throws IOException {
        try {
            handler.handle(exchange);
        } catch (RuntimeException e) {
            LOG.warn("Request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
            if (exchange.getResponseCode() == -1) {
                respond(exchange, 500, "text/plain; charset=utf-8", "Internal error; see the exporter's log");
            }
        }
    }

    /** Before the saved state is loaded every stuck server would be missing: a failed scrape is the honest answer. */
    private static HttpHandler shownWhenLoaded(Supplier<Optional<String>> notShown, HttpHandler handler) {
        return exchange -> {
            Optional<String> reason = notShown.get();
            if (reason.isPresent()) {
                respond(exchange, 503, "text/plain; charset=utf-8", "Not ready: " + reason.get() + "\n");
            } else {
                handler.handle(exchange);
            }
        };
    }

    static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        send(exchange, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * An HTML page, gzipped when the request accepts it: the fleet page of thousands of servers is megabytes of
     * repetitive markup. The fastest level: on that markup it is already about 18 times smaller.
     */
    private static void respondPage(HttpExchange exchange, int status, String html) throws IOException {
        byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Vary", "Accept-Encoding");
        if (MetricsHandler.acceptsGzip(exchange.getRequestHeaders().getFirst("Accept-Encoding"))) {
            exchange.getResponseHeaders().set("Content-Encoding", "gzip");
            ByteArrayOutputStream gzipped = new ByteArrayOutputStream(bytes.length / 8);
            try (GZIPOutputStream out = new GZIPOutputStream(gzipped, 65536) {
                {
                    def.setLevel(Deflater.BEST_SPEED);
                }
            }) {
                out.write(bytes);
            }
            bytes = gzipped.toByteArray();
        }
        send(exchange, status, "text/html; charset=utf-8", bytes);
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] bytes) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger number = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }
}
