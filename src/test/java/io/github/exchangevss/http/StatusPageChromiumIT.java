package io.github.exchangevss.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.exchangevss.lifecycle.ComputerSnapshot;
import io.github.exchangevss.lifecycle.EngineSnapshot;
import io.github.exchangevss.lifecycle.ExchangeWriters;
import io.github.exchangevss.lifecycle.Remediation;
import io.github.exchangevss.metrics.BuildInfo;
import io.github.exchangevss.metrics.ExporterCollector;
import io.github.exchangevss.scenario.Fleet;
import io.github.exchangevss.source.SourceStatus;
import io.prometheus.client.CollectorRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The status page of a 1,000-server fleet, read by the real lifecycle engine and served on a real port, in a real
 * headless Chromium: every server shown in its state (those of Exchange 2013 and later too), the filter typed into,
 * a server's link and the runbook links followed. Leaves a screenshot of the page in {@code target/status-page.png}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatusPageChromiumIT {
    private static final int SERVERS = 1000;
    private static final Path SCREENSHOT = Path.of("target", "status-page.png");

    private final EngineSnapshot fleet = Fleet.of(SERVERS);
    private ExporterHttpServer server;
    private Chromium chromium;
    private String base;

    @BeforeAll
    void startServerAndBrowser() throws Exception {
        List<SourceStatus.Snapshot> sources = List.of(
                new SourceStatus.Snapshot("windows:WEF01.contoso.local", true, 41_000, 0, Fleet.NOW, Map.of()));
        BuildInfo build = new BuildInfo("test", "test");
        server = ExporterHttpServer.start(new HttpSettings(HttpSettings.parseListenAddress("127.0.0.1:0"), "/metrics",
                        WebConfig.NONE), new CollectorRegistry(), new ExporterCollector(() -> fleet, () -> sources, build),
                new StatusPage(() -> fleet, () -> sources, build), Optional::empty, Optional::empty);
        base = "http://127.0.0.1:" + server.port();
        chromium = Chromium.start();
    }

    @AfterAll
    void stop() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static String label(ComputerSnapshot computer) {
        return ServerState.of(computer).label;
    }

    @Test
    void showsEveryServerInItsStateStuckFirst() throws Exception {
        chromium.open(base + "/");
        long stuck = fleet.computers().stream().filter(ComputerSnapshot::stuck).count();
        assertThat(stuck).isPositive();
        assertThat(chromium.evaluate("document.title").asText()).isEqualTo(stuck + " stuck · Exchange VSS");
        JsonNode rows = chromium.evaluate("Array.from(document.querySelectorAll('#servers tbody tr'))"
                + ".filter(r => r.offsetParent !== null)"
                + ".map(r => [r.cells[0].innerText, r.cells[1].innerText])");
        assertThat(rows).hasSize(SERVERS);
        Map<String, String> shown = new HashMap<>();
        rows.forEach(row -> shown.put(row.get(0).asText(), row.get(1).asText()));
        Map<String, String> expected = fleet.computers().stream()
                .collect(Collectors.toMap(ComputerSnapshot::computer, StatusPageChromiumIT::label));
        Set<String> replicationOnly = ExchangeWriters.replicationOnly(fleet.events());
        assertThat(replicationOnly).hasSize(SERVERS / 100);
        replicationOnly.forEach(name -> expected.put(name, ServerState.REPLICATION.label));
        assertThat(shown).isEqualTo(expected);
        for (int i = 0; i < rows.size(); i++) {
            assertThat(rows.get(i).get(1).asText()).as("row %d", i).isEqualTo(i < stuck ? "Stuck" : shown.get(rows.get(i).get(0).asText()));
        }
        Files.createDirectories(SCREENSHOT.getParent());
        Files.write(SCREENSHOT, chromium.screenshot());
    }

    @Test
    void filterHidesTheOtherRowsAsYouTypeAndKeepsItInTheAddress() throws Exception {
        chromium.open(base + "/");
        String text = "exch00";
        Set<String> expected = new TreeSet<>();
        for (ComputerSnapshot c : fleet.computers()) {
            if (c.stuck() && c.computer().toLowerCase(Locale.ROOT).contains(text)) {
                expected.add(c.computer());
            }
        }
        assertThat(expected).isNotEmpty().hasSizeLessThan(SERVERS / 10);
        // Typed and read in one script: the page's own reload cannot come in between.
        JsonNode result = chromium.evaluate("(() => { const f = document.getElementById('filter');"
                + " f.q.value = 'EXCH00'; f.q.dispatchEvent(new Event('input'));"
                + " f.state.value = 'stuck'; f.state.dispatchEvent(new Event('change'));"
                + " return { rows: Array.from(document.querySelectorAll('#servers tbody tr'))"
                + ".filter(r => r.offsetParent !== null).map(r => r.cells[0].innerText),"
                + " shown: document.getElementById('shown').innerText, search: location.search }; })()");
        assertThat(result.get("rows")).extracting(JsonNode::asText).containsExactlyElementsOf(expected);
        assertThat(result.get("shown").asText()).isEqualTo(String.valueOf(expected.size()));
        assertThat(result.get("search").asText()).isEqualTo("?q=EXCH00&state=stuck");

        // Without the script, the same address gives the same rows.
        chromium.send("Emulation.setScriptExecutionDisabled", Map.of("value", true));
        try {
            chromium.open(base + "/?q=EXCH00&state=stuck");
            JsonNode served = chromium.evaluate("Array.from(document.querySelectorAll('#servers tbody tr'))"
                    + ".filter(r => r.offsetParent !== null).map(r => r.cells[0].innerText)");
            assertThat(served).extracting(JsonNode::asText).containsExactlyElementsOf(expected);
        } finally {
            chromium.send("Emulation.setScriptExecutionDisabled", Map.of("value", false));
        }
    }

    @Test
    void aServersLinkLeadsToItsIncidentRemedyAndRunbook() throws Exception {
        chromium.open(base + "/?state=stuck");
        String name = chromium.evaluate("document.querySelector('#servers tbody tr:not([hidden]) a').innerText").asText();
        ComputerSnapshot computer = fleet.computers().stream().filter(c -> c.computer().equals(name)).findFirst()
                .orElseThrow();
        Remediation remediation = computer.remediation();
        assertThat(remediation).isNotNull();

        chromium.evaluate("document.querySelector('#servers tbody tr:not([hidden]) a').click()");
        chromium.awaitLoaded(url -> url.contains("/computer/"));
        assertThat(chromium.evaluate("document.querySelector('h1').innerText").asText()).startsWith(name);
        String text = chromium.evaluate("document.body.innerText").asText();
        assertThat(text).contains("Current incident", "History", remediation.kbTitle(), remediation.remedy());
        if (!remediation.warning().isEmpty()) {
            assertThat(text).contains("Warning: " + remediation.warning());
        }
        JsonNode incident = chromium.evaluate("Array.from(document.querySelectorAll('table'))[0]"
                + ".querySelectorAll('tr').length");
        assertThat(incident.asInt()).as("header and the incident's events").isEqualTo(computer.incident().size() + 1);

        String alert = Runbooks.alertName(remediation);
        chromium.evaluate("Array.from(document.querySelectorAll('a')).find(a => a.innerText === '" + alert
                + "').click()");
        chromium.awaitLoaded(url -> url.endsWith("/runbooks/" + alert + ".md"));
        assertThat(chromium.evaluate("document.querySelector('h1').innerText").asText()).isEqualTo(alert);
        assertThat(chromium.evaluate("document.body.innerText").asText()).contains("Mitigation");
    }

    @Test
    void anExchange2013ServersLinkSaysWhyKb910250DoesNotApply() throws Exception {
        chromium.open(base + "/?state=replication");
        JsonNode names = chromium.evaluate("Array.from(document.querySelectorAll('#servers tbody tr'))"
                + ".filter(r => r.offsetParent !== null).map(r => r.cells[0].innerText)");
        assertThat(names).extracting(JsonNode::asText)
                .containsExactlyElementsOf(ExchangeWriters.replicationOnly(fleet.events()));

        chromium.evaluate("document.querySelector('#servers tbody tr:not([hidden]) a').click()");
        chromium.awaitLoaded(url -> url.contains("/computer/"));
        assertThat(chromium.evaluate("document.querySelector('h1').innerText").asText())
                .startsWith(names.get(0).asText()).endsWith(ServerState.REPLICATION.label);
        assertThat(chromium.evaluate("document.body.innerText").asText()).contains(ExchangeWriters.REPLICATION_ONLY);

        String alert = Runbooks.REPLICATION_WRITER_ERROR;
        chromium.evaluate("Array.from(document.querySelectorAll('a')).find(a => a.innerText === '" + alert
                + "').click()");
        chromium.awaitLoaded(url -> url.endsWith("/runbooks/" + alert + ".md"));
        assertThat(chromium.evaluate("document.querySelector('h1').innerText").asText()).isEqualTo(alert);
    }

    @Test
    void everyRunbookLinkOnThePagesResolves() throws Exception {
        chromium.open(base + "/");
        Set<String> links = new TreeSet<>();
        chromium.evaluate("Array.from(document.querySelectorAll('a')).map(a => a.href)")
                .forEach(href -> links.add(href.asText()));
        chromium.open(base + "/runbooks/");
        chromium.evaluate("Array.from(document.querySelectorAll('main a')).map(a => a.href)")
                .forEach(href -> links.add(href.asText()));
        Set<String> runbooks = links.stream().filter(l -> l.contains("/runbooks/")).collect(Collectors.toCollection(TreeSet::new));
        assertThat(runbooks).as("the index and a runbook per alert").hasSizeGreaterThan(10);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (String link : runbooks) {
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(link)).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).as(link).isEqualTo(200);
            assertThat(page.body()).as(link).contains("<h1>");
        }
    }
}
