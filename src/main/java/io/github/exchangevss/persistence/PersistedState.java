package io.github.exchangevss.persistence;

import io.github.exchangevss.lifecycle.EngineState;
import java.time.Instant;
import java.util.Map;

/**
 * What survives a restart: the lifecycle state and, per source, the position it had reached when that state
 * was taken (a wevtapi bookmark, per-file record IDs), so both always agree.
 */
public record PersistedState(int version, Instant savedAt, EngineState engine, Map<String, String> checkpoints) {
    public static final int CURRENT_VERSION = 1;
}
