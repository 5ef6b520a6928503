import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.lifecycle.LifecycleEngine;
import io.github.exchangevss.lifecycle.LifecycleSettings;
import io.github.exchangevss.persistence.PersistedState;
import io.github.exchangevss.persistence.StateStore;
import io.github.exchangevss.scenario.KbLog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Cost of the lifecycle engine on a fleet's forwarded events: applying them, judging every computer (a scrape's
 * snapshot) and writing the state file's JSON (done under the engine's lock at each commit of a changed state, at
 * most every 100 ms). The reference in the same run is the least any engine does per event: counting it in a hash
 * map by computer and event ID.
 * Median pass after ten warm-up passes.
 *
 * <pre>
 * mvn -q -o test-compile
 * java -cp target/classes:target/test-classes:$(cat target/bench.cp) bench/EngineBenchmark.java [SERVERS] [NIGHTS] [ROUNDS]
 * </pre>
 */
public class EngineBenchmark {
    private static final Instant START = Instant.parse("2026-03-01T21:00:00Z");

    public static void main(String[] args) throws Exception {
        int servers = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int nights = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 9;
        List<EventRecord> events = fleet(servers, nights, new Random(910250));
        Instant end = events.get(events.size() - 1).timeCreated();
        System.out.printf("%d servers, %d nights: %d events; median of %d passes after 10 warm-up passes%n",
                servers, nights, events.size(), rounds);

        double reference = median(rounds, () -> {
            Map<String, Long> counts = new HashMap<>();
            for (EventRecord e : events) {
                counts.merge(e.computer() + '\0' + e.eventId(), 1L, Long::sum);
            }
            return counts.size();
        });
        double apply = median(rounds, () -> {
            LifecycleEngine engine = engine();
            events.forEach(engine::apply);
            return engine.snapshotAt(end).computers().size();
        });
        LifecycleEngine engine = engine();
        events.forEach(engine::apply);
        double snapshot = median(rounds, () -> engine.snapshotAt(end).computers().size());
        double save = median(rounds, () -> StateStore.serialize(new PersistedState(PersistedState.CURRENT_VERSION, end,
                engine.exportState(), Map.of())).length);
        int bytes = StateStore.serialize(new PersistedState(PersistedState.CURRENT_VERSION, end, engine.exportState(),
                Map.of())).length;

        System.out.println("| step | median | per event or computer | vs reference |");
        System.out.println("|---|---:|---:|---:|");
        System.out.printf("| reference: count events by computer and ID | %.3f s | %.0f events/s | 1.00× |%n",
                reference, events.size() / reference);
        System.out.printf("| apply all events | %.3f s | %.0f events/s | %.2f× |%n", apply, events.size() / apply,
                apply / reference);
        System.out.printf("| snapshot of %d computers (one scrape) | %.2f ms | %.1f µs/computer | – |%n", servers,
                snapshot * 1e3, snapshot * 1e6 / servers);
        System.out.printf("| state file JSON (%.1f MB) | %.1f ms | %.1f µs/computer | – |%n", bytes / 1e6,
                save * 1e3, save * 1e6 / servers);
    }

    private static LifecycleEngine engine() {
        return new LifecycleEngine(LifecycleSettings.DEFAULTS, Instant::now);
    }

    /** Nightly backups, now and then one aborted after PrepareBackup and refused on the next nights until a restart. */
    private static List<EventRecord> fleet(int servers, int nights, Random random) {
        List<EventRecord> all = new ArrayList<>();
        for (int s = 0; s < servers; s++) {
            KbLog log = new KbLog(String.format("EXCH%04d.contoso.local", s), START, 1000);
            boolean stuck = false;
            for (int n = 0; n < nights; n++) {
                log.after(Duration.ofDays(1).minus(Duration.ofMinutes(30)).plusMinutes(random.nextInt(60)));
                if (stuck) {
                    log.backupStarted().abortIgnored().refused();
                    if (random.nextInt(3) == 0) {
                        log.after(Duration.ofHours(10)).storeStarted();
                        stuck = false;
                    }
                } else if (random.nextInt(10) == 0) {
                    log.backupStarted().volumeSnap().prepared().abortedSuccessfully();
                    stuck = true;
                } else {
                    log.successfulBackup();
                }
            }
            all.addAll(log.events());
        }
        all.sort(Comparator.comparing(EventRecord::timeCreated));
        return all;
    }

    @FunctionalInterface
    interface Pass {
        long run() throws Exception;
    }

    private static double median(int rounds, Pass pass) throws Exception {
        long sink = 0;
        for (int i = 0; i < 10; i++) {
            sink += pass.run();
        }
        double[] seconds = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            sink += pass.run();
            seconds[i] = (System.nanoTime() - t0) / 1e9;
        }
        if (sink == 42) {
            System.out.print("");
        }
        Arrays.sort(seconds);
        return seconds[rounds / 2];
    }
}
