package io.github.exchangevss.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.github.exchangevss.lifecycle.EngineSnapshot;
import io.github.exchangevss.metrics.ExporterCollector;
import io.github.exchangevss.source.SourceStatus;
import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * The metrics endpoint. The {@code exchange_vss_*} families are rendered once per change of the exporter's state and
 * kept as bytes, plain and deflated, per format (text 0.0.4 or OpenMetrics, chosen from {@code Accept} as
 * simpleclient does); every scrape serves those shared bytes. The small JVM and process families follow them, rendered
 * again when they are older than {@link #REST_MAX_AGE} and compressed on their own into the same deflate stream, so
 * the body is one gzip member that every client can read.
 *
 * <p>At most {@code concurrentScrapes} scrapes are answered at once; the others wait up to {@code scrapeWait}, then
 * get 503.
 */
final class MetricsHandler implements HttpHandler {
    private static final String EOF = "# EOF\n";
    private static final int WRITE_SLICE = 64 * 1024;
    private static final byte[] GZIP_HEADER = {0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, (byte) 0xff};

    private final ExporterCollector collector;
    private final CollectorRegistry perScrape;
    private final Semaphore scrapes;
    private final Duration scrapeWait;
    private final Map<String, Cache> byContentType = new ConcurrentHashMap<>();
    /** How old the JVM and process metrics may be; scrapes within it share them too. */
    static final Duration REST_MAX_AGE = Duration.ofSeconds(1);

    MetricsHandler(ExporterCollector collector, CollectorRegistry perScrape, int concurrentScrapes,
            Duration scrapeWait) {
        this.collector = Objects.requireNonNull(collector, "collector");
        this.perScrape = Objects.requireNonNull(perScrape, "perScrape");
        this.scrapes = new Semaphore(concurrentScrapes);
        this.scrapeWait = scrapeWait;
    }

    /**
     * What the cached exposition depends on; equal keys render equal bytes. The lists compare by identity first,
     * so a state published as one immutable object costs nothing to check.
     */
    static Object stateKey(EngineSnapshot engine, List<SourceStatus.Snapshot> sources) {
        return List.of(engine.computers(), engine.events(), sources);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        boolean admitted;
        try {
            admitted = scrapes.tryAcquire(scrapeWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            admitted = false;
        }
        if (!admitted) {
            exchange.getResponseHeaders().set("Retry-After", "1");
            ExporterHttpServer.respond(exchange, 503, "text/plain; charset=utf-8",
                    "Too many scrapes at once; try again");
            return;
        }
        try {
            serve(exchange);
        } finally {
            scrapes.release();
        }
    }

    private void serve(HttpExchange exchange) throws IOException {
        String contentType = TextFormat.chooseContentType(exchange.getRequestHeaders().getFirst("Accept"));
        Set<String> names = requestedNames(exchange.getRequestURI().getRawQuery());
        // Sources first: an event counts as read once applied, so every event counted there is in the snapshot.
        List<SourceStatus.Snapshot> sources = collector.sourceSnapshots();
        EngineSnapshot engine = collector.engineSnapshot();
        Body body = names.isEmpty()
                ? byContentType.computeIfAbsent(contentType, Cache::new).get(stateKey(engine, sources), engine, sources)
                : new Body(render(contentType, filter(collector.collect(engine, sources), names), null),
                        encode(contentType, Collections.list(perScrape.filteredMetricFamilySamples(names)), true), 0);

        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Vary", "Accept, Accept-Encoding");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        if (acceptsGzip(exchange.getRequestHeaders().getFirst("Accept-Encoding"))) {
            exchange.getResponseHeaders().set("Content-Encoding", "gzip");
            sendHeaders(exchange, head, GZIP_HEADER.length + body.exporter.deflated.length
                    + body.restDeflated.length + body.gzipTrailer.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    write(out, GZIP_HEADER);
                    write(out, body.exporter.deflated);
                    write(out, body.restDeflated);
                    write(out, body.gzipTrailer);
                }
            }
        } else {
            sendHeaders(exchange, head, body.exporter.plain.length + body.rest.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    write(out, body.exporter.plain);
                    write(out, body.rest);
                }
            }
        }
    }

    /**
     * In slices: the socket layer copies each write into a direct buffer that it keeps per thread, so one large
     * write would leave every worker holding a buffer the size of the whole exposition.
     */
    private static void write(OutputStream out, byte[] bytes) throws IOException {
        for (int offset = 0; offset < bytes.length; offset += WRITE_SLICE) {
            out.write(bytes, offset, Math.min(WRITE_SLICE, bytes.length - offset));
        }
    }

    private static void sendHeaders(HttpExchange exchange, boolean head, long length) throws IOException {
        exchange.sendResponseHeaders(200, head ? -1 : length);
    }

    /**
     * The exporter's families of one state in one format, followed by the JVM and process families rendered at
     * {@code restNanos}, with the lock that lets one thread render them while the others wait for its bytes.
     */
    private final class Cache {
        private final String contentType;
        private volatile Body current;

        Cache(String contentType) {
            this.contentType = contentType;
        }

        Body get(Object key, EngineSnapshot engine, List<SourceStatus.Snapshot> sources) throws IOException {
            Body body = current;
            if (isCurrent(body, key)) {
                return body;
            }
            synchronized (this) {
                body = current;
                if (!isCurrent(body, key)) {
                    // An equal state published anew takes the place of the old key, so that the next checks are
                    // by identity again.
                    Rendered exporter = body != null && body.exporter.key.equals(key)
                            ? body.exporter.withKey(key) : render(contentType, collector.collect(engine, sources), key);
                    body = new Body(exporter, encode(contentType, Collections.list(perScrape.metricFamilySamples()),
                            true), System.nanoTime());
                    current = body;
                }
                return body;
            }
        }

        private static boolean isCurrent(Body body, Object key) {
            return body != null && body.exporter.key.equals(key)
                    && System.nanoTime() - body.restNanos < REST_MAX_AGE.toNanos();
        }
    }

    /**
     * @param plain    the families, without the OpenMetrics end marker (the per-scrape part ends the body)
     * @param deflated {@code plain} as raw deflate blocks ending in a sync flush, so more blocks may follow
     */
    private record Rendered(Object key, byte[] plain, byte[] deflated) {
        Rendered withKey(Object equalKey) {
            return new Rendered(equalKey, plain, deflated);
        }
    }

    /** A whole answer: the cached exporter part, then {@code rest}; as plain bytes or as one gzip member. */
    private record Body(Rendered exporter, byte[] rest, byte[] restDeflated, byte[] gzipTrailer, long restNanos) {
        Body(Rendered exporter, byte[] rest, long restNanos) {
            this(exporter, rest, deflate(rest, true), MetricsHandler.gzipTrailer(exporter.plain, rest), restNanos);
        }
    }

    private static Rendered render(String contentType, List<MetricFamilySamples> families, Object key)
            throws IOException {
        byte[] plain = encode(contentType, families, false);
        return new Rendered(key, plain, deflate(plain, false));
    }

    private static byte[] encode(String contentType, List<MetricFamilySamples> families, boolean last)
            throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
        try (Writer writer = new OutputStreamWriter(bytes, StandardCharsets.UTF_8)) {
            TextFormat.writeFormat(contentType, writer, Collections.enumeration(families));
        }
        byte[] encoded = bytes.toByteArray();
        boolean openMetrics = contentType.startsWith(TextFormat.CONTENT_TYPE_OPENMETRICS_100.split(";")[0]);
        return openMetrics && !last ? java.util.Arrays.copyOf(encoded, encoded.length - EOF.length()) : encoded;
    }

    private static byte[] deflate(byte[] input, boolean last) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try {
            deflater.setInput(input);
            if (last) {
                deflater.finish();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, input.length / 8));
            byte[] buffer = new byte[64 * 1024];
            int mode = last ? Deflater.NO_FLUSH : Deflater.SYNC_FLUSH;
            while (true) {
                int n = deflater.deflate(buffer, 0, buffer.length, mode);
                out.write(buffer, 0, n);
                boolean done = last ? deflater.finished() : deflater.needsInput() && n < buffer.length;
                if (done) {
                    return out.toByteArray();
                }
            }
        } finally {
            deflater.end();
        }
    }

    private static byte[] gzipTrailer(byte[] first, byte[] second) {
        CRC32 crc = new CRC32();
        crc.update(first);
        crc.update(second);
        long crcValue = crc.getValue();
        long size = (long) first.length + second.length;
        byte[] trailer = new byte[8];
        for (int i = 0; i < 4; i++) {
            trailer[i] = (byte) (crcValue >>> (8 * i));
            trailer[4 + i] = (byte) (size >>> (8 * i));
        }
        return trailer;
    }

    /** {@code gzip} among the codings, unless refused with {@code q=0}. */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String coding : acceptEncoding.split(",")) {
            String[] parts = coding.trim().split(";");
            if (parts[0].trim().equalsIgnoreCase("gzip")) {
                for (int i = 1; i < parts.length; i++) {
                    if (parts[i].trim().replace(" ", "").matches("q=0(\\.0*)?")) {
                        return false;
                    }
                }
                return true;
            }
        }
        return false;
    }

    /** The {@code name[]} parameters: families to serve, as simpleclient's handler reads them. */
    private static Set<String> requestedNames(String rawQuery) {
        Set<String> names = new HashSet<>();
        if (rawQuery == null) {
            return names;
        }
        for (String pair : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0 && URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8).equals("name[]")) {
                names.add(URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        return names;
    }

    private static List<MetricFamilySamples> filter(List<MetricFamilySamples> families, Set<String> names) {
        return families.stream().map(family -> family.filter(names::contains)).filter(Objects::nonNull).toList();
    }
}
