package io.github.exchangevss.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.exchangevss.lifecycle.ComputerSnapshot;
import io.github.exchangevss.lifecycle.EngineSnapshot;
import io.github.exchangevss.lifecycle.EvidenceEvent;
import io.github.exchangevss.lifecycle.Outcome;
import io.github.exchangevss.lifecycle.Remediation;
import io.github.exchangevss.metrics.BuildInfo;
import io.github.exchangevss.source.SourceStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusPageTest {
    private static final Instant NOW = Instant.parse("2024-03-10T12:00:00Z");
    private static final Instant SET_AT = Instant.parse("2024-03-10T02:00:00Z");

    private static ComputerSnapshot computer(String name, boolean inProgress, boolean stuck, Remediation remediation,
            Instant lastSuccess, List<EvidenceEvent> evidence) {
        Map<Outcome, Long> attempts = new EnumMap<>(Outcome.class);
        for (Outcome outcome : Outcome.values()) {
            attempts.put(outcome, (long) outcome.ordinal());
        }
        return new ComputerSnapshot(name, inProgress, inProgress ? SET_AT : null, stuck,
                stuck ? "9607 refused a backup while no backup was running" : null, remediation,
                remediation == null ? null : "9614 Abort ignored, then 9607 Backup in progress", attempts, lastSuccess,
                null, evidence, List.of(), NOW);
    }

    private static String render(List<ComputerSnapshot> computers, List<SourceStatus.Snapshot> sources) {
        EngineSnapshot engine = new EngineSnapshot(NOW, computers, List.of());
        return new StatusPage(() -> engine, () -> sources, new BuildInfo("1.0.0", "abc<1>")).render("/metrics");
    }

    @Test
    void everyValueFromTheEventLogIsEscaped() {
        String html = render(List.of(computer("<script>alert(1)</script>", true, true,
                        Remediation.FIX_BACKUP_PROGRAM_CLEANUP, null,
                        List.of(new EvidenceEvent(SET_AT, 7, 9607, "Error \"0x50d\" & <b>Backup in progress.</b>", false)))),
                List.of(new SourceStatus.Snapshot("xml:<evil>.xml", false, 0, 0, null, Map.of("kind<x>", 1L))));
        assertThat(html).doesNotContain("<script>").doesNotContain("<b>").doesNotContain("<evil>")
                .doesNotContain("kind<x>").doesNotContain("abc<1>")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .contains("Error &quot;0x50d&quot; &amp; &lt;b&gt;Backup in progress.&lt;/b&gt;")
                .contains("xml:&lt;evil&gt;.xml").contains("kind&lt;x&gt;: 1").contains("abc&lt;1&gt;");
    }

    @Test
    void stuckComputerShowsReasonMethodRemedyDiagnosisEvidenceAndRunbooks() {
        String html = render(List.of(computer("EXCH01", true, true, Remediation.RESTART_INFORMATION_STORE, null,
                List.of(new EvidenceEvent(SET_AT, 1001, 9614, "Abort ignored", true),
                        new EvidenceEvent(NOW, 1002, 9607, "Backup in progress.", false)))), List.of());
        assertThat(html).contains("STUCK")
                .contains("since 2024-03-10 02:00:00 UTC (10 h 0 min)")
                .contains("9607 refused a backup while no backup was running")
                .contains(StatusPage.escape(Remediation.RESTART_INFORMATION_STORE.kbTitle()))
                .contains(StatusPage.escape(Remediation.RESTART_INFORMATION_STORE.remedy()))
                .contains("9614 Abort ignored, then 9607 Backup in progress")
                .contains("<td>2024-03-10 02:00:00 UTC</td><td class=\"num\">1001</td><td class=\"num\">9614</td>"
                        + "<td>Abort ignored</td>")
                .contains("href=\"" + Runbooks.url("ExchangeVssBackupStuck") + "\"")
                .contains("href=\"" + Runbooks.url("ExchangeVssRestartInformationStoreRequired") + "\"")
                .contains("Last successful backup: none seen")
                .contains("completed 0, aborted 1, refused 2, failed 3");
    }

    @Test
    void inProgressComputerLinksTheWaitRunbookAndIsNotStuck() {
        String html = render(List.of(computer("EXCH02", true, false, Remediation.WAIT_FOR_RUNNING_BACKUP, NOW,
                List.of())), List.of());
        assertThat(html).contains("Backup in progress</span>").doesNotContain("STUCK")
                .contains("href=\"" + Runbooks.url("ExchangeVssBackupRunningRefusal") + "\"")
                .doesNotContain(Runbooks.url("ExchangeVssBackupStuck"))
                .contains("Last successful backup: 2024-03-10 12:00:00 UTC");
    }

    @Test
    void longRunningFlagIsShownInDays() {
        Instant weekAgo = NOW.minus(Duration.ofDays(7).plusHours(3));
        ComputerSnapshot stale = new ComputerSnapshot("EXCH05", true, weekAgo, true, "no progress", null, null,
                Map.of(), null, null, List.of(), List.of(), NOW);
        assertThat(render(List.of(stale), List.of())).contains("(7 d 3 h)");
    }

    @Test
    void okComputerHasNoRemedy() {
        String html = render(List.of(computer("EXCH03", false, false, null, NOW, List.of())), List.of());
        assertThat(html).contains("class=\"state ok\">OK</span>").doesNotContain("KB 910250")
                .doesNotContain("Diagnosis").doesNotContain(Runbooks.BASE_URL).doesNotContain("<caption>Evidence");
    }

    @Test
    void cleanupMissingLinksItsRunbook() {
        String html = render(List.of(computer("EXCH04", true, true, Remediation.FIX_BACKUP_PROGRAM_CLEANUP, null,
                List.of())), List.of());
        assertThat(html).contains("href=\"" + Runbooks.url("ExchangeVssBackupProgramCleanupMissing") + "\"");
    }

    @Test
    void computersAreOrderedStuckThenInProgressThenOkAndByName() {
        String html = render(List.of(
                computer("A-OK", false, false, null, NOW, List.of()),
                computer("B-STUCK", true, true, Remediation.RESTART_INFORMATION_STORE, null, List.of()),
                computer("C-RUNNING", true, false, Remediation.WAIT_FOR_RUNNING_BACKUP, null, List.of()),
                computer("A-STUCK", true, true, Remediation.FIX_BACKUP_PROGRAM_CLEANUP, null, List.of())), List.of());
        assertThat(html.indexOf("<h3>A-STUCK")).isPositive()
                .isLessThan(html.indexOf("<h3>B-STUCK"));
        assertThat(html.indexOf("<h3>B-STUCK")).isLessThan(html.indexOf("<h3>C-RUNNING"));
        assertThat(html.indexOf("<h3>C-RUNNING")).isLessThan(html.indexOf("<h3>A-OK"));
    }

    @Test
    void sourcesTableShowsUpReadMissedErrorsAndLastEvent() {
        String html = render(List.of(), List.of(
                new SourceStatus.Snapshot("evtx:Application.evtx", true, 120, 4, SET_AT,
                        Map.of("malformed_event", 5L, "bad_chunk", 2L)),
                new SourceStatus.Snapshot("windows", false, 0, 0, null, Map.of())));
        assertThat(html).contains("No MSExchangeIS VSS writer events read yet.")
                .contains("<tr><td>evtx:Application.evtx</td><td>yes</td><td class=\"num\">120</td>"
                        + "<td class=\"num\">4</td><td>bad_chunk: 2, malformed_event: 5</td>"
                        + "<td>2024-03-10 02:00:00 UTC</td></tr>")
                .contains("<tr><td>windows</td><td><strong>no</strong></td><td class=\"num\">0</td>"
                        + "<td class=\"num\">0</td><td>none</td><td>none</td></tr>");
    }

    @Test
    void pageRefreshesItselfAndLinksTheTelemetryPath() {
        String html = render(List.of(), List.of());
        assertThat(html).startsWith("<!DOCTYPE html>")
                .contains("<meta http-equiv=\"refresh\" content=\"15\">")
                .contains("<a href=\"/metrics\">Metrics</a>")
                .doesNotContain("<script").doesNotContain("<link");
    }
}
