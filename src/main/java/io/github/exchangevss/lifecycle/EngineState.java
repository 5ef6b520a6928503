package io.github.exchangevss.lifecycle;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The engine's persistent part, serialised as it is by the persistence package (Jackson, field access).
 * Opaque outside this package on purpose: only the engine reads it.
 */
public record EngineState(Map<String, ComputerLifecycle> computers, Map<String, ChannelPosition> positions,
        Instant latestEventTime, List<EventCount> events) {}
