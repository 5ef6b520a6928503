import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.lifecycle.LifecycleEngine;
import io.github.exchangevss.lifecycle.LifecycleSettings;
import io.github.exchangevss.persistence.PersistedState;
import io.github.exchangevss.persistence.StateStore;
import io.github.exchangevss.runtime.ExporterRuntime;
import io.github.exchangevss.scenario.KbSituation;
import io.github.exchangevss.scenario.WevtutilXml;
import io.github.exchangevss.source.file.FileSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Whether committing (engine state, counters and positions in one fsynced file write, every
 * {@link ExporterRuntime#DEFAULT_COMMIT_INTERVAL}) slows ingest at fleet scale: reads one export of SERVERS servers'
 * MSExchangeIS events through the runtime with a state directory and, as the reference in the same run, without
 * one (nothing written, nothing fsynced). Then the cost of one commit of the resulting state on its own. Medians
 * after a warm-up round.
 *
 * <pre>
 * mvn -q -ntp test-compile
 * java -cp "target/classes:target/test-classes:$(mvn -q -ntp dependency:build-classpath -Dmdep.outputFile=/dev/stdout)" \
 *     bench/CommitBenchmark.java [EVENTS_PER_SERVER] [SERVERS] [ROUNDS]
 * </pre>
 */
public class CommitBenchmark {
    public static void main(String[] args) throws Exception {
        int perServer = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int servers = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Path dir = Files.createTempDirectory("commit-bench");
        Path export = dir.resolve("fleet.xml");
        List<EventRecord> events = fleet(perServer, servers);
        WevtutilXml.write(export, events);
        System.out.printf("%d events of %d servers, %d MB export, %d rounds after a warm-up%n", events.size(), servers,
                Files.size(export) >> 20, rounds);

        List<Long> withoutState = new ArrayList<>();
        List<Long> withState = new ArrayList<>();
        for (int round = 0; round <= rounds; round++) {
            long plain = ingest(export, Optional.empty());
            Path storage = Files.createTempDirectory(dir, "state");
            long durable = ingest(export, Optional.of(new StateStore(storage)));
            if (round > 0) {
                withoutState.add(plain);
                withState.add(durable);
            }
        }
        long reference = median(withoutState);
        long committed = median(withState);
        System.out.printf("ingest without a state file: median %d ms (%.0f events/s)%n", reference,
                events.size() * 1000.0 / reference);
        System.out.printf("ingest with commits:         median %d ms (%.0f events/s), ratio %.2f%n", committed,
                events.size() * 1000.0 / committed, (double) committed / reference);

        Path storage = Files.createTempDirectory(dir, "commit");
        StateStore store = new StateStore(storage);
        ingest(export, Optional.of(store));
        PersistedState state = store.load().orElseThrow();
        List<Long> serialize = new ArrayList<>();
        List<Long> write = new ArrayList<>();
        byte[] json = null;
        for (int i = 0; i < 50; i++) {
            long t0 = System.nanoTime();
            json = StateStore.serialize(state);
            long t1 = System.nanoTime();
            store.write(json);
            long t2 = System.nanoTime();
            if (i >= 10) {
                serialize.add((t1 - t0) / 1000);
                write.add((t2 - t1) / 1000);
            }
        }
        System.out.printf("one commit of that state (%d KB): serialise median %d us (under the engine lock),"
                + " write+fsync+rename median %d us (outside it)%n", json.length >> 10, median(serialize), median(write));
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Milliseconds to read the whole export through a runtime, as serve does, up to its last commit. */
    private static long ingest(Path export, Optional<StateStore> store) throws Exception {
        LifecycleEngine engine = new LifecycleEngine(LifecycleSettings.DEFAULTS, Instant::now);
        long start = System.nanoTime();
        try (ExporterRuntime runtime = new ExporterRuntime(engine, store)) {
            runtime.start(List.of("xml:" + export), (spec, checkpoint) ->
                    new FileSource(spec, false, FileSource.DEFAULT_POLL_INTERVAL, checkpoint));
            if (!runtime.awaitSources(Duration.ofMinutes(10))) {
                throw new IllegalStateException("not read within 10 minutes");
            }
            return (System.nanoTime() - start) / 1_000_000;
        }
    }

    /** Each server plays the single-server KB situations over and over, record IDs and times counting up. */
    private static List<EventRecord> fleet(int perServer, int servers) {
        List<KbSituation> situations = KbSituation.all().stream()
                .filter(s -> s.events().stream().map(EventRecord::computer).distinct().count() == 1).toList();
        List<List<EventRecord>> streams = new ArrayList<>();
        for (int s = 0; s < servers; s++) {
            String computer = String.format("EXCH-%02d.bench.local", s + 1);
            List<EventRecord> stream = new ArrayList<>(perServer);
            Instant at = Instant.parse("2026-01-01T00:00:00Z");
            long recordId = 1;
            for (int i = 0; stream.size() < perServer; i++) {
                List<EventRecord> played = situations.get((i + s) % situations.size()).events();
                Instant first = played.get(0).timeCreated();
                for (EventRecord e : played) {
                    if (stream.size() == perServer) {
                        break;
                    }
                    stream.add(e.toBuilder().computer(computer).recordId(recordId++)
                            .timeCreated(at.plus(Duration.between(first, e.timeCreated()))).build());
                }
                at = stream.get(stream.size() - 1).timeCreated().plus(Duration.ofHours(1));
            }
            streams.add(stream);
        }
        // Round-robin, as a forwarded-events export of many servers reads.
        List<EventRecord> all = new ArrayList<>(perServer * servers);
        for (int i = 0; i < perServer; i++) {
            for (List<EventRecord> stream : streams) {
                all.add(stream.get(i));
            }
        }
        return all;
    }

    private static long median(List<Long> values) {
        return values.stream().sorted().toList().get(values.size() / 2);
    }
}
