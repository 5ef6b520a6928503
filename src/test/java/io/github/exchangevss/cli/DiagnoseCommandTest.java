package io.github.exchangevss.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.evtx.EvtxWriter;
import io.github.exchangevss.scenario.KbSituation;
import io.github.exchangevss.scenario.KbSituation.Expected;
import io.github.exchangevss.scenario.WevtutilXml;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DiagnoseCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    record Run(int exitCode, String out, String err) {
        JsonNode json() throws IOException {
            return JSON.readTree(out);
        }
    }

    static Run diagnose(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("diagnose"));
        all.addAll(List.of(args));
        int code = Cli.execute(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    static List<KbSituation> situations() {
        return KbSituation.all();
    }

    /** The report lists computers by name. */
    private static void assertComputers(JsonNode report, List<Expected> unordered) {
        List<Expected> expected = unordered.stream().sorted(Comparator.comparing(Expected::computer)).toList();
        JsonNode computers = report.get("computers");
        assertThat(computers).as("computers in %s", report).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            Expected want = expected.get(i);
            JsonNode got = computers.get(i);
            assertThat(got.get("computer").asText()).isEqualTo(want.computer());
            assertThat(got.get("backup_in_progress").asBoolean()).as("%s backup_in_progress", want.computer())
                    .isEqualTo(want.backupInProgress());
            assertThat(got.get("stuck").asBoolean()).as("%s stuck", want.computer()).isEqualTo(want.stuck());
            JsonNode method = got.get("remediation_method");
            assertThat(method.isNull() ? null : method.asInt()).as("%s remediation_method", want.computer())
                    .isEqualTo(want.method());
            assertThat(JSON.convertValue(got.get("attempts"), new TypeReference<Map<String, Long>>() {}))
                    .as("%s attempts", want.computer()).isEqualTo(want.attempts());
        }
    }

    private Path xml(String name, List<EventRecord> events) throws IOException {
        return WevtutilXml.write(dir.resolve(name + ".xml"), events);
    }

    private Path evtx(String name, List<EventRecord> events) throws IOException {
        return EvtxWriter.write(dir.resolve(name + ".evtx"), events);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("situations")
    void jsonOnXmlGivesTheKbStateAndMethodForEveryComputer(KbSituation situation) throws IOException {
        Run run = diagnose("--format", "json", xml("log", situation.events()).toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode report = run.json();
        assertComputers(report, situation.expected());
        assertThat(report.get("errors")).isEmpty();
        assertThat(report.get("files").get(0).get("events").asLong()).isEqualTo(situation.events().size());
        // Judged by the log's own clock: the newest event.
        assertThat(report.get("evaluated_at").asText())
                .isEqualTo(situation.events().get(situation.events().size() - 1).timeCreated().toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("situations")
    void evtxGivesTheSameReportAsXml(KbSituation situation) throws IOException {
        Run fromXml = diagnose("--format", "json", xml("log", situation.events()).toString());
        Run fromEvtx = diagnose("--format", "json", evtx("log", situation.events()).toString());
        assertThat(fromEvtx.exitCode()).as(fromEvtx.err()).isZero();
        JsonNode evtxReport = fromEvtx.json();
        assertComputers(evtxReport, situation.expected());
        assertThat(withoutFiles(evtxReport)).isEqualTo(withoutFiles(fromXml.json()));
        assertThat(evtxReport.get("files").get(0).get("events").asLong()).isEqualTo(situation.events().size());
    }

    private static JsonNode withoutFiles(JsonNode report) {
        ObjectNode copy = report.deepCopy();
        copy.remove("files");
        return copy;
    }

    @Nested
    class Text {
        @Test
        void namesTheComputerTheStateTheMethodAndTheRemedy() throws IOException {
            Run run = diagnose(xml("m2", KbSituation.method2With9604s().events()).toString());
            assertThat(run.exitCode()).isZero();
            assertThat(run.out()).contains("EXCH-M2.contoso.local: STUCK", "Method 2",
                    "Restart the Microsoft Exchange Information Store service", "9607");
        }

        @Test
        void saysWhenNoWriterEventsAreInTheLog() throws IOException {
            List<EventRecord> onlyOthers = KbSituation.otherProvidersIgnored().events().stream()
                    .filter(e -> !e.provider().equals("MSExchangeIS")).toList();
            Run run = diagnose(xml("others", onlyOthers).toString());
            assertThat(run.exitCode()).isZero();
            assertThat(run.out()).contains("No MSExchangeIS VSS writer events were found");
        }
    }

    @Nested
    class NotEventLogs {
        @Test
        void aFileThatIsNotAnEventLogIsNamedExitsOneAndTheOthersAreStillDiagnosed() throws IOException {
            byte[] random = new byte[4096];
            new java.util.Random(7).nextBytes(random);
            Path noise = Files.write(dir.resolve("noise.bin"), random);
            Path empty = Files.write(dir.resolve("empty.xml"), new byte[0]);
            Path pom = Files.writeString(dir.resolve("pom.xml"), "<?xml version='1.0'?><project><modelVersion>4.0.0"
                    + "</modelVersion><dependencies><dependency/></dependencies></project>");
            Path gz = dir.resolve("m2.xml.gz");
            try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
                out.write(Files.readAllBytes(xml("m2", KbSituation.method2With9604s().events())));
            }
            Path m3 = evtx("m3", KbSituation.method3().events());
            for (Path bad : List.of(noise, empty, pom, gz)) {
                Run run = diagnose("--format", "json", bad.toString(), m3.toString());
                assertThat(run.exitCode()).as("%s: %s", bad, run.err()).isEqualTo(1);
                assertThat(run.err()).contains(bad.toString(), "not an event log").doesNotContain("Exception");
                assertComputers(run.json(), KbSituation.method3().expected());
            }
        }

        @Test
        void anEncodingThatCannotBeReadIsAnErrorOfThatFile() throws IOException {
            Path good = xml("m3", KbSituation.method3().events());
            for (String encoding : List.of("ISO-2022-CN", "x-JISAutoDetect")) {
                Path bad = Files.writeString(dir.resolve(encoding + ".xml"), "<?xml version='1.0' encoding='"
                        + encoding + "'?>\n" + Files.readString(xml("m2", KbSituation.method2With9604s().events())));
                Run run = diagnose("--format", "json", bad.toString(), good.toString());
                assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
                assertThat(run.err()).contains("cannot read " + bad, encoding).doesNotContain("Exception");
                assertComputers(run.json(), KbSituation.method3().expected());
            }
        }
    }

    @Nested
    class Directories {
        @Test
        void aDirectoryIsReadLikeTheFileSourceReadsIt() throws IOException {
            KbSituation several = KbSituation.severalComputers();
            Path exports = Files.createDirectory(dir.resolve("exports"));
            WevtutilXml.write(exports.resolve("a.xml"), several.events().subList(0, several.events().size() / 2));
            EvtxWriter.write(exports.resolve("b.evtx"), several.events().subList(several.events().size() / 2,
                    several.events().size()));
            Files.writeString(exports.resolve(".hidden.xml"), "not read");
            Run run = diagnose("--format", "json", exports.toString());
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertComputers(run.json(), several.expected());
            assertThat(run.json().get("files")).extracting(f -> f.get("path").asText())
                    .containsExactly(exports.resolve("a.xml").toString(), exports.resolve("b.evtx").toString());
        }

        @Test
        void eventsOutOfOrderAcrossFilesGiveTheSameReport() throws IOException {
            for (KbSituation situation : KbSituation.all()) {
                List<EventRecord> events = situation.events();
                int half = events.size() / 2;
                // The newer half first, and each file backwards: only sorting can put them right.
                List<EventRecord> newer = new ArrayList<>(events.subList(half, events.size()));
                List<EventRecord> older = new ArrayList<>(events.subList(0, half));
                java.util.Collections.reverse(newer);
                java.util.Collections.reverse(older);
                Run run = diagnose("--format", "json", xml("newer", newer).toString(), xml("older", older).toString());
                assertThat(run.exitCode()).as(run.err()).isZero();
                assertComputers(run.json(), situation.expected());
            }
        }
    }

    @Nested
    class SeveralFiles {
        @Test
        void aMissingFileIsNamedExitsOneAndTheOtherFilesAreStillDiagnosed() throws IOException {
            Path missing = dir.resolve("not-exported.xml");
            Path m3 = evtx("m3", KbSituation.method3().events());
            Run run = diagnose("--format", "json", missing.toString(), m3.toString());
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err()).contains("cannot read " + missing + ": no such file");
            assertComputers(run.json(), KbSituation.method3().expected());
        }

        @Test
        void theSameLogExportedTwiceIsCountedOnce() throws IOException {
            KbSituation several = KbSituation.severalComputers();
            Run run = diagnose("--format", "json", xml("app", several.events()).toString(),
                    evtx("app", several.events()).toString());
            assertThat(run.exitCode()).isZero();
            assertComputers(run.json(), several.expected());
        }

        @Test
        void xmlAndEvtxOfDifferentServersMakeOneReport() throws IOException {
            KbSituation m2 = KbSituation.method2AsTheKbTable();
            KbSituation ok = KbSituation.successfulBackup();
            Run run = diagnose("--format", "json", xml("m2", m2.events()).toString(), evtx("ok", ok.events()).toString());
            assertThat(run.exitCode()).isZero();
            List<Expected> both = new ArrayList<>(m2.expected());
            both.addAll(ok.expected());
            assertComputers(run.json(), both);
        }
    }

    @Nested
    class DamagedInput {
        @Test
        void aMalformedEventInTheMiddleIsReportedAndTheRestDiagnosed() throws IOException {
            KbSituation m3 = KbSituation.method3();
            List<String> lines = new ArrayList<>(List.of(WevtutilXml.render(m3.events()).split("\r\n")));
            // The old attempt's 9606: losing it must not change the diagnosis.
            int broken = 1;
            assertThat(lines.get(broken)).contains(">9606<");
            lines.set(broken, lines.get(broken).replace(">9606<", ">96O6<"));
            Path file = Files.writeString(dir.resolve("damaged.xml"), String.join("\r\n", lines), StandardCharsets.UTF_8);

            Run run = diagnose("--format", "json", file.toString());
            assertThat(run.exitCode()).as(run.err()).isZero();
            JsonNode report = run.json();
            assertComputers(report, m3.expected());
            assertThat(report.get("errors")).hasSize(1);
            assertThat(report.get("errors").get(0).get("location").asText()).contains(file.toString());
            assertThat(report.get("files").get(0).get("events").asLong()).isEqualTo(m3.events().size() - 1);
            assertThat(report.get("files").get(0).get("errors").asLong()).isEqualTo(1);

            Run text = diagnose(file.toString());
            assertThat(text.out()).contains("1 problems", file.toString(), "EXCH-M3.contoso.local: STUCK");
        }
    }

    @Nested
    class WrongArguments {
        @Test
        void anUnknownFormatExitsTwoNamingTheOption() throws IOException {
            Run run = diagnose("--format", "yaml", xml("ok", KbSituation.successfulBackup().events()).toString());
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains("--format", "yaml");
        }

        @Test
        void aBadDurationExitsTwoNamingTheFlag() throws IOException {
            Run run = diagnose("--backup.stuck-after=6x", xml("ok", KbSituation.successfulBackup().events()).toString());
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains("--backup.stuck-after", "6x");
        }

        @Test
        void noFileExitsTwo() {
            Run run = diagnose();
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains("FILE");
        }
    }

    /** Exchange 2013 and later: only MSExchangeRepl writer events. diagnose says the KB's lifecycle does not apply. */
    @Test
    void aServerWithOnlyReplicationServiceWriterEventsIsExplained() throws IOException {
        List<EventRecord> events = new ArrayList<>();
        long recordId = 1;
        for (int id : new int[] {2021, 2023, 2110, 2034}) {
            events.add(EventRecord.builder().channel("Application").provider("MSExchangeRepl").eventId(id)
                    .level(id == 2034 ? 2 : 4).timeCreated(java.time.Instant.parse("2026-03-02T01:00:00Z").plusSeconds(recordId))
                    .recordId(recordId++).computer("EXCH13.contoso.local").build());
        }
        Path export = Files.writeString(dir.resolve("exch13.xml"), WevtutilXml.render(events), StandardCharsets.UTF_8);
        Run text = diagnose(export.toString());
        assertThat(text.exitCode()).isZero();
        assertThat(text.out()).contains("EXCH13.contoso.local: NOT WATCHED BY KB 910250", "Exchange 2013 or later",
                "MSExchangeRepl");
        JsonNode json = diagnose("--format", "json", export.toString()).json();
        assertThat(json.at("/replication_writer_only/0/computer").asText()).isEqualTo("EXCH13.contoso.local");
        assertThat(json.path("computers")).isEmpty();
    }
}
