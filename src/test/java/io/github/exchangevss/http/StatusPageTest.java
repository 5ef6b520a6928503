package io.github.exchangevss.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.exchangevss.lifecycle.ComputerSnapshot;
import io.github.exchangevss.lifecycle.EngineSnapshot;
import io.github.exchangevss.lifecycle.EventCount;
import io.github.exchangevss.lifecycle.EvidenceEvent;
import io.github.exchangevss.lifecycle.ExchangeWriters;
import io.github.exchangevss.lifecycle.Outcome;
import io.github.exchangevss.lifecycle.Remediation;
import io.github.exchangevss.metrics.BuildInfo;
import io.github.exchangevss.scenario.Fleet;
import io.github.exchangevss.source.SourceStatus;
import io.github.exchangevss.metrics.ExporterCollector;
import io.prometheus.client.CollectorRegistry;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusPageTest {
    private static final Instant NOW = Instant.parse("2024-03-10T12:00:00Z");
    private static final Instant SET_AT = Instant.parse("2024-03-10T08:48:00Z");
    private static final Pattern COMPUTER_LINK = Pattern.compile("<a href=\"(/computer/[^\"]*)\">");

    private static ComputerSnapshot computer(String name, boolean inProgress, boolean stuck, Remediation remediation,
            Instant lastSuccess, List<EvidenceEvent> incident, List<EvidenceEvent> history) {
        Map<Outcome, Long> attempts = new EnumMap<>(Outcome.class);
        for (Outcome outcome : Outcome.values()) {
            attempts.put(outcome, (long) outcome.ordinal());
        }
        return new ComputerSnapshot(name, inProgress, inProgress ? SET_AT : null, stuck,
                stuck ? "9607 refused a backup while no backup was running" : null, remediation,
                remediation == null ? null : "9614 Abort ignored, then 9607 Backup in progress", attempts, lastSuccess,
                null, incident, history, NOW);
    }

    private static ComputerSnapshot computer(String name, boolean inProgress, boolean stuck, Remediation remediation) {
        return computer(name, inProgress, stuck, remediation, null, List.of(), List.of());
    }

    private static StatusPage page(List<ComputerSnapshot> computers, List<EventCount> events,
            List<SourceStatus.Snapshot> sources) {
        EngineSnapshot engine = new EngineSnapshot(NOW, computers, events);
        return new StatusPage(() -> engine, () -> sources, new BuildInfo("1.0.0", "abc<1>"));
    }

    private static String fleet(List<ComputerSnapshot> computers, String query) {
        return get(page(computers, List.of(), List.of()), "/", query);
    }

    private static String get(StatusPage page, String path, String query) {
        StatusPage.Response response = page.respond(path, query, "/metrics");
        assertThat(response.status()).as(path).isEqualTo(200);
        return response.html();
    }

    /** What the server's path decoding gives for a link on the page. */
    private static String path(String href) {
        return URI.create(href.replace("&amp;", "&")).getPath();
    }

    @Test
    void summaryCountsTheFleetAndTheTitleSaysHowManyAreStuck() {
        List<SourceStatus.Snapshot> sources = List.of(
                new SourceStatus.Snapshot("windows:EXCH01", true, 10, 0, NOW, Map.of()),
                new SourceStatus.Snapshot("windows:EXCH02", false, 0, 0, null, Map.of("connect", 1L)));
        List<EventCount> events = List.of(
                new EventCount("A", "MSExchangeIS", 9607, 2, 3, NOW.minus(Duration.ofHours(23))),
                new EventCount("B", "msexchangeis", 9607, 2, 1, NOW.minus(Duration.ofMinutes(5))),
                new EventCount("C", "MSExchangeIS", 9607, 2, 1, NOW.minus(Duration.ofHours(25))),
                new EventCount("D", "MSExchangeIS", 9608, 4, 1, NOW));
        String html = get(page(List.of(computer("A", true, true, Remediation.RESTART_INFORMATION_STORE),
                computer("B", true, true, Remediation.FIX_BACKUP_PROGRAM_CLEANUP),
                computer("C", true, false, Remediation.WAIT_FOR_RUNNING_BACKUP),
                computer("D", false, false, null)), events, sources), "/", null);
        assertThat(html).contains("<title>2 stuck · Exchange VSS</title>")
                .contains("<b>4</b> servers watched", "<b>2</b> stuck", "<b>1</b> backup in progress",
                        "<b>2</b> refused a backup in the last 24 h", "<b>1 of 2</b> sources up");
    }

    @Test
    void serversAreOrderedStuckThenInProgressThenOkAndByName() {
        String html = fleet(List.of(
                computer("A-OK", false, false, null),
                computer("B-STUCK", true, true, Remediation.RESTART_INFORMATION_STORE),
                computer("C-RUNNING", true, false, Remediation.WAIT_FOR_RUNNING_BACKUP),
                computer("A-STUCK", true, true, Remediation.FIX_BACKUP_PROGRAM_CLEANUP)), null);
        List<String> order = new ArrayList<>();
        Matcher link = COMPUTER_LINK.matcher(html);
        while (link.find()) {
            order.add(path(link.group(1)).substring("/computer/".length()));
        }
        assertThat(order).containsExactly("A-STUCK", "B-STUCK", "C-RUNNING", "A-OK");
    }

    @Test
    void rowShowsStateMethodSummaryRunbookAndTimesWithTheirAge() {
        String html = fleet(List.of(computer("EXCH01", true, true, Remediation.RESTART_INFORMATION_STORE,
                NOW.minus(Duration.ofDays(2).plusHours(5)), List.of(), List.of())), null);
        assertThat(html).contains("<span class=\"state stuck\">Stuck</span>")
                .contains("Method 2: restart the Information Store (<a href=\"/runbooks/"
                        + "ExchangeVssRestartInformationStoreRequired.md\">runbook</a>)")
                .contains("<time datetime=\"2024-03-10T08:48:00Z\">2024-03-10 08:48:00 UTC</time> "
                        + "<span class=\"age\">3 h 12 min ago</span>")
                .contains("2024-03-08 07:00:00 UTC</time> <span class=\"age\">2 d 5 h ago</span>")
                .contains("this page reloads every 15 s");
    }

    @Test
    void filterByTextAndStateHidesTheOtherRowsWithoutScripts() {
        List<ComputerSnapshot> computers = List.of(computer("exch-a.contoso.local", true, true,
                        Remediation.RESTART_INFORMATION_STORE), computer("EXCH-B.contoso.local", false, false, null),
                computer("mbx-c.fabrikam.local", false, false, null));
        String html = fleet(computers, "q=%20Contoso+&state=ok");
        assertThat(html).contains("<tr data-name=\"exch-b.contoso.local\" data-state=\"ok\"><td>")
                .contains("<tr data-name=\"exch-a.contoso.local\" data-state=\"stuck\" hidden>")
                .contains("<tr data-name=\"mbx-c.fabrikam.local\" data-state=\"ok\" hidden>")
                .contains("name=\"q\" value=\"Contoso\"").contains("<option value=\"ok\" selected>")
                .contains("Showing <span id=\"shown\">1</span> of 3 servers.");
        assertThat(fleet(computers, "state=bogus&q=%ZZ&x")).doesNotContain(" hidden>").contains("selected>") // the "all" option
                .contains("<span id=\"shown\">3</span>");
    }

    private static List<EventCount> replicationBackup(String computer, Instant last) {
        return List.of(new EventCount(computer, "MSExchangeRepl", 2021, 4, 3, last.minusSeconds(120)),
                new EventCount(computer, "MSExchangeRepl", 2034, 2, 1, last),
                new EventCount(computer, "MSExchangeRepl", 2110, 4, 3, last.minusSeconds(60)));
    }

    /** Exchange 2013 and later: rows of their own, counted in the summary, between the followed states and OK. */
    @Test
    void serversWithOnlyReplicationWriterEventsAreListedCountedAndFiltered() {
        List<EventCount> events = new ArrayList<>(replicationBackup("EX13-B", NOW.minus(Duration.ofMinutes(5))));
        events.addAll(replicationBackup("EX13-A", NOW.minus(Duration.ofHours(2))));
        // Both writers' events: an Exchange 2010 server with passive copies, followed by the lifecycle.
        events.addAll(replicationBackup("EX10", NOW));
        events.add(new EventCount("EX10", "MSExchangeIS", 9608, 4, 1, NOW));
        // MSExchangeIS events that are no writer events do not make a server followed.
        events.add(new EventCount("EX13-B", "MSExchangeIS", 1000, 4, 1, NOW.minus(Duration.ofHours(1))));
        StatusPage page = page(List.of(computer("EX10", false, false, null),
                computer("RUN", true, false, Remediation.WAIT_FOR_RUNNING_BACKUP),
                computer("STUCK", true, true, Remediation.RESTART_INFORMATION_STORE)), events, List.of());
        String html = get(page, "/", null);
        assertThat(html).contains("<title>1 stuck · Exchange VSS</title>", "<b>5</b> servers watched",
                "<a href=\"/?state=replication\"><b>2</b> Exchange 2013+, not followed by KB 910250</a>",
                "<option value=\"replication\">Exchange 2013+: not followed by KB 910250</option>",
                "Showing <span id=\"shown\">5</span> of 5 servers.");
        List<String> order = new ArrayList<>();
        COMPUTER_LINK.matcher(html).results().forEach(m -> order.add(path(m.group(1)).substring("/computer/".length())));
        assertThat(order).containsExactly("STUCK", "RUN", "EX13-A", "EX13-B", "EX10");
        assertThat(html).containsPattern("<tr data-name=\"ex13-b\" data-state=\"replication\"><td>[^\n]*"
                + "<span class=\"state replication\">Exchange 2013\\+: not followed by KB 910250</span>[^\n]*"
                + "href=\"/runbooks/ExchangeVssReplicationWriterError.md\"[^\n]*"
                + "<td>not followed</td><td>not followed</td><td><time datetime=\"2024-03-10T11:55:00Z\">[^\n]*"
                + "5 min ago");

        String filtered = get(page, "/", "state=replication&q=b");
        assertThat(filtered).contains("<tr data-name=\"ex13-b\" data-state=\"replication\"><td>")
                .contains("<tr data-name=\"ex13-a\" data-state=\"replication\" hidden>")
                .contains("<tr data-name=\"ex10\" data-state=\"ok\" hidden>")
                .contains("<option value=\"replication\" selected>")
                .contains("Showing <span id=\"shown\">1</span> of 5 servers.");
    }

    @Test
    void computerPageOfAReplicationOnlyServerSaysWhyKb910250DoesNotApplyAndWhatWatchesIt() {
        String hostile = "EX13<b>";
        List<EventCount> events = new ArrayList<>(replicationBackup(hostile, NOW.minus(Duration.ofMinutes(5))));
        events.add(new EventCount("OTHER", "MSExchangeRepl", 2034, 2, 9, NOW));
        StatusPage page = page(List.of(), events, List.of());
        String html = get(page, Html.computerPath(hostile).replace("%3C", "<").replace("%3E", ">"), null);
        assertThat(html).contains("<title>EX13&lt;b&gt;: Exchange 2013+: not followed by KB 910250 · Exchange VSS</title>")
                .contains("<h1>EX13&lt;b&gt; <span class=\"state replication\">")
                .contains(Html.escape(ExchangeWriters.REPLICATION_ONLY))
                .contains("<a href=\"/runbooks/ExchangeVssReplicationWriterError.md\">ExchangeVssReplicationWriterError</a>")
                .contains("<tr><td>MSExchangeRepl</td><td class=\"num\">2034</td><td class=\"num\">2</td>"
                        + "<td class=\"num\">1</td><td><time datetime=\"2024-03-10T11:55:00Z\">")
                .contains(">2021<", ">2110<").doesNotContain(">9<").doesNotContain("<b>")
                .contains("this page reloads every 15 s.");
        assertThat(page.respond("/computer/EX13", null, "/metrics").status()).isEqualTo(404);

        StatusPage wiki = new StatusPage(() -> new EngineSnapshot(NOW, List.of(), events), List::of,
                new BuildInfo("v", "r"), new Runbooks("https://wiki.example.com/vss/"));
        assertThat(get(wiki, "/computer/OTHER", null))
                .contains("href=\"https://wiki.example.com/vss/ExchangeVssReplicationWriterError.md\"");
        assertThat(get(wiki, "/", null))
                .contains("href=\"https://wiki.example.com/vss/ExchangeVssReplicationWriterError.md\"");
    }

    @Test
    void computerPageShowsTheIncidentNewestFirstTheRemedyWithItsWarningAndTheHistory() {
        ComputerSnapshot exch = computer("EXCH01", true, true, Remediation.RESTART_INFORMATION_STORE, null,
                List.of(new EvidenceEvent(NOW, 1004, 9607, "PrepareBackup refused", false),
                        new EvidenceEvent(SET_AT.plusSeconds(60), 1003, 9614, "Aborted snapshot", true),
                        new EvidenceEvent(SET_AT, 1002, 9608, "Prepared", true)),
                List.of(new EvidenceEvent(SET_AT.minusSeconds(3600), 1001, 9616, "Backup complete", false)));
        String html = get(page(List.of(exch), List.of(), List.of()), "/computer/EXCH01", null);
        assertThat(html).contains("<title>EXCH01: Stuck · Exchange VSS</title>")
                .contains("9607 refused a backup while no backup was running")
                .contains("KB 910250 Method 2: Restart the Microsoft Exchange Information Store service")
                .contains(Html.escape(Remediation.RESTART_INFORMATION_STORE.remedy()))
                .contains("<p class=\"warning\"><strong>Warning:</strong> Restarting the Information Store service"
                        + " dismounts this server&#39;s databases and disconnects its mailbox users")
                .contains("9614 Abort ignored, then 9607 Backup in progress")
                .contains("href=\"/runbooks/ExchangeVssBackupStuck.md\"")
                .contains("href=\"/runbooks/ExchangeVssRestartInformationStoreRequired.md\"")
                .contains("completed 0, aborted 1, refused 2, failed 3");
        int incident = html.indexOf("<h2>Current incident</h2>");
        int history = html.indexOf("<h2>History</h2>");
        assertThat(incident).isPositive().isLessThan(history);
        assertThat(html.indexOf(">1004<")).isGreaterThan(incident).isLessThan(html.indexOf(">1003<"));
        assertThat(html.indexOf(">1003<")).isLessThan(html.indexOf(">1002<"));
        assertThat(html.indexOf(">1001<")).isGreaterThan(history);
        assertThat(html).containsPattern("<tr class=\"setter\"><td>[^\n]*>1003<[^\n]*the attempt that set the flag")
                .doesNotContainPattern("<tr class=\"setter\"><td>[^\n]*>1004<");
    }

    @Test
    void method1HasNoWarningAndAnOkServerNoRemedy() {
        StatusPage page = page(List.of(computer("RUN", true, false, Remediation.WAIT_FOR_RUNNING_BACKUP),
                computer("FINE", false, false, null)), List.of(), List.of());
        assertThat(get(page, "/computer/RUN", null)).contains("Method 1").doesNotContain("class=\"warning\"")
                .contains("<span class=\"state running\">Backup in progress</span>");
        assertThat(get(page, "/computer/FINE", null)).doesNotContain("KB 910250").doesNotContain("Runbook:")
                .contains("<h2>Current incident</h2>\n<p>None.</p>");
    }

    @Test
    void unknownComputerOrPathAnswers404() {
        StatusPage page = page(List.of(computer("EXCH01", false, false, null)), List.of(), List.of());
        assertThat(page.respond("/computer/EXCH02", null, "/metrics").status()).isEqualTo(404);
        assertThat(page.respond("/computer/<b>x", null, "/metrics").html()).contains("&lt;b&gt;x")
                .doesNotContain("<b>x");
        assertThat(page.respond("/favicon.ico", null, "/metrics").status()).isEqualTo(404);
    }

    @Test
    void everyValueFromTheEventLogIsEscaped() {
        String hostile = "<script>alert(1)</script>\"'&";
        ComputerSnapshot exch = computer(hostile, true, true, Remediation.FIX_BACKUP_PROGRAM_CLEANUP, null,
                List.of(new EvidenceEvent(SET_AT, 7, 9607, "Error \"0x50d\" & <b>Backup in progress.</b>", false)),
                List.of());
        StatusPage page = page(List.of(exch), List.of(), List.of(
                new SourceStatus.Snapshot("xml:<evil>.xml", false, 0, 0, null, Map.of("kind<x>", 1L))));
        String fleet = get(page, "/", "q=%3Cscript%3E");
        assertThat(fleet).doesNotContain("<script>alert").doesNotContain("<evil>").doesNotContain("kind<x>")
                .doesNotContain("abc<1>").doesNotContain("value=\"<script>")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;")
                .contains("xml:&lt;evil&gt;.xml").contains("kind&lt;x&gt;: 1").contains("abc&lt;1&gt;");
        Matcher link = COMPUTER_LINK.matcher(fleet);
        assertThat(link.find()).isTrue();
        String detail = get(page, path(link.group(1)), null);
        assertThat(detail).doesNotContain("<script>alert").doesNotContain("<b>")
                .contains("Error &quot;0x50d&quot; &amp; &lt;b&gt;Backup in progress.&lt;/b&gt;");
    }

    /**
     * Names made of markup characters, quotes, slashes, percent signs and non-ASCII letters: the page's markup is
     * the same as with plain names (no name adds a tag, attribute or quote), and each link finds its server.
     */
    @Test
    void hostileNamesNeverChangeTheMarkupAndTheirLinksResolve() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        String alphabet = "<>\"'&/\\?#%;=+ .:-_aZ09éÄ中\u2028\t";
        for (int page = 0; page < 100; page++) {
            List<ComputerSnapshot> hostile = new ArrayList<>();
            List<ComputerSnapshot> plain = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                StringBuilder name = new StringBuilder().append((char) ('a' + i)); // distinct and in a known order
                for (int n = random.nextInt(12); n >= 0; n--) {
                    name.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                boolean stuck = random.nextBoolean();
                hostile.add(computer(name.toString(), stuck, stuck, stuck ? Remediation.RESTART_INFORMATION_STORE : null));
                plain.add(computer("plain" + (char) ('a' + i), stuck, stuck,
                        stuck ? Remediation.RESTART_INFORMATION_STORE : null));
            }
            String hostilePage = fleet(hostile, null);
            String plainPage = fleet(plain, null);
            for (char markup : "<>\"".toCharArray()) {
                assertThat(hostilePage.chars().filter(c -> c == markup).count()).as("'%s' with seed %d", markup, seed)
                        .isEqualTo(plainPage.chars().filter(c -> c == markup).count());
            }
            StatusPage server = page(hostile, List.of(), List.of());
            Matcher link = COMPUTER_LINK.matcher(hostilePage);
            while (link.find()) {
                StatusPage.Response detail = server.respond(path(link.group(1)), null, "/metrics");
                assertThat(detail.status()).as("%s with seed %d", link.group(1), seed).isEqualTo(200);
            }
        }
    }

    @Test
    void fleetOfThousandsFromTheEngineShowsEveryServerOnce() {
        EngineSnapshot fleet = Fleet.of(5000);
        StatusPage page = new StatusPage(() -> fleet, List::of, new BuildInfo("v", "r"));
        String html = get(page, "/", null);
        long stuck = fleet.computers().stream().filter(ComputerSnapshot::stuck).count();
        assertThat(stuck).isPositive();
        int replicationOnly = ExchangeWriters.replicationOnly(fleet.events()).size();
        assertThat(replicationOnly).isEqualTo(5000 / 100);
        assertThat(fleet.computers()).hasSize(5000 - replicationOnly);
        assertThat(html).contains("<title>" + stuck + " stuck · Exchange VSS</title>")
                .contains("<b>5000</b> servers watched")
                .contains("<b>" + replicationOnly + "</b> Exchange 2013+, not followed by KB 910250")
                .contains("Showing <span id=\"shown\">5000</span> of 5000 servers.");
        assertThat(COMPUTER_LINK.matcher(html).results().count()).isEqualTo(5000);
    }

    /** Over the real endpoint: the same pages, gzipped when asked; the gate, 405 and configured headers unchanged. */
    @Test
    void pagesAreGzippedWhenTheRequestAcceptsIt(@TempDir Path dir) throws Exception {
        EngineSnapshot fleet = Fleet.of(5000);
        AtomicReference<Optional<String>> notShown = new AtomicReference<>(Optional.of("the saved state is not loaded yet"));
        WebConfig headers = WebConfig.load(Files.writeString(dir.resolve("web.yml"),
                "http_server_config:\n  headers:\n    X-Frame-Options: DENY\n"));
        try (ExporterHttpServer server = ExporterHttpServer.start(new HttpSettings(
                        HttpSettings.parseListenAddress("127.0.0.1:0"), "/metrics", headers), new CollectorRegistry(),
                new ExporterCollector(() -> fleet, List::of, new BuildInfo("v", "r")),
                new StatusPage(() -> fleet, List::of, new BuildInfo("v", "r")), Optional::empty, notShown::get)) {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            String base = "http://127.0.0.1:" + server.port();
            HttpResponse<byte[]> early = client.send(HttpRequest.newBuilder(URI.create(base + "/"))
                    .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(early.statusCode()).isEqualTo(503);
            assertThat(new String(early.body(), StandardCharsets.UTF_8))
                    .isEqualTo("Not ready: the saved state is not loaded yet\n");
            notShown.set(Optional.empty());

            String stuck = fleet.computers().stream().filter(ComputerSnapshot::stuck).findFirst().orElseThrow().computer();
            String replicationOnly = ExchangeWriters.replicationOnly(fleet.events()).iterator().next();
            for (String path : List.of("/", "/?state=stuck", Html.computerPath(stuck), Html.computerPath(replicationOnly),
                    "/runbooks/", "/runbooks/ExchangeVssBackupStuck.md", "/computer/nobody")) {
                HttpResponse<String> plain = client.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                        HttpResponse.BodyHandlers.ofString());
                HttpResponse<byte[]> gzipped = client.send(HttpRequest.newBuilder(URI.create(base + path))
                        .header("Accept-Encoding", "br;q=1.0, gzip;q=0.8").build(), HttpResponse.BodyHandlers.ofByteArray());
                assertThat(plain.headers().firstValue("Content-Encoding")).as(path).isEmpty();
                assertThat(gzipped.headers().firstValue("Content-Encoding")).as(path).hasValue("gzip");
                for (HttpResponse<?> response : List.of(plain, gzipped)) {
                    assertThat(response.statusCode()).as(path).isEqualTo(plain.body().contains("<h1>Not found</h1>") ? 404 : 200);
                    assertThat(response.headers().firstValue("Vary")).as(path).hasValue("Accept-Encoding");
                    assertThat(response.headers().firstValue("X-Frame-Options")).as(path).hasValue("DENY");
                    assertThat(response.headers().firstValue("Content-Type")).as(path).hasValue("text/html; charset=utf-8");
                }
                try (InputStream body = new GZIPInputStream(new ByteArrayInputStream(gzipped.body()))) {
                    assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8)).as(path).isEqualTo(plain.body());
                }
                if (path.equals("/")) {
                    assertThat(gzipped.body().length).as("gzipped fleet page").isLessThan(plain.body().getBytes(StandardCharsets.UTF_8).length / 10);
                }
            }
            HttpResponse<String> refusedGzip = client.send(HttpRequest.newBuilder(URI.create(base + "/"))
                    .header("Accept-Encoding", "gzip;q=0, identity").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refusedGzip.headers().firstValue("Content-Encoding")).isEmpty();
            assertThat(refusedGzip.body()).contains("</html>");
            HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create(base + "/"))
                    .header("Accept-Encoding", "gzip").POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
            assertThat(post.body()).isEqualTo("Method not allowed");
            HttpResponse<String> head = client.send(HttpRequest.newBuilder(URI.create(base + "/"))
                    .header("Accept-Encoding", "gzip").method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.headers().firstValue("Content-Encoding")).hasValue("gzip");
            assertThat(head.body()).isEmpty();
        }
    }

    @Test
    void sourcesTableShowsUpReadMissedErrorsAndLastEvent() {
        String html = get(page(List.of(), List.of(), List.of(
                new SourceStatus.Snapshot("evtx:Application.evtx", true, 120, 4, SET_AT,
                        Map.of("malformed_event", 5L, "bad_chunk", 2L)),
                new SourceStatus.Snapshot("windows", false, 0, 0, null, Map.of()))), "/", null);
        assertThat(html).contains("No Exchange VSS writer events (MSExchangeIS or MSExchangeRepl) read yet.")
                .contains("<tr><td>evtx:Application.evtx</td><td>yes</td><td class=\"num\">120</td>"
                        + "<td class=\"num\">4</td><td>bad_chunk: 2, malformed_event: 5</td>"
                        + "<td><time datetime=\"2024-03-10T08:48:00Z\">2024-03-10 08:48:00 UTC</time> "
                        + "<span class=\"age\">3 h 12 min ago</span></td></tr>")
                .contains("<tr><td>windows</td><td><strong>no</strong></td><td class=\"num\">0</td>"
                        + "<td class=\"num\">0</td><td>none</td><td>none</td></tr>");
    }

    @Test
    void pagesSayTheyReloadAndReloadWithOrWithoutScripts() {
        StatusPage page = page(List.of(computer("EXCH01", false, false, null)), List.of(), List.of());
        assertThat(get(page, "/", null)).contains("<noscript><meta http-equiv=\"refresh\" content=\"15\"></noscript>")
                .contains("location.reload();\n  }, 15000);")
                .contains("this page reloads every 15 s (not while you type in the filter)");
        assertThat(get(page, "/computer/EXCH01", null)).contains("<head><meta charset=\"utf-8\"><meta name=\"viewport\""
                + " content=\"width=device-width\"><meta http-equiv=\"refresh\" content=\"15\"><title>")
                .contains("this page reloads every 15 s.").doesNotContain("<script");
        assertThat(get(page, "/runbooks/", null)).doesNotContain("http-equiv=\"refresh\"");
    }

    @Test
    void summaryLinksTheStateFilters() {
        assertThat(fleet(List.of(), null)).contains("<a href=\"/?state=stuck\"><b>0</b> stuck</a>")
                .contains("<a href=\"/?state=running\"><b>0</b> backup in progress</a>");
    }

    @Test
    void pageLinksTheTelemetryPathAndTheRunbooks() {
        String html = fleet(List.of(), null);
        assertThat(html).startsWith("<!DOCTYPE html>")
                .contains("<a href=\"/metrics\">Metrics</a>").contains("<a href=\"/runbooks/\">Runbooks</a>")
                .doesNotContain("<link").doesNotContain("src=");
    }

    @Test
    void runbookLinksFollowTheConfiguredBaseUrl() {
        EngineSnapshot engine = new EngineSnapshot(NOW, List.of(computer("EXCH01", true, true,
                Remediation.FIX_BACKUP_PROGRAM_CLEANUP)), List.of());
        StatusPage page = new StatusPage(() -> engine, List::of, new BuildInfo("v", "r"),
                new Runbooks("https://wiki.example.com/vss/"));
        assertThat(get(page, "/", null)).contains(
                "href=\"https://wiki.example.com/vss/ExchangeVssBackupProgramCleanupMissing.md\"");
        assertThat(get(page, "/computer/EXCH01", null))
                .contains("href=\"https://wiki.example.com/vss/ExchangeVssBackupStuck.md\"");
        for (String bad : List.of("", "wiki.example.com/", "https://wiki.example.com/vss", "javascript:x/")) {
            assertThatThrownBy(() -> new Runbooks(bad)).hasMessageContaining("web.runbook-url");
        }
    }
}
