package io.github.exchangevss.runtime;

import io.github.exchangevss.lifecycle.EngineSnapshot;
import io.github.exchangevss.lifecycle.LifecycleEngine;
import io.github.exchangevss.persistence.PersistedState;
import io.github.exchangevss.persistence.StateStore;
import io.github.exchangevss.source.EventSource;
import io.github.exchangevss.source.SourceException;
import io.github.exchangevss.source.SourceStatus;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the sources of {@code serve} and {@code demo}: each on its own thread, feeding one engine; commits the
 * state; restarts a failing source with capped backoff while the HTTP endpoint keeps serving.
 *
 * <p>Readers never see a state that is not on disk. Sources apply events in batches, each together with the
 * position that covers it ({@link SourceSink}). Every {@link #DEFAULT_COMMIT_INTERVAL} the committer takes, under
 * the engine's monitor, the engine's state and counters, every source's counters and position and a snapshot of
 * them; writes that in one atomic file write; and only then publishes the snapshot to {@link #snapshot()} and
 * {@link #sourceSnapshots()}. A crash therefore loses at most what no scrape has shown, and a restart reads on
 * from the saved positions: nothing is applied or counted twice and no counter goes back.
 */
public final class ExporterRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExporterRuntime.class);
    /** How often new batches are committed: small against the default poll interval of followed files (1 s). */
    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(100);
    /** How often an unchanged state is judged again, so that time alone can make a computer stuck. */
    private static final Duration REEVALUATE_INTERVAL = Duration.ofSeconds(1);
    private static final Duration FIRST_RESTART_DELAY = Duration.ofSeconds(1);
    private static final Duration MAX_RESTART_DELAY = Duration.ofMinutes(5);
    private static final String LOADING = "the saved state is not loaded yet";

    /** Creates a source given the checkpoint it saved last time (null on a first start). */
    @FunctionalInterface
    public interface SourceFactory {
        EventSource create(String spec, String checkpoint) throws SourceException;
    }

    /** What readers see: one committed moment of the engine and the sources. */
    private record Published(long generation, EngineSnapshot engine, List<SourceStatus.Snapshot> sources,
            long atNanos) {}

    private final LifecycleEngine engine;
    private final Optional<StateStore> store;
    private final Duration firstRestartDelay;
    private final Duration commitInterval;
    /** Guarded by the engine's monitor, like the engine's state: committed together. */
    private final Map<String, String> checkpoints = new HashMap<>();
    private final List<SourceStatus> statuses = new CopyOnWriteArrayList<>();
    private final List<EventSource> running = new ArrayList<>();
    /** Written by {@link #start}, read by {@link #close} from the shutdown hook's thread. */
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    /** Sources whose first pass is shown: it was in a snapshot published after they reported it done. */
    private final Set<String> caughtUp = ConcurrentHashMap.newKeySet();
    /** Sources that reported their first pass done, not yet in a published snapshot; guarded by the engine. */
    private final Set<String> caughtUpPending = new HashSet<>();
    private final AtomicBoolean changed = new AtomicBoolean();
    private final ScheduledExecutorService committer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "state-committer");
        t.setDaemon(true);
        return t;
    });
    private volatile Published published =
            new Published(0, new EngineSnapshot(Instant.EPOCH, List.of(), List.of()), List.of(), System.nanoTime());
    private volatile boolean loaded;
    private volatile boolean closed;
    /** Only the committer thread and {@link #close} write; guarded by {@code this}. */
    private boolean writeFailing;
    /** Released by {@link #close}, so that a source waiting to be retried stops at once. */
    private final CountDownLatch stopping = new CountDownLatch(1);

    public ExporterRuntime(LifecycleEngine engine, Optional<StateStore> store) {
        this(engine, store, FIRST_RESTART_DELAY, DEFAULT_COMMIT_INTERVAL);
    }

    ExporterRuntime(LifecycleEngine engine, Optional<StateStore> store, Duration firstRestartDelay,
            Duration commitInterval) {
        this.engine = engine;
        this.store = store;
        this.firstRestartDelay = firstRestartDelay;
        this.commitInterval = commitInterval;
    }

    /**
     * Loads the saved state and publishes it, then starts every source. Returns once the state is loaded; sources
     * run in the background.
     */
    public void start(List<String> specs, SourceFactory factory) {
        Map<String, SourceStatus.Counters> savedCounters = new HashMap<>();
        store.flatMap(StateStore::load).ifPresent(saved -> {
            synchronized (engine) {
                engine.importState(saved.engine());
                checkpoints.putAll(saved.checkpoints() == null ? Map.of() : saved.checkpoints());
            }
            savedCounters.putAll(saved.sources() == null ? Map.of() : saved.sources());
            LOG.info("Restored lifecycle state of {} saved at {}", store.get().file(), saved.savedAt());
        });
        for (String spec : specs) {
            SourceStatus.Counters counters = savedCounters.get(spec);
            statuses.add(counters == null ? new SourceStatus(spec) : new SourceStatus(spec, counters));
        }
        // What was loaded is on disk already: shown at once, before any source has read anything.
        commit(true);
        loaded = true;
        for (SourceStatus status : statuses) {
            Thread thread = new Thread(() -> runSource(status.name(), factory, status), "source " + status.name());
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        committer.scheduleWithFixedDelay(this::commitOnSchedule, commitInterval.toMillis(), commitInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * An exception would end the schedule, and with it every later commit: it is logged and retried instead. So is
     * running out of memory while writing a large fleet's state, which the next commit may well survive.
     */
    private void commitOnSchedule() {
        try {
            commit(false);
        } catch (RuntimeException | OutOfMemoryError e) {
            changed.set(true);
            LOG.error("Cannot commit the state; retrying", e);
        }
    }

    private void runSource(String spec, SourceFactory factory, SourceStatus status) {
        SourceSink sink = new SourceSink(engine, status, checkpoints, () -> changed.set(true), () -> caughtUp(spec));
        Duration delay = firstRestartDelay;
        while (!closed) {
            String checkpoint;
            synchronized (engine) {
                checkpoint = checkpoints.get(spec);
            }
            try (EventSource source = factory.create(spec, checkpoint)) {
                register(source);
                source.run(sink);
                unregister(source);
                if (!closed) {
                    caughtUp(spec);
                    LOG.info("source {}: finished reading; its metrics stay as they are", spec);
                }
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (SourceException | RuntimeException e) {
                status.up(false);
                status.error(e instanceof SourceException ? "source_failed" : "internal_error");
                changed.set(true);
                // Its first pass is over, failed: waiting for it would keep the exporter unready while it retries.
                caughtUp(spec);
                LOG.error("source {}: {}; retrying in {} s", spec, e.getMessage(), delay.toSeconds(),
                        e instanceof SourceException ? null : e);
            }
            try {
                if (stopping.await(delay.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            delay = delay.multipliedBy(2).compareTo(MAX_RESTART_DELAY) > 0 ? MAX_RESTART_DELAY : delay.multipliedBy(2);
        }
    }

    private void register(EventSource source) {
        synchronized (running) {
            running.add(source);
        }
        if (closed) {
            source.close();
        }
    }

    private void unregister(EventSource source) {
        synchronized (running) {
            running.remove(source);
        }
    }

    /** The last committed engine snapshot: never ahead of the state file. */
    public EngineSnapshot snapshot() {
        return published.engine();
    }

    /** The source statuses committed with {@link #snapshot()}. */
    public List<SourceStatus.Snapshot> sourceSnapshots() {
        return published.sources();
    }

    /** Goes up by one with every snapshot published; equal generations mean equal snapshots. */
    public long generation() {
        return published.generation();
    }

    /**
     * Why metrics and the status page cannot be shown yet; empty once the saved state is loaded. Before that, every
     * stuck server would be missing from them.
     */
    public Optional<String> notReadyReason() {
        return loaded ? Optional.empty() : Optional.of(LOADING);
    }

    /**
     * True once the saved state is loaded and every source has read what existed when it started, or failed at its
     * first attempt (shown by {@code exchange_vss_source_up} 0 while it is retried).
     */
    public boolean isReady() {
        return whyNotReady().isEmpty();
    }

    /** Why {@link #isReady()} is false: the saved state not loaded, or the sources still on their first pass. */
    public Optional<String> whyNotReady() {
        if (!loaded) {
            return Optional.of(LOADING);
        }
        List<String> reading = statuses.stream().map(SourceStatus::name).filter(name -> !caughtUp.contains(name))
                .toList();
        return reading.isEmpty() ? Optional.empty()
                : Optional.of("first pass not finished by " + String.join(", ", reading));
    }

    /** Waits for one-shot sources to finish reading and commits what they read; for tests and tools. */
    public boolean awaitSources(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            if (t.isAlive()) {
                return false;
            }
        }
        commit(false);
        return true;
    }

    /**
     * Writes what changed since the last commit, then publishes it; with nothing changed, publishes the same
     * state judged at the current time once every {@link #REEVALUATE_INTERVAL}. Synchronized: the committer thread
     * and {@link #close} share one temp file, and generations are published in order.
     */
    private synchronized void commit(boolean force) {
        Published next;
        List<String> shownNow;
        PersistedState state = null;
        synchronized (engine) {
            boolean dirty = changed.getAndSet(false) || force;
            if (!dirty && System.nanoTime() - published.atNanos() < REEVALUATE_INTERVAL.toNanos()) {
                return;
            }
            List<SourceStatus.Snapshot> sources = statuses.stream().map(SourceStatus::snapshot).toList();
            next = new Published(published.generation() + 1, engine.snapshot(), sources, System.nanoTime());
            shownNow = List.copyOf(caughtUpPending);
            caughtUpPending.clear();
            if (dirty && store.isPresent()) {
                Map<String, SourceStatus.Counters> counters = new HashMap<>();
                sources.forEach(source -> counters.put(source.name(), source.counters()));
                state = new PersistedState(PersistedState.CURRENT_VERSION, Instant.now(), engine.exportState(),
                        Map.copyOf(checkpoints), counters);
            }
        }
        if (state != null) {
            // The exported state is a copy: serialised outside the lock, which sources need to apply their batches
            // (for 5,000 servers the JSON takes about twice as long as the copy).
            write(state);
        }
        published = next;
        caughtUp.addAll(shownNow);
    }

    /**
     * A source read what existed when it started (or failed at its first attempt). It counts for readiness once a
     * snapshot that holds what it read is published (the next commit, or the next re-evaluation within a second:
     * nothing new is written for it): a scrape right after {@code /-/ready} turns 200 shows it all.
     */
    private void caughtUp(String spec) {
        synchronized (engine) {
            caughtUpPending.add(spec);
        }
    }

    /**
     * A state file that cannot be written is logged once per failure streak and retried with the next commit. The
     * state is published all the same: an exporter that stopped showing a stuck server because its disk is full
     * would be worse than one that may show an older state after a crash.
     */
    private void write(PersistedState state) {
        StateStore s = store.orElseThrow();
        try {
            s.write(state);
            if (writeFailing) {
                LOG.info("State file {} written again", s.file());
            }
            writeFailing = false;
        } catch (IOException | RuntimeException e) {
            changed.set(true);
            if (!writeFailing) {
                LOG.error("Cannot write state file {}: {}", s.file(), e.getMessage());
            }
            writeFailing = true;
        }
    }

    @Override
    public void close() {
        closed = true;
        stopping.countDown();
        synchronized (running) {
            running.forEach(EventSource::close);
        }
        for (Thread t : threads) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // Not shutdownNow: interrupting a commit in progress would close its file channel and lose that write.
        committer.shutdown();
        try {
            committer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (loaded) {
            commit(true);
        }
    }
}
