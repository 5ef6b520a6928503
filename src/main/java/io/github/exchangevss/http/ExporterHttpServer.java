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
import io.prometheus.client.exporter.HTTPServer;
import io.prometheus.client.hotspot.DefaultExports;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exporter's HTTP endpoints: metrics at the telemetry path, the status page at {@code /}, {@code /-/healthy}
 * and {@code /-/ready}, over HTTP or, with a web config file, HTTPS and basic auth.
 *
 * <p>simpleclient's {@link HTTPServer} would claim {@code /} for metrics, so its metrics handler (content
 * negotiation, gzip, {@code name[]} filtering) is mounted on our own server at the telemetry path only.
 */
public final class ExporterHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExporterHttpServer.class);
    private static final int THREADS = 4;

    private final HttpServer server;
    private final ExecutorService executor;

    private ExporterHttpServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Registers {@code collector} and the JVM metrics in {@code registry} and starts serving.
     *
     * @param ready    whether the initial state is loaded and the first read is done; {@code /-/ready} answers 503
     *                 until it is true
     * @param notShown why metrics and the status page cannot be shown yet (the saved state is not loaded): they
     *                 answer 503 with that reason until it is empty
     */
    public static ExporterHttpServer start(HttpSettings settings, CollectorRegistry registry,
            ExporterCollector collector, StatusPage statusPage, BooleanSupplier ready,
            Supplier<Optional<String>> notShown) throws IOException {
        HttpServer server = create(settings);
        registry.register(collector);
        DefaultExports.register(registry);
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, daemonThreads());
        server.setExecutor(executor);
        Authenticator authenticator = settings.webConfig().basicAuthUsers().isEmpty()
                ? null : new BcryptAuthenticator(settings.webConfig().basicAuthUsers());
        String telemetryPath = settings.telemetryPath();

        mount(server, telemetryPath, shownWhenLoaded(notShown, new HTTPServer.HTTPMetricHandler(registry)),
                authenticator);
        mount(server, "/", getOnly(shownWhenLoaded(notShown, exchange -> respond(exchange, 200,
                "text/html; charset=utf-8", statusPage.render(telemetryPath)))), authenticator);
        mount(server, "/-/healthy", getOnly(exchange -> respond(exchange, 200, "text/plain; charset=utf-8",
                "Healthy")), authenticator);
        mount(server, "/-/ready", getOnly(exchange -> {
            boolean isReady = ready.getAsBoolean();
            respond(exchange, isReady ? 200 : 503, "text/plain; charset=utf-8", isReady ? "Ready" : "Not ready");
        }), authenticator);
        server.start();

        ExporterHttpServer started = new ExporterHttpServer(server, executor);
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
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static HttpServer create(HttpSettings settings) throws IOException {
        try {
            return settings.webConfig().tls().isEmpty()
                    ? HttpServer.create(settings.listenAddress(), 0)
                    : createHttps(settings.listenAddress(), settings.webConfig().tls().get());
        } catch (IOException e) {
            throw new IOException("cannot listen on web.listen-address " + settings.listenAddress() + ": "
                    + e.getMessage(), e);
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
                params.setSSLParameters(parameters);
            }
        });
        return server;
    }

    /**
     * The JDK server picks a context by plain string prefix ({@code /metrics} would also serve {@code /metricsx}),
     * so each handler answers its exact path only and 404 otherwise.
     */
    private static void mount(HttpServer server, String path, HttpHandler handler, Authenticator authenticator) {
        var context = server.createContext(path, exchange -> {
            try (exchange) {
                if (!exchange.getRequestURI().getPath().equals(path)) {
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

    private static HttpHandler getOnly(HttpHandler handler) {
        return exchange -> {
            String method = exchange.getRequestMethod();
            if (method.equals("GET") || method.equals("HEAD")) {
                handler.handle(exchange);
            } else {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                respond(exchange, 405, "text/plain; charset=utf-8", "Method not allowed");
            }
        };
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
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

    private static ThreadFactory daemonThreads() {
        AtomicInteger number = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "exchange-vss-http-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
