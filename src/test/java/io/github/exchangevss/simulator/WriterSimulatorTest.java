package io.github.exchangevss.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.exchangevss.cli.Cli;
import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.lifecycle.ComputerSnapshot;
import io.github.exchangevss.lifecycle.EngineSnapshot;
import io.github.exchangevss.lifecycle.LifecycleEngine;
import io.github.exchangevss.lifecycle.LifecycleSettings;
import io.github.exchangevss.lifecycle.Remediation;
import io.github.exchangevss.persistence.Restart;
import io.github.exchangevss.persistence.StateStore;
import io.github.exchangevss.runtime.ExporterRuntime;
import io.github.exchangevss.scenario.WevtutilXml;
import io.github.exchangevss.source.file.FileSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine against the writer simulator: every check of every simulated server must match the truth the
 * simulator knows by construction, read event by event, with a save and restore in the middle, through
 * {@code serve}'s file source and through {@code diagnose}. {@code -Dsimulator.seed=N} replays one run.
 */
class WriterSimulatorTest {
    private static final long SEED = Long.getLong("simulator.seed", System.nanoTime());
    private static final int FLEETS = 20;
    private static final int SERVERS = 100;
    private static final int NIGHTS = 21;

    @TempDir
    Path dir;

    private static LifecycleEngine engine() {
        return new LifecycleEngine(LifecycleSettings.DEFAULTS, () -> {
            throw new AssertionError("the simulator judges at explicit times");
        });
    }

    private static String replay(long seed) {
        return " (replay with -Dsimulator.seed=" + seed + ")";
    }

    @Test
    void everyServerIsDiagnosedRightWithAndWithoutARestart() throws IOException {
        Random random = new Random(SEED);
        Score all = new Score();
        for (int f = 0; f < FLEETS; f++) {
            Fleet fleet = Fleet.generate(random.nextLong(), SERVERS, NIGHTS);
            all.add(replay(fleet, -1, "the engine"));
            int restoreAt = random.nextInt(fleet.events().size());
            all.add(replay(fleet, restoreAt, "the engine restored after event " + restoreAt));
        }
        System.out.printf("Writer simulator, %d fleets of %d servers over %d nights, seed %d:%n%s", FLEETS, SERVERS,
                NIGHTS, SEED, all.table());
        assertThat(all.firstWrong()).as("%d of %d checks wrong%s:%n%s", all.wrongCount(), all.judged(),
                replay(SEED), all.table()).isEmpty();
        assertThat(all.judged()).isGreaterThan((long) FLEETS * SERVERS * NIGHTS * 2);
    }

    /** Applies the fleet's events in order, judging each check once every event up to its time is applied. */
    private Score replay(Fleet fleet, int restoreAt, String how) throws IOException {
        Score score = new Score();
        LifecycleEngine engine = engine();
        List<EventRecord> events = fleet.events();
        List<Check> checks = fleet.checks();
        int next = 0;
        for (int i = 0; i <= events.size(); i++) {
            Instant upTo = i < events.size() ? events.get(i).timeCreated() : Instant.MAX;
            while (next < checks.size() && checks.get(next).at().isBefore(upTo)) {
                Check check = checks.get(next++);
                score.judge(fleet, check, engine.snapshotAt(check.at(), check.computer()).orElse(null), how);
            }
            if (i == restoreAt) {
                engine = savedAndLoaded(engine);
            }
            if (i < events.size()) {
                engine.apply(events.get(i));
            }
        }
        return score;
    }

    private static Map<String, ComputerSnapshot> byName(EngineSnapshot snapshot) {
        Map<String, ComputerSnapshot> byName = new HashMap<>();
        snapshot.computers().forEach(c -> byName.put(c.computer(), c));
        return byName;
    }

    private LifecycleEngine savedAndLoaded(LifecycleEngine engine) throws IOException {
        return Restart.savedAndLoaded(engine, dir, WriterSimulatorTest::engine);
    }

    @Test
    void saveAndLoadAtAnyPointGivesTheSameStateAsReadingStraightThrough() throws IOException {
        Random random = new Random(SEED);
        for (int run = 0; run < 300; run++) {
            long seed = random.nextLong();
            Fleet fleet = Fleet.generate(seed, 4, 10);
            List<EventRecord> events = fleet.events();
            int split = random.nextInt(events.size() + 1);
            LifecycleEngine straight = engine();
            events.forEach(straight::apply);
            LifecycleEngine first = engine();
            events.subList(0, split).forEach(first::apply);
            LifecycleEngine second = savedAndLoaded(first);
            events.subList(split, events.size()).forEach(second::apply);
            for (Instant at : List.of(fleet.end(), events.get(events.size() - 1).timeCreated(),
                    events.get(Math.min(split, events.size() - 1)).timeCreated())) {
                assertThat(second.snapshotAt(at)).as("%s split after %d events, judged at %s%s", fleet, split, at,
                        replay(SEED)).isEqualTo(straight.snapshotAt(at));
            }
        }
    }

    @Test
    void serveAndDiagnoseReadTheFleetsExportedFilesRight() throws Exception {
        Random random = new Random(SEED);
        Score all = new Score();
        for (int f = 0; f < 3; f++) {
            Fleet fleet = Fleet.generate(random.nextLong(), 40, 14);
            Path logs = Files.createDirectories(dir.resolve("fleet" + f));
            List<Path> files = export(fleet, logs, random);

            Map<String, ComputerSnapshot> served = serve(fleet, logs, Optional.empty());
            fleet.finalChecks().forEach(c -> all.judge(fleet, c, served.get(c.computer()), "serve"));

            // The same export arriving in two rounds, the exporter restarted in between.
            Path rounds = Files.createDirectories(dir.resolve("rounds" + f));
            Optional<StateStore> store = Optional.of(new StateStore(dir.resolve("storage" + f)));
            List<EventRecord> events = withLogClock(fleet);
            int half = random.nextInt(events.size());
            WevtutilXml.write(rounds.resolve("1.xml"), events.subList(0, half));
            serve(fleet, rounds, store);
            WevtutilXml.write(rounds.resolve("2.xml"), events.subList(half, events.size()));
            Map<String, ComputerSnapshot> restarted = serve(fleet, rounds, store);
            fleet.finalChecks().forEach(c -> all.judge(fleet, c, restarted.get(c.computer()),
                    "serve restarted after event " + half));

            Map<String, ComputerSnapshot> diagnosed = diagnose(files);
            fleet.finalChecks().forEach(c -> all.judge(fleet, c, diagnosed.get(c.computer()), "diagnose"));
        }
        System.out.printf("Writer simulator through serve and diagnose, seed %d:%n%s", SEED, all.table());
        assertThat(all.firstWrong()).as("%d of %d checks wrong%s", all.wrongCount(), all.judged(), replay(SEED))
                .isEmpty();
    }

    /** Reads the directory once, as {@code serve} with a one-shot file source does, judged at the last check. */
    private static Map<String, ComputerSnapshot> serve(Fleet fleet, Path logs, Optional<StateStore> store)
            throws InterruptedException {
        ExporterRuntime serve = new ExporterRuntime(new LifecycleEngine(LifecycleSettings.DEFAULTS, fleet::end), store);
        try {
            serve.start(List.of("xml:" + logs), (spec, checkpoint) ->
                    new FileSource(spec, false, FileSource.DEFAULT_POLL_INTERVAL, checkpoint));
            assertThat(serve.awaitSources(Duration.ofMinutes(1))).isTrue();
            EngineSnapshot snapshot = serve.snapshot();
            assertThat(snapshot.skipped()).as("events skipped by serve in %s%s", fleet, replay(SEED)).isEmpty();
            return byName(snapshot);
        } finally {
            serve.close();
        }
    }

    /** The fleet's events and an event of another provider at the time of the last check: the log's clock. */
    private static List<EventRecord> withLogClock(Fleet fleet) {
        List<EventRecord> events = new ArrayList<>(fleet.events());
        events.add(EventRecord.builder().channel(SimulatedServer.CHANNEL).provider("EventLog").eventId(6013)
                .level(4).timeCreated(fleet.end()).recordId(1).computer("COLLECTOR.contoso.local").build());
        return events;
    }

    /**
     * The fleet as wevtutil exports: several files whose names do not follow time, so that reading them in
     * name order gives older events after newer ones; with the log clock event, so that diagnose, which judges
     * by the log's own clock, judges at the last check.
     */
    private static List<Path> export(Fleet fleet, Path logs, Random random) throws IOException {
        List<EventRecord> events = withLogClock(fleet);
        int parts = 2 + random.nextInt(3);
        List<String> names = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
            names.add("export-" + (char) ('a' + p) + ".xml");
        }
        Collections.shuffle(names, random);
        List<Path> files = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
            List<EventRecord> part = events.subList(p * events.size() / parts, (p + 1) * events.size() / parts);
            files.add(WevtutilXml.write(logs.resolve(names.get(p)), part));
        }
        return files;
    }

    private static Map<String, ComputerSnapshot> diagnose(List<Path> files) throws IOException {
        List<String> args = new ArrayList<>(List.of("diagnose", "--format", "json"));
        files.forEach(f -> args.add(f.toString()));
        StringWriter out = new StringWriter();
        int code = Cli.execute(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true),
                args.toArray(String[]::new));
        assertThat(code).as("diagnose exit code").isZero();
        Map<String, ComputerSnapshot> byName = new HashMap<>();
        for (JsonNode c : new ObjectMapper().readTree(out.toString()).get("computers")) {
            Remediation method = null;
            for (Remediation r : Remediation.values()) {
                if (c.path("remediation_method").asInt() == r.method()) {
                    method = r;
                }
            }
            String name = c.get("computer").asText();
            byName.put(name, new ComputerSnapshot(name, c.get("backup_in_progress").asBoolean(), null,
                    c.get("stuck").asBoolean(), null, method, c.path("diagnosis").asText(null), Map.of(), null, null,
                    List.of(), List.of(), null));
        }
        return byName;
    }
}
