import io.github.exchangevss.http.ExporterHttpServer;
import io.github.exchangevss.http.HttpSettings;
import io.github.exchangevss.http.StatusPage;
import io.github.exchangevss.http.WebConfig;
import io.github.exchangevss.lifecycle.EngineSnapshot;
import io.github.exchangevss.metrics.BuildInfo;
import io.github.exchangevss.metrics.ExporterCollector;
import io.github.exchangevss.scenario.Fleet;
import io.github.exchangevss.source.SourceStatus;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Render time of the status pages for a fleet of N servers read by the real lifecycle engine (the test tree's
 * Fleet: per ten servers one stuck with Method 2, one with Method 3, one backing up, seven OK), against the text
 * exposition of /metrics for the same fleet, rendered in the same run; then the fleet page fetched from the real
 * HTTP endpoint, plain and gzipped (KiB is then what is sent). Median after warm-up.
 *
 * <pre>
 * mvn -q -ntp package -DskipTests
 * java -cp target/exchange-vss-exporter.jar:target/test-classes bench/StatusPageBenchmark.java [SERVERS] [ROUNDS]
 * </pre>
 */
public class StatusPageBenchmark {
    record Run(String name, double millis, int bytes) {}

    public static void main(String[] args) throws IOException {
        int servers = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 31;
        EngineSnapshot fleet = Fleet.of(servers);
        List<SourceStatus.Snapshot> sources = List.of(
                new SourceStatus.Snapshot("windows:WEF01", true, 50_000, 0, Fleet.NOW, Map.of()));
        BuildInfo build = new BuildInfo("bench", "bench");
        StatusPage pages = new StatusPage(() -> fleet, () -> sources, build);
        CollectorRegistry registry = new CollectorRegistry();
        registry.register(new ExporterCollector(() -> fleet, () -> sources, build));
        String oneServer = "/computer/" + fleet.computers().get(0).computer();
        ExporterHttpServer server = ExporterHttpServer.start(new HttpSettings(
                        HttpSettings.parseListenAddress("127.0.0.1:0"), "/metrics", WebConfig.NONE), new CollectorRegistry(),
                new ExporterCollector(() -> fleet, () -> sources, build), pages, Optional::empty, Optional::empty);
        URI fleetPage = URI.create("http://127.0.0.1:" + server.port() + "/");
        HttpClient client = HttpClient.newHttpClient();

        List<Run> runs = List.of(
                measure("/metrics text exposition (reference)", rounds, () -> {
                    StringWriter out = new StringWriter();
                    try {
                        TextFormat.write004(out, registry.metricFamilySamples());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return utf8(out.toString());
                }),
                measure("/ fleet page", rounds, () -> utf8(pages.respond("/", null, "/metrics").html())),
                measure("/?q=exch00&state=stuck", rounds,
                        () -> utf8(pages.respond("/", "q=exch00&state=stuck", "/metrics").html())),
                measure("/computer/NAME", rounds, () -> utf8(pages.respond(oneServer, null, "/metrics").html())),
                measure("GET / over HTTP", rounds, () -> get(client, fleetPage, "identity")),
                measure("GET / over HTTP, gzip (bytes sent)", rounds, () -> get(client, fleetPage, "gzip")));
        server.close();

        System.out.printf("%d servers; %d rounds after warm-up; %d cores; %s %s%n", servers, rounds,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"));
        System.out.printf("%n| %-38s | %9s | %9s | %13s |%n", "render", "median ms", "KiB", "vs /metrics");
        System.out.printf("|%s|%s|%s|%s|%n", "-".repeat(40), "-".repeat(11), "-".repeat(11), "-".repeat(15));
        double reference = runs.get(0).millis();
        for (Run r : runs) {
            System.out.printf("| %-38s | %9.2f | %9.0f | %12.2fx |%n", r.name(), r.millis(), r.bytes() / 1024.0,
                    r.millis() / reference);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The body as sent: gzipped when {@code encoding} is gzip. */
    private static byte[] get(HttpClient client, URI uri, String encoding) {
        try {
            HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(uri).header("Accept-Encoding", encoding)
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Warm-up, then the median of {@code rounds} renders: the machine is shared, so means and minima mislead. */
    private static Run measure(String name, int rounds, Supplier<byte[]> render) {
        int bytes = 0;
        for (int i = 0; i < Math.max(10, rounds); i++) {
            bytes = render.get().length;
        }
        double[] millis = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            long start = System.nanoTime();
            bytes = render.get().length;
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(millis);
        double median = rounds % 2 == 1 ? millis[rounds / 2] : (millis[rounds / 2 - 1] + millis[rounds / 2]) / 2;
        return new Run(name, median, bytes);
    }
}
