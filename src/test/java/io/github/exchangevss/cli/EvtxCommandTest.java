package io.github.exchangevss.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.exchangevss.evtx.EvtxWriter;
import io.github.exchangevss.evtx.KbEvtxFixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EvtxCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cmd = new CommandLine(new EvtxCommand());
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        return cmd.execute(args);
    }

    @Test
    void dumpsOneJsonObjectPerRecordWithTheGoldenKeys() throws Exception {
        Path file = EvtxWriter.write(dir.resolve("m3.evtx"),
                KbEvtxFixtures.method3(Instant.parse("2024-01-02T03:04:05.6789012Z"), 41));

        assertThat(run("dump", file.toString())).isZero();

        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.toString().split("\n")) {
            lines.add(new ObjectMapper().readTree(line));
        }
        assertThat(lines).hasSize(3);
        List<String> keys = new ArrayList<>();
        for (Iterator<String> it = lines.get(2).fieldNames(); it.hasNext(); ) {
            keys.add(it.next());
        }
        assertThat(keys).containsExactly("record_id", "time_created_us", "provider", "event_id", "qualifiers",
                "level", "channel", "computer", "data", "user_data", "binary");
        JsonNode refused = lines.get(2);
        assertThat(refused.get("record_id").asLong()).isEqualTo(43);
        assertThat(refused.get("event_id").asInt()).isEqualTo(9607);
        // the fixture steps 7.0012345 s per event: 03:04:05.6789012 + 14.002469 s = 03:04:19.6813702
        assertThat(refused.get("time_created_us").asLong()).isEqualTo(ChronoUnit.MICROS.between(Instant.EPOCH, Instant.parse("2024-01-02T03:04:19.681370Z")));
        assertThat(refused.get("binary").asText()).isEqualTo("4261636B757020696E2070726F67726573732E00");
        assertThat(lines.get(1).get("data").get(0).get("value").asText()).isEqualTo("Abort ignored");
        assertThat(lines.get(1).get("data").get(0).get("name").isNull()).isTrue();
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void dumpsXmlForPeople() throws Exception {
        Path file = EvtxWriter.write(dir.resolve("m2.evtx"), KbEvtxFixtures.method2(Instant.parse("2024-01-02T03:04:05Z"), 1));

        assertThat(run("dump", "--format", "xml", file.toString())).isZero();

        assertThat(out.toString())
                .contains("<Provider Name=\"MSExchangeIS\"/>")
                .contains("<EventID Qualifiers=\"49152\">9607</EventID>")
                .contains("<Binary>4261636B757020696E2070726F67726573732E00</Binary>")
                .contains("<Data>Exchange VSS Snapshot has aborted snapshot successfully</Data>");
    }

    @Test
    void aMissingFileIsAnErrorNamingIt() {
        assertThat(run("dump", dir.resolve("nope.evtx").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("nope.evtx");
    }

    @Test
    void aFileThatIsNotEvtxIsRefused() throws Exception {
        Path xml = Files.writeString(dir.resolve("app.evtx"), "<Event/>");
        Path empty = Files.write(dir.resolve("empty.evtx"), new byte[0]);
        for (Path file : List.of(xml, empty)) {
            assertThat(run("dump", file.toString())).as("dump %s", file).isEqualTo(1);
            assertThat(err.toString()).contains(file.toString(), "not an EVTX file");
        }
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void anUnknownFormatIsABadFlag() {
        assertThat(run("dump", "--format", "csv", "x.evtx")).isEqualTo(2);
        assertThat(err.toString()).contains("--format");
    }
}
