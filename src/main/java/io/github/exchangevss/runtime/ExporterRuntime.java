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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the sources of {@code serve} and {@code demo}: each on its own thread, feeding one engine; keeps the
 * state file up to date; restarts a failing source with capped backoff while the HTTP endpoint keeps serving.
 */
public final class ExporterRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExporterRuntime.class);
    private static final Duration SAVE_INTERVAL = Duration.ofSeconds(1);
    private static final Duration FIRST_RESTART_DELAY = Duration.ofSeconds(1);
    private static final Duration MAX_RESTART_DELAY = Duration.ofMinutes(5);

    /** Creates a source given the checkpoint it saved last time (null on a first start). */
    @FunctionalInterface
    public interface SourceFactory {
        EventSource create(String spec, String checkpoint) throws SourceException;
    }

    private final LifecycleEngine engine;
    private final Optional<StateStore> store;
    private final Duration firstRestartDelay;
    private final Map<String, String> checkpoints = new HashMap<>();
    private final List<SourceStatus> statuses = new ArrayList<>();
    private final List<EventSource> running = new ArrayList<>();
    /** Written by {@link #start}, read by {@link #close} from the shutdown hook's thread. */
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final AtomicBoolean dirty = new AtomicBoolean();
    private final AtomicBoolean ready = new AtomicBoolean();
    private final ScheduledExecutorService saver = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "state-saver");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;
    /** Released by {@link #close}, so that a source waiting to be retried stops at once. */
    private final CountDownLatch stopping = new CountDownLatch(1);

    public ExporterRuntime(LifecycleEngine engine, Optional<StateStore> store) {
        this(engine, store, FIRST_RESTART_DELAY);
    }

    ExporterRuntime(LifecycleEngine engine, Optional<StateStore> store, Duration firstRestartDelay) {
        this.engine = engine;
        this.store = store;
        this.firstRestartDelay = firstRestartDelay;
    }

    /** Loads the saved state, then starts every source. Returns at once; sources run in the background. */
    public void start(List<String> specs, SourceFactory factory) {
        store.flatMap(StateStore::load).ifPresent(saved -> {
            synchronized (engine) {
                engine.importState(saved.engine());
                checkpoints.putAll(saved.checkpoints() == null ? Map.of() : saved.checkpoints());
            }
            LOG.info("Restored lifecycle state of {} saved at {}", store.get().file(), saved.savedAt());
        });
        for (String spec : specs) {
            SourceStatus status = new SourceStatus(spec);
            synchronized (statuses) {
                statuses.add(status);
            }
            Thread thread = new Thread(() -> runSource(spec, factory, status), "source " + spec);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        store.ifPresent(s -> saver.scheduleWithFixedDelay(this::saveIfDirty, SAVE_INTERVAL.toMillis(),
                SAVE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS));
        ready.set(true);
    }

    private void runSource(String spec, SourceFactory factory, SourceStatus status) {
        SourceSink sink = new SourceSink(engine, status, checkpoints, () -> dirty.set(true));
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
                    LOG.info("source {}: finished reading; its metrics stay as they are", spec);
                }
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (SourceException | RuntimeException e) {
                status.up(false);
                status.error(e instanceof SourceException ? "source_failed" : "internal_error");
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

    public EngineSnapshot snapshot() {
        return engine.snapshot();
    }

    public List<SourceStatus.Snapshot> sourceSnapshots() {
        synchronized (statuses) {
            return statuses.stream().map(SourceStatus::snapshot).toList();
        }
    }

    /** True once the saved state is loaded and the sources started: before that, metrics could falsely read OK. */
    public boolean isReady() {
        return ready.get();
    }

    /** Waits for one-shot sources to finish reading; for tests and tools. */
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
        return true;
    }

    private void saveIfDirty() {
        if (dirty.getAndSet(false)) {
            save();
        }
    }

    /**
     * Synchronized: the saver thread and {@link #close} share one temp file, and two writers interleaving in it
     * could rename a half-written state into place.
     */
    private synchronized void save() {
        store.ifPresent(s -> {
            byte[] json;
            synchronized (engine) {
                json = StateStore.serialize(new PersistedState(PersistedState.CURRENT_VERSION, Instant.now(),
                        engine.exportState(), Map.copyOf(checkpoints)));
            }
            try {
                s.write(json);
            } catch (IOException | RuntimeException e) {
                dirty.set(true);
                LOG.error("Cannot write state file {}: {}", s.file(), e.getMessage());
            }
        });
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
        // Not shutdownNow: interrupting a save in progress would close its file channel and lose that write.
        saver.shutdown();
        try {
            saver.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        save();
    }
}
