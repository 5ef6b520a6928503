package io.github.exchangevss.persistence;

import io.github.exchangevss.lifecycle.LifecycleEngine;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;

/** An exporter restart as far as the engine goes: its state written to the state file and read by a new engine. */
public final class Restart {
    private Restart() {}

    public static LifecycleEngine savedAndLoaded(LifecycleEngine engine, Path storage, Supplier<LifecycleEngine> fresh)
            throws IOException {
        StateStore store = new StateStore(storage);
        store.write(StateStore.serialize(new PersistedState(PersistedState.CURRENT_VERSION, Instant.EPOCH,
                engine.exportState(), Map.of(), Map.of())));
        LifecycleEngine restored = fresh.get();
        restored.importState(store.load().orElseThrow(() -> new AssertionError("the state file was not loaded")).engine());
        return restored;
    }
}
