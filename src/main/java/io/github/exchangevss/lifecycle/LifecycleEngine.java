package io.github.exchangevss.lifecycle;

import io.github.exchangevss.event.EventRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    /** The source of events applied without naming one (diagnose, tests). */
    public static final String UNNAMED_SOURCE = "";

    private static final Logger LOG = LoggerFactory.getLogger(LifecycleEngine.class);

    private final LifecycleSettings settings;
    private final EventCounting counting;
    private final Supplier<Instant> clock;
    private final Map<String, ComputerLifecycle> computers = new TreeMap<>();
    private final Map<EventKey, EventTally> eventCounts = new HashMap<>();
    /** The series of {@code exchange_vss_events_total} (summed over computers) that the counts make, capped. */
    private final Set<List<Object>> countedSeries = new HashSet<>();
    private final Map<ChannelKey, AppliedRecords> positions = new HashMap<>();
    private final Map<String, Map<SkipReason, Long>> skipped = new TreeMap<>();
    /** Computers whose skipped lifecycle events were logged already: one line each, not one per event. */
    private final Set<String> skipLogged = new HashSet<>();
    private Instant latestEventTime;

    private long uncountedEvents;

    public LifecycleEngine(LifecycleSettings settings, Supplier<Instant> clock) {
        this(settings, EventCounting.DEFAULTS, clock);
    }

    public LifecycleEngine(LifecycleSettings settings, EventCounting counting, Supplier<Instant> clock) {
        this.settings = Objects.requireNonNull(settings);
        this.counting = Objects.requireNonNull(counting);
        this.clock = Objects.requireNonNull(clock);
    }

    public boolean apply(EventRecord e) {
        return apply(UNNAMED_SOURCE, e);
    }

    /**
     * Applies one event read by {@code source}. Returns false, changing nothing but the skipped count, for an
     * event not above the last record applied on its computer and channel and not newer: one applied already
     * (a re-read file, a replayed bookmark) or one that came after newer ones (an export read out of order).
     */
    public synchronized boolean apply(String source, EventRecord e) {
        String computer = e.computer() == null ? UNKNOWN_COMPUTER : e.computer();
        ChannelKey channel = new ChannelKey(computer, e.channel());
        AppliedRecords applied = positions.get(channel);
        AppliedRecords.Verdict verdict = applied == null ? AppliedRecords.Verdict.NEW
                : applied.classify(e.recordId(), e.timeCreated());
        if (verdict != AppliedRecords.Verdict.NEW) {
            skip(source, computer, e, verdict == AppliedRecords.Verdict.DUPLICATE ? SkipReason.DUPLICATE
                    : SkipReason.OUT_OF_ORDER);
            return false;
        }
        if (applied == null) {
            positions.put(channel, AppliedRecords.first(e.recordId(), e.timeCreated()));
        } else {
            applied.add(e.recordId(), e.timeCreated());
        }
        if (latestEventTime == null || e.timeCreated().isAfter(latestEventTime)) {
            latestEventTime = e.timeCreated();
        }

        // Only the writer-related providers are counted per event ID, up to a number of series: an exported
        // Application log holds hundreds of providers and IDs, and series for all of them say nothing about backups.
        // One series whatever the spelling: provider names are case-insensitive in Windows.
        String provider = counting.counted(e.provider());
        if (provider != null) {
            EventKey key = new EventKey(computer, provider, e.eventId(), e.level());
            EventTally tally = eventCounts.get(key);
            if (tally == null && (countedSeries.contains(key.series()) || countedSeries.size() < counting.maxSeries())) {
                countedSeries.add(key.series());
                tally = new EventTally();
                eventCounts.put(key, tally);
            }
            if (tally == null) {
                if (uncountedEvents++ == 0) {
                    LOG.warn("exchange_vss_events_total has reached --events.max-series ({} series): events of new"
                            + " series are no longer counted; the lifecycle is not affected", counting.maxSeries());
                }
            } else {
                tally.add(e.timeCreated());
            }
        }

        Optional<WriterEvent> kind = WriterEvent.of(e);
        if (kind.isPresent()) {
            ComputerLifecycle lifecycle = computers.computeIfAbsent(computer, ComputerLifecycle::new);
            lifecycle.noteEvent(e.timeCreated());
            lifecycle.apply(e, kind.get(), settings);
        }
        return true;
    }

    private void skip(String source, String computer, EventRecord e, SkipReason reason) {
        skipped.computeIfAbsent(source, s -> new EnumMap<>(SkipReason.class)).merge(reason, 1L, Long::sum);
        if (VssEvents.isLifecycleEvent(e) && skipLogged.add(computer)) {
            LOG.warn("{}: skipped {} event {} (record {}, {}) of {}: not newer than record {} already applied on"
                            + " channel {}; further skipped events of this computer are only counted in"
                            + " exchange_vss_source_events_skipped_total", source.isEmpty() ? "events" : "source " + source,
                    reason.label().replace('_', ' '), e.eventId(), e.recordId(), e.timeCreated(), computer,
                    positions.get(new ChannelKey(computer, e.channel())).lastRecordId(), e.channel());
        }
    }

    /** Events of a counted provider left uncounted because the series limit was reached. */
    public synchronized long uncountedEvents() {
        return uncountedEvents;
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
        return new EngineSnapshot(now, List.copyOf(states), eventCounts(), skippedCounts());
    }

    private List<EventCount> eventCounts() {
        List<EventCount> counts = new ArrayList<>(eventCounts.size());
        eventCounts.forEach((k, v) -> counts.add(new EventCount(k.computer, k.provider, k.eventId, k.level, v.count, v.last)));
        counts.sort(Comparator.comparing(EventCount::computer).thenComparing(EventCount::provider)
                .thenComparingInt(EventCount::eventId)
                .thenComparing(EventCount::level, Comparator.nullsFirst(Comparator.naturalOrder())));
        return List.copyOf(counts);
    }

    private List<SkippedCount> skippedCounts() {
        List<SkippedCount> out = new ArrayList<>();
        skipped.forEach((source, byReason) -> byReason.forEach((reason, n) -> out.add(new SkippedCount(source, reason, n))));
        return List.copyOf(out);
    }

    /** One computer's state judged at {@code now}, without judging the others. */
    public synchronized Optional<ComputerSnapshot> snapshotAt(Instant now, String computer) {
        return Optional.ofNullable(computers.get(computer)).map(c -> c.snapshot(now, settings));
    }

    /** Everything the engine knows, to persist: lifecycles, positions per channel and every counter it owns. */
    public synchronized EngineState exportState() {
        List<EngineStateFormat.Position> channels = new ArrayList<>();
        positions.forEach((k, v) -> channels.add(new EngineStateFormat.Position(k.computer, k.channel,
                v.lastRecordId(), v.lastTime(), v.ranges())));
        channels.sort(Comparator.comparing(EngineStateFormat.Position::computer)
                .thenComparing(EngineStateFormat.Position::channel, Comparator.nullsFirst(Comparator.naturalOrder())));
        List<EngineStateFormat.Computer> lifecycles = computers.values().stream().map(LifecycleState::export).toList();
        return new EngineState(new EngineStateFormat.State(EngineStateFormat.FORMAT, latestEventTime, channels,
                lifecycles, eventCounts(), skippedCounts()));
    }

    /** Restores state written by {@link #exportState()}, replacing everything; counters go on from where they were. */
    public synchronized void importState(EngineState saved) {
        EngineStateFormat.State state = saved.state;
        computers.clear();
        state.computers().forEach(c -> computers.put(c.computer(), LifecycleState.restore(c)));
        positions.clear();
        state.positions().forEach(p -> positions.put(new ChannelKey(p.computer(), p.channel()),
                new AppliedRecords(p.recordId(), p.time(), p.applied())));
        eventCounts.clear();
        countedSeries.clear();
        state.events().forEach(e -> {
            EventTally tally = new EventTally();
            tally.count = e.count();
            tally.last = e.lastTimestamp();
            EventKey key = new EventKey(e.computer(), e.provider(), e.eventId(), e.level());
            eventCounts.put(key, tally);
            countedSeries.add(key.series());
        });
        skipped.clear();
        state.skipped().forEach(k -> skipped.computeIfAbsent(k.source(), s -> new EnumMap<>(SkipReason.class))
                .put(k.reason(), k.count()));
        latestEventTime = state.latestEventTime();
    }

    private record ChannelKey(String computer, String channel) {}

    private record EventKey(String computer, String provider, int eventId, Integer level) {
        /** The labels of the fleet-wide series this count adds to. */
        List<Object> series() {
            return Arrays.asList(provider, eventId, level);
        }
    }

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
