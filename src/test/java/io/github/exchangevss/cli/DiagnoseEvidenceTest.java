package io.github.exchangevss.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.scenario.KbLog;
import io.github.exchangevss.scenario.WevtutilXml;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** diagnose shows the current incident first, newest first, the attempt that set the flag marked; then history. */
class DiagnoseEvidenceTest {
    @TempDir
    Path dir;

    /** A clean backup on Sunday, an abort after PrepareBackup on Monday, refusals on Tuesday and Wednesday. */
    private Path log() throws Exception {
        KbLog log = new KbLog("EXCH01.contoso.local", Instant.parse("2026-11-15T22:00:00Z"), 700);
        log.successfulBackup();
        log.after(Duration.ofDays(1)).backupStarted().volumeSnap().prepared().abortedSuccessfully();
        for (int night = 0; night < 2; night++) {
            log.after(Duration.ofDays(1)).backupStarted().abortIgnored().refused();
        }
        return WevtutilXml.write(dir.resolve("app.xml"), log.events());
    }

    private static String diagnose(String... args) {
        List<String> all = new ArrayList<>(List.of("diagnose"));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        assertThat(Cli.execute(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true),
                all.toArray(String[]::new))).isZero();
        return out.toString();
    }

    @Test
    void jsonListsTheIncidentNewestFirstWithTheFlagSetterMarkedAndTheHistoryApart() throws Exception {
        JsonNode c = new ObjectMapper().readTree(diagnose("--format", "json", log().toString())).get("computers").get(0);
        assertThat(c.get("remediation_method").asInt()).isEqualTo(2);
        List<String> incident = new ArrayList<>();
        c.get("incident").forEach(e -> incident.add(e.get("event_id").asInt() + (e.get("flag_setter").asBoolean() ? "*" : "")));
        assertThat(incident).containsExactly("9607", "9614", "9604", "9607", "9614", "9604", "9614*", "9608*", "9606*", "9604*");
        List<Integer> history = new ArrayList<>();
        c.get("history").forEach(e -> history.add(e.get("event_id").asInt()));
        assertThat(history).containsExactly(9616, 9648, 9612, 9610, 9608, 9606, 9604);
    }

    @Test
    void textShowsTheIncidentBeforeTheEarlierEvents() throws Exception {
        String text = diagnose(log().toString());
        int incident = text.indexOf("This incident, newest first");
        int earlier = text.indexOf("Earlier events, newest first");
        assertThat(incident).isPositive();
        assertThat(earlier).isGreaterThan(incident);
        String incidentPart = text.substring(incident, earlier);
        assertThat(incidentPart.lines().filter(l -> l.startsWith("  * "))).hasSize(4)
                .allMatch(l -> l.matches(".*  (9604|9606|9608|9614)  .*"));
        assertThat(incidentPart.lines().skip(1).findFirst().orElseThrow()).contains("9607");
    }
}
