package io.github.exchangevss.monitoring;

import static io.github.exchangevss.monitoring.MonitoringContent.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.sun.net.httpserver.HttpServer;
import io.github.exchangevss.FreePort;
import io.github.exchangevss.event.EventData;
import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.scenario.KbLog;
import io.github.exchangevss.scenario.WevtutilXml;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitoring content against the real thing: the shaded exporter jar follows an event export that turns into
 * a stuck Method 2 backup, a real Prometheus scrapes it with the project's rules, and a real Alertmanager, with the
 * example configuration's routes and inhibitions, notifies a webhook inside this test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MonitoringStackIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String EXCH01 = "EXCH01.contoso.local";
    private static final String EXCH02 = "EXCH02.contoso.local";
    private static final String EXCH04 = "EXCH04.contoso.local";
    private static final Path JAR = ROOT.resolve("target/exchange-vss-exporter.jar");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Process> processes = new ArrayList<>();
    private final List<Notification> notifications = new CopyOnWriteArrayList<>();
    private HttpServer webhook;
    private Path events;
    private long recordId = 1000;
    private String exporter;
    private String prometheus;
    private String alertmanager;

    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<JsonNode> pagerDutyEvents = new CopyOnWriteArrayList<>();

    private record Notification(String receiver, JsonNode alert) {}

    /** One webhook call: a notification of one group to one receiver. */
    private record Call(String receiver, Set<String> computers) {}

    @BeforeAll
    void startStack() throws Exception {
        Path prometheusBinary = requireTool("prometheus", "prometheus");
        Path alertmanagerBinary = requireTool("prometheus-alertmanager", "prometheus-alertmanager");
        assertThat(JAR).as("the shaded jar (mvn package)").exists();

        startWebhook();
        Path eventDir = Files.createDirectories(tmp.resolve("events"));
        events = eventDir.resolve("application.xml");
        writeHistory(Instant.now());

        exporter = "127.0.0.1:" + FreePort.get();
        start("exporter", List.of(javaBinary(), "-jar", JAR.toString(), "serve", "--source", "xml:" + eventDir,
                "--source.follow", "--web.listen-address=" + exporter,
                "--storage.path=" + Files.createDirectories(tmp.resolve("state"))));

        alertmanager = "127.0.0.1:" + FreePort.get();
        Path amConfig = tmp.resolve("alertmanager.yml");
        Files.writeString(amConfig, alertmanagerConfig(webhook.getAddress().getPort()));
        start("alertmanager", List.of(alertmanagerBinary.toString(), "--config.file=" + amConfig,
                "--storage.path=" + Files.createDirectories(tmp.resolve("am-data")),
                "--web.listen-address=" + alertmanager, "--cluster.listen-address="));

        prometheus = "127.0.0.1:" + FreePort.get();
        Path rules = tmp.resolve("exchange-vss.rules.yml");
        Files.writeString(rules, withShortForDurations(Files.readString(RULES)));
        Path promConfig = tmp.resolve("prometheus.yml");
        Files.writeString(promConfig, """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files: [%s]
                alerting:
                  alertmanagers:
                    - static_configs: [{targets: ['%s']}]
                scrape_configs:
                  - job_name: exchange-vss
                    static_configs: [{targets: ['%s']}]
                """.formatted(rules, alertmanager, exporter));
        start("prometheus", List.of(prometheusBinary.toString(), "--config.file=" + promConfig,
                "--storage.tsdb.path=" + Files.createDirectories(tmp.resolve("prom-data")),
                "--web.listen-address=" + prometheus));

        // The refusals must come after Prometheus has seen the state before them: counters and "new" events are
        // judged from what it has scraped.
        awaitValue("exchange_vss_backup_in_progress{computer=\"" + EXCH02 + "\"}", 1);
        awaitValue("exchange_vss_backup_in_progress{computer=\"" + EXCH04 + "\"}", 1);
        Instant now = Instant.now();
        append(event(EXCH02, 9604, now, null), event(EXCH02, 9607, now.plusMillis(200), "0x50d"));
        append(event(EXCH04, 9604, now, null), event(EXCH04, 9607, now.plusMillis(200), "0x50d"));
    }

    @AfterAll
    void stopStack() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        if (webhook != null) {
            webhook.stop(0);
        }
    }

    @Test
    void stuckAlertPagesWithTheMethodAndTheRunbook() throws Exception {
        Notification stuck = awaitNotification("ExchangeVssBackupStuck", EXCH02);
        assertThat(stuck.receiver()).isEqualTo("on-call-pager");
        JsonNode labels = stuck.alert().path("labels");
        assertThat(labels.path("severity").asText()).isEqualTo("critical");
        assertThat(labels.path("method").asText()).isEqualTo("2");
        assertThat(labels.path("action").asText()).isEqualTo("restart_information_store");
        JsonNode annotations = stuck.alert().path("annotations");
        String runbook = annotations.path("runbook_url").asText();
        assertThat(runbook).isEqualTo("http://" + exporter + "/runbooks/ExchangeVssBackupStuck.md");
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(runbook)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).as(runbook).isEqualTo(200);
        assertThat(page.body()).contains("<h1>ExchangeVssBackupStuck</h1>");
        assertThat(annotations.path("description").asText())
                .contains(EXCH02, "KB 910250 Method 2", "Restart the Microsoft Exchange Information Store service");
    }

    @Test
    void theMethodAlertIsInhibitedByTheStuckAlertAndTheRefusalNeverFires() throws Exception {
        awaitNotification("ExchangeVssBackupStuck", EXCH02);
        JsonNode method2 = await("ExchangeVssRestartInformationStoreRequired of " + EXCH02 + " in Alertmanager", () -> {
            JsonNode alerts = get("http://" + alertmanager + "/api/v2/alerts?filter="
                    + encode("alertname=\"ExchangeVssRestartInformationStoreRequired\"") + "&filter="
                    + encode("computer=\"" + EXCH02 + "\""));
            return alerts.size() == 1 ? Optional.of(alerts.get(0)) : Optional.empty();
        });
        assertThat(method2.at("/status/state").asText()).isEqualTo("suppressed");
        assertThat(method2.at("/status/inhibitedBy")).isNotEmpty();
        // The refusal is explained by the stuck judgement, so it never even becomes pending in Prometheus.
        assertThat(get("http://" + prometheus + "/api/v1/alerts").at("/data/alerts").findValuesAsText("alertname"))
                .doesNotContain("ExchangeVssBackupRefused");
        assertThat(notifications).noneMatch(n -> computer(n).equals(EXCH02)
                && !n.alert().at("/labels/alertname").asText().equals("ExchangeVssBackupStuck"));
    }

    /**
     * The stuck server is one incident: one page with the method and the remedy, mapped to PagerDuty's critical,
     * and nothing to the e-mail receivers, however often Alertmanager flushes the group meanwhile.
     */
    @Test
    void aStuckServerIsOneNotificationPerReceiverWithTheRemedy() throws Exception {
        awaitNotification("ExchangeVssBackupStuck", EXCH02);
        JsonNode page = await("the PagerDuty event of " + EXCH02, () -> pagerDutyEvents.stream()
                .filter(e -> e.at("/payload/summary").asText().contains(EXCH02)).findFirst());
        // Several group intervals (5 s here) for any second notification to show up.
        Thread.sleep(Duration.ofSeconds(20).toMillis());
        Map<String, Long> callsPerReceiver = new java.util.TreeMap<>();
        for (Call call : calls) {
            if (call.computers().contains(EXCH02)) {
                callsPerReceiver.merge(call.receiver(), 1L, Long::sum);
            }
        }
        assertThat(callsPerReceiver).as("webhook notifications about " + EXCH02 + " per receiver")
                .containsExactly(Map.entry("on-call-pager", 1L));
        assertThat(pagerDutyEvents.stream().filter(e -> e.at("/payload/summary").asText().contains(EXCH02)))
                .as("PagerDuty events about " + EXCH02).hasSize(1);
        assertThat(page.at("/event_action").asText()).isEqualTo("trigger");
        assertThat(page.at("/payload/severity").asText()).isEqualTo("critical");
        assertThat(page.at("/payload/summary").asText()).contains("ExchangeVssBackupStuck", "KB 910250 Method 2");
        assertThat(page.at("/payload/custom_details/text").asText())
                .contains("Restart the Microsoft Exchange Information Store service on " + EXCH02);
    }

    @Test
    void refusalWhileABackupRunsIsInformationOnly() throws Exception {
        Notification info = awaitNotification("ExchangeVssBackupRunningRefusal", EXCH04);
        assertThat(info.receiver()).isEqualTo("exchange-info");
        assertThat(info.alert().at("/labels/severity").asText()).isEqualTo("info");
        awaitNotification("ExchangeVssBackupStuck", EXCH02);
        assertThat(notifications).noneMatch(n -> n.receiver().equals("on-call-pager") && computer(n).equals(EXCH04));
    }

    @Test
    void everyDashboardQueryAndRecordingRuleReturnsData() throws Exception {
        awaitNotification("ExchangeVssBackupStuck", EXCH02);
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put("__rate_interval", "1m");
        variables.put("__range", "1h");
        variables.put("job", "exchange-vss");
        variables.put("instance", ".*");
        variables.put("computer", ".*");
        Map<String, String> exprs = dashboardExpressions(dashboard(), variables);
        for (JsonNode rule : rules()) {
            if (rule.has("record")) {
                exprs.put("recording rule " + rule.path("record").asText(), rule.path("expr").asText());
            }
        }
        List<String> empty = new ArrayList<>();
        for (Map.Entry<String, String> e : exprs.entrySet()) {
            JsonNode response = query(e.getValue());
            assertThat(response.path("status").asText()).as(e.getKey() + ": " + e.getValue() + " -> " + response).isEqualTo("success");
            if (response.at("/data/result").isEmpty()) {
                empty.add(e.getKey() + ": " + e.getValue());
            }
        }
        assertThat(empty).as("queries without data").isEmpty();
    }

    @Test
    void everyAlertExpressionParsesAndTheMetricsItNamesHaveData() throws Exception {
        awaitNotification("ExchangeVssBackupStuck", EXCH02);
        for (JsonNode rule : rules()) {
            if (!rule.has("alert")) {
                continue;
            }
            String name = rule.path("alert").asText();
            String expr = rule.path("expr").asText();
            assertThat(query(expr).path("status").asText()).as(name + ": " + expr).isEqualTo("success");
            for (String metric : metricNames(expr)) {
                assertThat(query("count(" + metric + ")").at("/data/result")).as(name + " names " + metric).isNotEmpty();
            }
        }
    }

    @Test
    void theDemoExposesEveryMetricTheDashboardAndRulesName() throws Exception {
        String demo = "127.0.0.1:" + FreePort.get();
        start("demo", List.of(javaBinary(), "-jar", JAR.toString(), "demo", "--web.listen-address=" + demo));
        Set<String> named = new HashSet<>();
        dashboardExpressions(dashboard(), Map.of()).values().forEach(e -> named.addAll(metricNames(e)));
        rules().forEach(r -> named.addAll(metricNames(r.path("expr").asText())));
        rules().stream().filter(r -> r.has("record")).forEach(r -> named.remove(r.path("record").asText()));
        named.remove("up");
        // The demo's first complete backup (a few seconds in) brings the last of its series.
        String metrics = await("the demo's first completed backup on /metrics", () -> {
            String body = fetch("http://" + demo + "/metrics");
            return body.contains("exchange_vss_last_successful_backup_timestamp_seconds{") ? Optional.of(body) : Optional.empty();
        });
        Set<String> exposed = new HashSet<>();
        for (String line : metrics.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                // A family without samples yet (source errors: a kind appears with its first error) is still declared.
                String[] type = line.split(" ");
                String family = type[2];
                exposed.add(family);
                switch (type[3]) {
                    case "counter" -> exposed.add(family.endsWith("_total") ? family : family + "_total");
                    case "histogram" -> exposed.addAll(List.of(family + "_bucket", family + "_sum", family + "_count"));
                    default -> { }
                }
            } else if (!line.isEmpty() && !line.startsWith("#")) {
                exposed.add(line.split("[{ ]", 2)[0]);
            }
        }
        assertThat(exposed).as("metrics on the demo's /metrics").containsAll(named);
    }

    // ---- the scenario ---------------------------------------------------------------------------------------

    /**
     * EXCH01: a store restart and a complete backup an hour ago. EXCH02: a backup aborted after PrepareBackup three
     * hours ago (9608, 9614), leaving the flag set. EXCH04: a backup running now. One malformed event.
     */
    private void writeHistory(Instant now) throws IOException {
        Instant t = now.minus(Duration.ofHours(2));
        append(event(EXCH01, 9600, t, null));
        t = now.minus(Duration.ofHours(1));
        for (int id : new int[] {9604, 9606, 9608, 9610, 9612, 9648, 9616}) {
            append(event(EXCH01, id, t, null));
            t = t.plus(Duration.ofMinutes(2));
        }
        t = now.minus(Duration.ofHours(3));
        append(event(EXCH02, 9604, t, null), event(EXCH02, 9606, t.plusSeconds(10), null),
                event(EXCH02, 9608, t.plusSeconds(20), null),
                event(EXCH02, 9614, t.plusSeconds(60), "Exchange VSS Snapshot has aborted snapshot successfully"));
        t = now.minus(Duration.ofMinutes(5));
        append(event(EXCH04, 9604, t, null), event(EXCH04, 9606, t.plusSeconds(10), null),
                event(EXCH04, 9608, t.plusSeconds(20), null), event(EXCH04, 9610, now.minusSeconds(30), null));
        append("<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
                + "<Provider Name='MSExchangeIS'/><EventID>not-a-number</EventID></System></Event>\r\n");
    }

    /** One event as {@code wevtutil qe Application /f:xml} writes it. */
    private String event(String computer, int id, Instant time, String data) {
        boolean refusal = id == 9607;
        return WevtutilXml.render(EventRecord.builder().provider("MSExchangeIS").eventId(id)
                .qualifiers(refusal ? 49152 : 16384).level(refusal ? 2 : 4).task(8).timeCreated(time)
                .recordId(++recordId).channel("Application").computer(computer)
                .data(data == null ? List.of() : List.of(EventData.unnamed(data)))
                .binary(refusal ? KbLog.BACKUP_IN_PROGRESS : null).build()) + "\r\n";
    }

    private void append(String... xml) throws IOException {
        Files.writeString(events, String.join("", xml), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /** The rules as shipped, with every {@code for:} cut to one second so the alerts fire within the test. */
    static String withShortForDurations(String rules) {
        String shortened = rules.replaceAll("(?m)^(\\s+)for: \\S+$", "$1for: 1s");
        assertThat(shortened).as("rules with for: durations").isNotEqualTo(rules);
        return shortened;
    }

    /**
     * The example Alertmanager configuration and its template, with every e-mail receiver replaced by this test's
     * webhook; the pager keeps its PagerDuty configuration, sent to the test's webhook instead of PagerDuty's
     * Events API, and gets a webhook beside it.
     */
    private static String alertmanagerConfig(int webhookPort) throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        ObjectNode config = (ObjectNode) yaml.readTree(ALERTMANAGER.toFile());
        ArrayNode templates = config.putArray("templates");
        for (JsonNode template : yaml.readTree(ALERTMANAGER.toFile()).path("templates")) {
            Path copy = tmp.resolve(template.asText());
            Files.copy(ALERTMANAGER.resolveSibling(template.asText()), copy);
            templates.add(copy.toString());
        }
        ObjectNode route = (ObjectNode) config.path("route");
        route.put("group_wait", "5s");
        route.put("group_interval", "5s");
        String base = "http://127.0.0.1:" + webhookPort + "/";
        ArrayNode receivers = yaml.createArrayNode();
        for (JsonNode receiver : config.path("receivers")) {
            String name = receiver.path("name").asText();
            ObjectNode webhookReceiver = receivers.addObject().put("name", name);
            webhookReceiver.putArray("webhook_configs").addObject().put("url", base + name).put("send_resolved", false);
            if (receiver.has("pagerduty_configs")) {
                ArrayNode pagerDuty = webhookReceiver.putArray("pagerduty_configs");
                for (JsonNode pd : receiver.path("pagerduty_configs")) {
                    pagerDuty.add(((ObjectNode) pd.deepCopy()).put("url", base + "pagerduty").put("send_resolved", false));
                }
            }
        }
        config.set("receivers", receivers);
        return yaml.writeValueAsString(config);
    }

    // ---- plumbing -------------------------------------------------------------------------------------------

    private void startWebhook() throws IOException {
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/", exchange -> {
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            String receiver = exchange.getRequestURI().getPath().substring(1);
            Set<String> computers = new HashSet<>();
            body.path("alerts").forEach(a -> {
                notifications.add(new Notification(receiver, a));
                computers.add(a.at("/labels/computer").asText());
            });
            calls.add(new Call(receiver, computers));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        webhook.createContext("/pagerduty", exchange -> {
            pagerDutyEvents.add(JSON.readTree(exchange.getRequestBody()));
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
        });
        webhook.start();
    }

    private Notification awaitNotification(String alertname, String computer) throws Exception {
        return await(alertname + " of " + computer + " at the webhook",
                () -> notifications.stream().filter(n -> isAlert(n, alertname, computer)).findFirst());
    }

    private static boolean isAlert(Notification n, String alertname, String computer) {
        return n.alert().at("/labels/alertname").asText().equals(alertname) && computer(n).equals(computer);
    }

    private static String computer(Notification n) {
        return n.alert().at("/labels/computer").asText();
    }

    private void awaitValue(String expr, double value) throws Exception {
        await(expr + " == " + value + " in Prometheus", () -> {
            JsonNode result = query(expr).at("/data/result");
            return result.size() == 1 && result.get(0).at("/value/1").asDouble() == value ? Optional.of(true) : Optional.empty();
        });
    }

    @FunctionalInterface
    private interface Probe<T> {
        Optional<T> get() throws Exception;
    }

    /** Polls until the probe answers, failing after {@link #WAIT} with the processes' last output. */
    private <T> T await(String what, Probe<T> probe) throws Exception {
        Instant deadline = Instant.now().plus(WAIT);
        Exception last = null;
        while (Instant.now().isBefore(deadline)) {
            try {
                Optional<T> result = probe.get();
                last = null;
                if (result.isPresent()) {
                    return result.get();
                }
            } catch (IOException e) {
                last = e; // not up yet, or restarting: try again
            }
            Thread.sleep(500);
        }
        fail("Waited " + WAIT.toSeconds() + " s for " + what + (last == null ? "" : " (last error: " + last + ")")
                + "\nnotifications: " + notifications + logs());
        return null;
    }

    private JsonNode query(String expr) throws IOException, InterruptedException {
        return get("http://" + prometheus + "/api/v1/query?query=" + encode(expr));
    }

    private JsonNode get(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    private String fetch(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private void start(String name, List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).directory(tmp.toFile()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve(name + ".log").toFile()).start();
        processes.add(process);
    }

    private String logs() {
        StringBuilder out = new StringBuilder();
        for (String name : List.of("exporter", "prometheus", "alertmanager", "demo")) {
            Path log = tmp.resolve(name + ".log");
            try {
                if (Files.exists(log)) {
                    List<String> lines = Files.readAllLines(log);
                    out.append("\n--- ").append(name).append(" (last lines)\n")
                            .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
                }
            } catch (IOException e) {
                out.append("\n--- ").append(name).append(": ").append(e.getMessage());
            }
        }
        return out.toString();
    }


    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
