package io.github.exchangevss.persistence;

import io.github.exchangevss.lifecycle.EngineState;
import io.github.exchangevss.source.SourceStatus;
import java.time.Instant;
import java.util.Map;

/**
 * What survives a restart, taken in one commit: the engine's state and counters, and per source its counters and
 * the position it had reached (a wevtapi bookmark, per-file record IDs) when that state was taken, so they agree.
 *
 * @param sources the counters per source name; null in a file written before they were kept
 */
public record PersistedState(int version, Instant savedAt, EngineState engine, Map<String, String> checkpoints,
        Map<String, SourceStatus.Counters> sources) {
    public static final int CURRENT_VERSION = 1;
}
