package io.github.exchangevss.source;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** Health of one source as the {@code exchange_vss_source_*} metrics show it. Thread-safe. */
public final class SourceStatus {
    private final String name;
    private boolean up;
    private long eventsRead;
    private long eventsMissed;
    private Instant lastEventTime;
    private final Map<String, Long> errors = new TreeMap<>();

    public SourceStatus(String name) {
        this.name = name;
        SourceErrorKinds.common(name).forEach(kind -> errors.put(kind, 0L));
    }

    /** A status whose counters go on from {@code saved}, those of an earlier run of the exporter. */
    public SourceStatus(String name, Counters saved) {
        this(name);
        eventsRead = saved.eventsRead();
        eventsMissed = saved.eventsMissed();
        lastEventTime = saved.lastEventTime();
        if (saved.errors() != null) {
            errors.putAll(saved.errors());
        }
    }

    public String name() {
        return name;
    }

    /** Returns whether that changed it. */
    public synchronized boolean up(boolean value) {
        boolean changed = up != value;
        up = value;
        return changed;
    }

    public synchronized void eventRead(Instant eventTime) {
        eventsRead++;
        if (lastEventTime == null || eventTime.isAfter(lastEventTime)) {
            lastEventTime = eventTime;
        }
    }

    /** Counts one error of {@code kind}; returns how many of that kind there are now. */
    public synchronized long error(String kind) {
        return errors.merge(kind, 1L, Long::sum);
    }

    public synchronized void missed(long count) {
        eventsMissed += count;
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(name, up, eventsRead, eventsMissed, lastEventTime, Map.copyOf(errors));
    }

    /** @param lastEventTime time of the newest event read; null before the first */
    public record Snapshot(String name, boolean up, long eventsRead, long eventsMissed, Instant lastEventTime,
            Map<String, Long> errors) {

        /** What is persisted: the counters, which continue across restarts. */
        public Counters counters() {
            return new Counters(eventsRead, eventsMissed, lastEventTime, errors);
        }
    }

    /** The part of a status that survives restarts. */
    public record Counters(long eventsRead, long eventsMissed, Instant lastEventTime, Map<String, Long> errors) {}
}
