package io.github.exchangevss.lifecycle;

import io.github.exchangevss.event.EventRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Turns events into per-computer lifecycle state and event counts. Thread-safe: sources on several threads
 * call {@link #apply}; scrapes call {@link #snapshot}.
 *
 * <p>Time is judged by the injected clock: the exporter's clock when reading live, the log's own clock
 * ({@link #latestEventTime()}) when replaying exported files.
 */
public final class LifecycleEngine {
    /** Label value for events without a Computer field. */
    public static final String UNKNOWN_COMPUTER = "unknown";

    private final LifecycleSettings settings;
    private final Supplier<Instant> clock;
    private final Map<String, ComputerLifecycle> computers = new TreeMap<>();
    private final Map<EventKey, EventTally> eventCounts = new HashMap<>();
    private final Map<String, ChannelPosition> positions = new HashMap<>();
    private Instant latestEventTime;

    public LifecycleEngine(LifecycleSettings settings, Supplier<Instant> clock) {
        this.settings = Objects.requireNonNull(settings);
        this.clock = Objects.requireNonNull(clock);
    }

    /**
     * Applies one event. Returns false, changing nothing, for an event already applied: same computer and
     * channel, a record ID not above the last one and no newer time (a re-read file, a replayed bookmark).
     */
    public synchronized boolean apply(EventRecord e) {
        String computer = e.computer() == null ? UNKNOWN_COMPUTER : e.computer();
        String channelKey = computer + "\u0000" + e.channel();
        ChannelPosition last = positions.get(channelKey);
        if (last != null && e.recordId() <= last.recordId() && !e.timeCreated().isAfter(last.time())) {
            return false;
        }
        positions.put(channelKey, new ChannelPosition(e.recordId(), e.timeCreated()));
        if (latestEventTime == null || e.timeCreated().isAfter(latestEventTime)) {
            latestEventTime = e.timeCreated();
        }

        // Only the writer's provider is counted per event ID: an exported Application log holds hundreds of
        // providers and IDs, and series for all of them would say nothing about backups.
        if (VssEvents.PROVIDER.equalsIgnoreCase(e.provider())) {
            // One series whatever the spelling: provider names are case-insensitive in Windows.
            EventKey key = new EventKey(computer, VssEvents.PROVIDER, e.eventId(), e.level());
            eventCounts.computeIfAbsent(key, k -> new EventTally()).add(e.timeCreated());
        }

        if (VssEvents.isLifecycleEvent(e)) {
            ComputerLifecycle lifecycle = computers.computeIfAbsent(computer, ComputerLifecycle::new);
            lifecycle.noteEvent(e.timeCreated());
            lifecycle.apply(e, settings);
        }
        return true;
    }

    /** The newest event time applied; null before the first event. */
    public synchronized Instant latestEventTime() {
        return latestEventTime;
    }

    public synchronized EngineSnapshot snapshot() {
        return snapshotAt(clock.get());
    }

    public synchronized EngineSnapshot snapshotAt(Instant now) {
        List<ComputerSnapshot> states = new ArrayList<>(computers.size());
        for (ComputerLifecycle c : computers.values()) {
            states.add(c.snapshot(now, settings));
        }
        List<EventCount> counts = new ArrayList<>(eventCounts.size());
        eventCounts.forEach((k, v) -> counts.add(new EventCount(k.computer, k.provider, k.eventId, k.level, v.count, v.last)));
        counts.sort((a, b) -> {
            int c = a.computer().compareTo(b.computer());
            if (c == 0) c = a.provider().compareTo(b.provider());
            return c != 0 ? c : Integer.compare(a.eventId(), b.eventId());
        });
        return new EngineSnapshot(now, List.copyOf(states), List.copyOf(counts));
    }

    /** The state to persist: computers, the last record applied per computer and channel, the event counters. */
    public synchronized EngineState exportState() {
        List<EventCount> counts = new ArrayList<>(eventCounts.size());
        eventCounts.forEach((k, v) -> counts.add(new EventCount(k.computer, k.provider, k.eventId, k.level, v.count, v.last)));
        return new EngineState(new TreeMap<>(computers), new TreeMap<>(positions), latestEventTime, counts);
    }

    /** Restores state written by {@link #exportState()}; the event counters go on from the saved values. */
    public synchronized void importState(EngineState state) {
        computers.clear();
        computers.putAll(state.computers());
        positions.clear();
        positions.putAll(state.positions());
        latestEventTime = state.latestEventTime();
        eventCounts.clear();
        // A state saved before the counters were persisted has none: they start from zero then.
        for (EventCount saved : Objects.requireNonNullElse(state.events(), List.<EventCount>of())) {
            EventTally tally = new EventTally();
            tally.count = saved.count();
            tally.last = saved.lastTimestamp();
            eventCounts.put(new EventKey(saved.computer(), saved.provider(), saved.eventId(), saved.level()), tally);
        }
    }

    private record EventKey(String computer, String provider, int eventId, Integer level) {}

    private static final class EventTally {
        long count;
        Instant last;

        void add(Instant time) {
            count++;
            if (last == null || time.isAfter(last)) {
                last = time;
            }
        }
    }
}
