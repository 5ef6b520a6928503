import io.github.exchangevss.lifecycle.EngineState;
import io.github.exchangevss.lifecycle.LifecycleEngine;
import io.github.exchangevss.lifecycle.LifecycleSettings;
import io.github.exchangevss.persistence.PersistedState;
import io.github.exchangevss.persistence.StateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The cost of one commit of a saved state, as {@code serve}'s committer pays it: under the engine's lock, the
 * engine's snapshot and a copy of its state; outside it, that copy's JSON, then the write, fsync and rename. Loads
 * {@code DIR/state.json} into an engine, commits into another directory 40 times and prints the medians of the last
 * 30 as one line, {@code locked_ms outside_ms json_bytes}:
 *
 * <pre>
 * java -Xmx128m -cp target/exchange-vss-exporter.jar bench/CommitTime.java DIR
 * </pre>
 */
public class CommitTime {
    public static void main(String[] args) throws Exception {
        PersistedState saved = new StateStore(Path.of(args[0])).load()
                .orElseThrow(() -> new IllegalArgumentException(args[0] + ": no state.json there"));
        LifecycleEngine engine = new LifecycleEngine(LifecycleSettings.DEFAULTS, Instant::now);
        engine.importState(saved.engine());
        // Only the engine holds the state from here on, as in serve: the loaded copy would double the heap.
        int version = saved.version();
        var checkpoints = saved.checkpoints();
        var sources = saved.sources();
        saved = null;
        Path copy = Files.createTempDirectory("commit-time");
        StateStore store = new StateStore(copy);
        List<Double> locked = new ArrayList<>();
        List<Double> outside = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            long t0 = System.nanoTime();
            engine.snapshot();
            EngineState exported = engine.exportState();
            long t1 = System.nanoTime();
            store.write(new PersistedState(version, Instant.now(), exported, checkpoints, sources));
            long t2 = System.nanoTime();
            if (i >= 10) {
                locked.add((t1 - t0) / 1e6);
                outside.add((t2 - t1) / 1e6);
            }
        }
        System.out.printf("%.1f %.1f %d%n", median(locked), median(outside), Files.size(store.file()));
        Files.deleteIfExists(store.file());
        Files.delete(copy);
    }

    private static double median(List<Double> values) {
        return values.stream().sorted().toList().get(values.size() / 2);
    }
}
