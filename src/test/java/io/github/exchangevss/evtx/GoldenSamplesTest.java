package io.github.exchangevss.evtx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.exchangevss.event.EventData;
import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.source.SourceError;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Parses every sample of the shared EVTX corpus and compares the result with its golden file under the
 * corpus README's rules: every golden record must be found (by record ID) and match.
 */
class GoldenSamplesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Path samplesDir() {
        String shared = System.getProperty("shared.dir", "../shared");
        return Paths.get(shared).toAbsolutePath().normalize().resolve("evtx-samples");
    }

    @TestFactory
    Stream<DynamicTest> everyGoldenRecordMatches() throws IOException {
        Path dir = samplesDir();
        assumeTrue(Files.isDirectory(dir), "EVTX samples not found at " + dir + " (set -Dshared.dir); skipped");
        List<Path> samples;
        try (Stream<Path> files = Files.list(dir)) {
            samples = files.filter(p -> p.toString().endsWith(".evtx")).sorted().toList();
        }
        assertThat(samples).isNotEmpty();
        return samples.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> checkSample(p)));
    }

    private static void checkSample(Path sample) throws IOException {
        List<SourceError> errors = new ArrayList<>();
        List<EventRecord> records = new ArrayList<>();
        try (EvtxReader reader = new EvtxReader(sample, errors::add)) {
            for (EventRecord r = reader.next(); r != null; r = reader.next()) {
                records.add(r);
            }
        }
        List<JsonNode> golden = readGolden(Path.of(sample + ".golden.jsonl.gz"));
        Map<Long, List<EventRecord>> byId = new HashMap<>();
        for (EventRecord r : records) {
            byId.computeIfAbsent(r.recordId(), k -> new ArrayList<>()).add(r);
        }
        List<String> mismatches = new ArrayList<>();
        int matched = 0;
        for (JsonNode g : golden) {
            List<EventRecord> candidates = byId.getOrDefault(g.get("record_id").asLong(), List.of());
            String firstProblem = "no record with this record_id";
            EventRecord hit = null;
            for (EventRecord candidate : candidates) {
                String problem = compare(g, candidate);
                if (problem == null) {
                    hit = candidate;
                    break;
                }
                firstProblem = problem;
            }
            if (hit != null) {
                candidates.remove(hit);
                matched++;
            } else {
                mismatches.add("record_id " + g.get("record_id") + ": " + firstProblem);
            }
        }
        Map<String, Integer> errorKinds = new TreeMap<>();
        errors.forEach(e -> errorKinds.merge(e.kind(), 1, Integer::sum));
        System.out.printf("GOLDEN %s: golden=%d matched=%d read=%d errors=%s%n",
                sample.getFileName(), golden.size(), matched, records.size(), errorKinds);
        errors.forEach(e -> System.out.println("  " + e));
        assertThat(mismatches).as("golden records not matched in " + sample.getFileName()).isEmpty();
        assertThat(records.size()).as("records read").isGreaterThanOrEqualTo(golden.size());
    }

    static List<JsonNode> readGolden(Path gz) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(gz)), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (!line.isBlank()) {
                    out.add(JSON.readTree(line));
                }
            }
        }
        return out;
    }

    /** Null when {@code r} matches the golden record {@code g} under the README's rules, else the first difference. */
    static String compare(JsonNode g, EventRecord r) {
        long goldenUs = g.get("time_created_us").asLong();
        Instant t = r.timeCreated();
        long us = Math.floorDiv(t.getEpochSecond() * 1_000_000L + t.getNano() / 1000, 1);
        if (Math.abs(us - goldenUs) > 1000) {
            return "time_created_us " + us + " != " + goldenUs;
        }
        String diff = differ("provider", text(g, "provider"), r.provider());
        diff = diff != null ? diff : differ("event_id", g.get("event_id").asInt(), r.eventId());
        diff = diff != null ? diff : differ("qualifiers", integer(g, "qualifiers"), r.qualifiers());
        diff = diff != null ? diff : differ("level", integer(g, "level"), r.level());
        diff = diff != null ? diff : differ("channel", text(g, "channel"), r.channel());
        diff = diff != null ? diff : differ("computer", text(g, "computer"), r.computer());
        diff = diff != null ? diff : differ("user_data", g.get("user_data").asBoolean(), r.userData());
        if (diff != null) {
            return diff;
        }
        String binary = text(g, "binary");
        if (binary != null && !binary.equals(r.binaryHex())) {
            return "binary " + r.binaryHex() + " != " + binary;
        }
        JsonNode data = g.get("data");
        List<EventData> ours = r.data();
        if (data.size() != ours.size()) {
            return "data has " + ours.size() + " elements, golden " + data.size() + ": " + ours;
        }
        boolean compareValues = g.get("values_agree").asBoolean();
        for (int i = 0; i < data.size(); i++) {
            JsonNode d = data.get(i);
            EventData e = ours.get(i);
            if (!Objects.equals(text(d, "name"), e.name())) {
                return "data[" + i + "] name " + e.name() + " != " + text(d, "name");
            }
            if (compareValues && !sameValue(d.get("value").asText(), e.value())) {
                return "data[" + i + "] (" + e.name() + ") value '" + e.value() + "' != '" + d.get("value").asText() + "'";
            }
        }
        return null;
    }

    private static boolean sameValue(String golden, String ours) {
        String a = golden.strip().toLowerCase(Locale.ROOT);
        String b = ours.strip().toLowerCase(Locale.ROOT);
        if (a.startsWith("0x") && b.startsWith("0x")) {
            try {
                return Long.parseUnsignedLong(a.substring(2), 16) == Long.parseUnsignedLong(b.substring(2), 16);
            } catch (NumberFormatException e) {
                return a.equals(b);
            }
        }
        return a.equals(b);
    }

    private static String differ(String field, Object golden, Object ours) {
        return Objects.equals(golden, ours) ? null : field + " " + ours + " != " + golden;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Integer integer(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asInt();
    }
}
