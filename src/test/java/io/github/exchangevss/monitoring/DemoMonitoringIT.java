package io.github.exchangevss.monitoring;

import static io.github.exchangevss.monitoring.MonitoringContent.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.exchangevss.FreePort;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/demo.md's one command, run as written with {@code --fast}: the demo, the Debian Prometheus with the shipped
 * rules (every {@code for:} cut to 10 s) and Alertmanager with the example routing, notifying the demo's webhook.
 */
class DemoMonitoringIT {
    private static final Path SCRIPT = ROOT.resolve("packaging/demo/run-monitoring.sh");
    private static final Duration WAIT = Duration.ofSeconds(150);

    @TempDir
    Path tmp;

    @Test
    void stuckMethod2AndMethod3AndTheReplicationWriterErrorNotifyTheirReceiversOnce() throws Exception {
        requireTool("prometheus", "prometheus");
        requireTool("prometheus-alertmanager", "prometheus-alertmanager");
        assertThat(ROOT.resolve("target/exchange-vss-exporter.jar")).as("the shaded jar (mvn package)").exists();
        int prometheusPort = FreePort.get();
        Path output = tmp.resolve("run-monitoring.out");
        Process script = new ProcessBuilder("bash", SCRIPT.toString(), "--fast", "--dir", tmp.resolve("work").toString(),
                "--exporter-port", String.valueOf(FreePort.get()), "--prometheus-port", String.valueOf(prometheusPort),
                "--alertmanager-port", String.valueOf(FreePort.get()), "--webhook-port", String.valueOf(FreePort.get()))
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            Pattern method2 = notification("exchange-team", "ExchangeVssBackupStuck", "warning", "EXCH02", "2");
            Pattern method3 = notification("backup-team", "ExchangeVssBackupStuck", "warning", "EXCH03", "3");
            // EXCH05 runs Exchange 2013 or later: its writer error is watched by ID instead of the KB lifecycle.
            Pattern replication = Pattern.compile("NOTIFY receiver=exchange-team status=firing"
                    + " alertname=ExchangeVssReplicationWriterError severity=warning computer=EXCH05\\.demo\\.contoso\\.local\\b");
            String printed = awaitOutput(output, script, method2, method3, replication);
            assertThat(printed).contains("Restart the Microsoft Exchange Information Store service on EXCH02.demo.contoso.local");
            assertThat(count(printed, method2)).as("notifications of EXCH02's stuck alert").isEqualTo(1);
            assertThat(count(printed, method3)).as("notifications of EXCH03's stuck alert").isEqualTo(1);
            // The method alerts fire in Prometheus too, but the stuck alert inhibits their notifications.
            for (String alert : List.of("ExchangeVssRestartInformationStoreRequired", "ExchangeVssBackupProgramCleanupMissing")) {
                assertThat(firing(prometheusPort, alert)).as(alert + " firing in Prometheus").isPositive();
                assertThat(printed).as("notifications").doesNotContain("alertname=" + alert);
            }
            assertThat(printed).doesNotContain("alertname=ExchangeVssBackupRefused");
        } finally {
            script.destroy();
            if (!script.waitFor(20, TimeUnit.SECONDS)) {
                script.descendants().forEach(ProcessHandle::destroyForcibly);
                script.destroyForcibly();
            }
        }
    }

    private static Pattern notification(String receiver, String alert, String severity, String server, String method) {
        return Pattern.compile("NOTIFY receiver=" + receiver + " status=firing alertname=" + alert + " severity="
                + severity + " computer=" + server + "\\.demo\\.contoso\\.local method=" + method + "\\b");
    }

    private static long count(String text, Pattern pattern) {
        return pattern.matcher(text).results().count();
    }

    private static String awaitOutput(Path output, Process script, Pattern... expected) throws Exception {
        Instant deadline = Instant.now().plus(WAIT);
        String printed = "";
        while (Instant.now().isBefore(deadline)) {
            printed = Files.exists(output) ? Files.readString(output) : "";
            String text = printed;
            if (List.of(expected).stream().allMatch(p -> p.matcher(text).find())) {
                // A few more group intervals for a second notification to show up, if the routing sent one.
                Thread.sleep(Duration.ofSeconds(15).toMillis());
                return Files.readString(output);
            }
            if (!script.isAlive()) {
                fail("run-monitoring.sh ended with " + script.exitValue() + ":\n" + printed);
            }
            Thread.sleep(1000);
        }
        fail("Waited " + WAIT.toSeconds() + " s for " + List.of(expected) + " in the output of run-monitoring.sh:\n" + printed);
        return printed;
    }

    private static int firing(int prometheusPort, String alert) throws IOException, InterruptedException {
        String query = URLEncoder.encode("ALERTS{alertname=\"" + alert + "\",alertstate=\"firing\"}", StandardCharsets.UTF_8);
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + prometheusPort + "/api/v1/query?query=" + query)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = new ObjectMapper().readTree(response.body());
        return body.at("/data/result").size();
    }
}
