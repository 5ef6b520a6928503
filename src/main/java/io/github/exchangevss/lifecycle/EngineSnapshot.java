package io.github.exchangevss.lifecycle;

import java.time.Instant;
import java.util.List;

/** A consistent view of the whole engine, taken under its lock, judged at {@code evaluatedAt}. */
public record EngineSnapshot(Instant evaluatedAt, List<ComputerSnapshot> computers, List<EventCount> events,
        List<SkippedCount> skipped) {
    public EngineSnapshot(Instant evaluatedAt, List<ComputerSnapshot> computers, List<EventCount> events) {
        this(evaluatedAt, computers, events, List.of());
    }
}
