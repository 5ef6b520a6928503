import io.github.exchangevss.event.EventData;
import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.http.ExporterHttpServer;
import io.github.exchangevss.http.HttpSettings;
import io.github.exchangevss.http.StatusPage;
import io.github.exchangevss.http.WebConfig;
import io.github.exchangevss.lifecycle.EngineSnapshot;
import io.github.exchangevss.lifecycle.LifecycleEngine;
import io.github.exchangevss.lifecycle.LifecycleSettings;
import io.github.exchangevss.metrics.BuildInfo;
import io.github.exchangevss.metrics.ExporterCollector;
import io.github.exchangevss.source.SourceStatus;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import io.prometheus.client.hotspot.DefaultExports;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The servers and clients of {@code bench/scrape-bench.sh}, which runs them in separate JVMs with wrk as the load.
 *
 * <pre>
 * exporter SERVERS PORT       the exporter's HTTP server over the state of SERVERS Exchange servers
 * simpleclient SERVERS PORT   simpleclient 0.16's HTTPServer with the same collector and JVM metrics, as a reference
 * slow-headers PORT CONNS N   CONNS clients sending one header byte per second; then N normal scrapes, timed
 * </pre>
 *
 * The state is built by applying generated events to the lifecycle engine, not by reading an export: two weeks of
 * nightly backups per server; one server in ten ends with an aborted backup and a refusal (stuck, Method 2), one in
 * fifty logged 9840, every one logged a store start (9600).
 */
public class ScrapeBenchmark {
    private static final int NIGHTS = 14;
    private static final int[] SUCCESSFUL_BACKUP = {9604, 9606, 9608, 9610, 9612, 9648, 9616};

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "exporter", "simpleclient" -> serve(args[0], Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            case "slow-headers" -> slowHeaders(Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                    Integer.parseInt(args[3]));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static void serve(String kind, int servers, int port) throws Exception {
        LifecycleEngine engine = new LifecycleEngine(LifecycleSettings.DEFAULTS, Instant::now);
        long events = applyFleet(engine, servers);
        SourceStatus source = new SourceStatus("xml:fleet.xml");
        source.up(true);
        BuildInfo build = new BuildInfo("bench", "bench");
        // The runtime publishes one immutable snapshot per change of state; nothing changes here after the load.
        EngineSnapshot published = engine.snapshot();
        ExporterCollector collector = new ExporterCollector(() -> published, () -> List.of(source.snapshot()), build);
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
        CollectorRegistry registry = new CollectorRegistry();
        if (kind.equals("exporter")) {
            ExporterHttpServer.start(new HttpSettings(address, "/metrics", WebConfig.NONE), registry, collector,
                    new StatusPage(() -> published, () -> List.of(source.snapshot()), build), () -> true);
        } else {
            registry.register(collector);
            DefaultExports.register(registry);
            new HTTPServer(address, registry, true);
        }
        System.out.printf("ready %s servers=%d events=%d pid=%d%n", kind, servers, events, ProcessHandle.current().pid());
        new CountDownLatch(1).await();
    }

    private static long applyFleet(LifecycleEngine engine, int servers) {
        Instant firstNight = Instant.now().minus(Duration.ofDays(NIGHTS)).minus(Duration.ofHours(2));
        long events = 0;
        for (int s = 0; s < servers; s++) {
            String computer = String.format("EXCH%05d.fleet.contoso.local", s);
            long record = 1;
            Instant t = firstNight.minus(Duration.ofMinutes(5));
            events += apply(engine, computer, record++, t, 9600, 4, List.of());
            for (int night = 0; night < NIGHTS; night++) {
                t = firstNight.plus(Duration.ofDays(night)).plusSeconds(s % 3600);
                boolean lastNight = night == NIGHTS - 1;
                if (lastNight && s % 10 == 0) {
                    events += apply(engine, computer, record++, t, 9604, 4, List.of());
                    events += apply(engine, computer, record++, t.plusSeconds(60), 9608, 4, List.of());
                    events += apply(engine, computer, record++, t.plusSeconds(120), 9614, 3, List.of());
                    events += apply(engine, computer, record++, t.plusSeconds(3600), 9607, 2,
                            List.of(new EventData(null, "Backup in progress.")));
                    continue;
                }
                for (int i = 0; i < SUCCESSFUL_BACKUP.length; i++) {
                    events += apply(engine, computer, record++, t.plusSeconds(300L * i + s % 600),
                            SUCCESSFUL_BACKUP[i], 4, List.of());
                }
                if (lastNight && s % 50 == 1) {
                    events += apply(engine, computer, record++, t.plusSeconds(4000), 9840, 2, List.of());
                }
            }
        }
        return events;
    }

    private static int apply(LifecycleEngine engine, String computer, long record, Instant time, int id, int level,
            List<EventData> data) {
        engine.apply(EventRecord.builder().channel("ForwardedEvents").provider("MSExchangeIS").eventId(id)
                .level(level).timeCreated(time).recordId(record).computer(computer).data(data).build());
        return 1;
    }

    /** Prints the median and the slowest of {@code scrapes} normal scrapes while the slow clients hold on. */
    private static void slowHeaders(int port, int connections, int scrapes) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest scrape = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .header("Accept-Encoding", "gzip").timeout(Duration.ofSeconds(10)).build();
        // The first scrape after the start renders the state; the slow clients come after it, as in production.
        client.send(scrape, HttpResponse.BodyHandlers.discarding());
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            slow.add(new Socket("127.0.0.1", port));
        }
        Thread dribble = new Thread(() -> {
            byte[] request = "GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes();
            try {
                for (int i = 0; !Thread.currentThread().isInterrupted(); i = (i + 1) % request.length) {
                    for (Socket socket : slow) {
                        try {
                            OutputStream out = socket.getOutputStream();
                            out.write(request[i]);
                            out.flush();
                        } catch (java.io.IOException closedByTheServer) {
                            // The server's request time limit closed it; the others keep dribbling.
                        }
                    }
                    Thread.sleep(1000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        dribble.setDaemon(true);
        dribble.start();
        Thread.sleep(2000);
        List<Double> millis = new ArrayList<>();
        int failed = 0;
        for (int i = 0; i < scrapes; i++) {
            long start = System.nanoTime();
            try {
                HttpResponse<byte[]> response = client.send(scrape, HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() != 200) {
                    failed++;
                }
            } catch (java.io.IOException e) {
                failed++;
            }
            millis.add((System.nanoTime() - start) / 1e6);
            Thread.sleep(200);
        }
        dribble.interrupt();
        for (Socket socket : slow) {
            socket.close();
        }
        Collections.sort(millis);
        System.out.printf("slow-headers connections=%d scrapes=%d failed=%d median_ms=%.1f max_ms=%.1f%n",
                connections, scrapes, failed, millis.get(millis.size() / 2), millis.get(millis.size() - 1));
    }
}
