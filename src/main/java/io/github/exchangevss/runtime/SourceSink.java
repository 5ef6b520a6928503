package io.github.exchangevss.runtime;

import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.lifecycle.LifecycleEngine;
import io.github.exchangevss.source.EventSink;
import io.github.exchangevss.source.SourceError;
import io.github.exchangevss.source.SourceStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects one source to the engine, its health metrics and the persisted checkpoints. Events wait here until
 * the source checkpoints a position covering them; then they are applied and the position recorded under the
 * engine's monitor, so that the state the runtime commits and the positions it commits with it always agree.
 * One sink per source, called from that source's thread.
 */
final class SourceSink implements EventSink {
    private static final Logger LOG = LoggerFactory.getLogger(SourceSink.class);
    private static final long LOGGED_IN_FULL = 20;
    private static final long LOG_EVERY = 1000;

    private final LifecycleEngine engine;
    private final SourceStatus status;
    private final Map<String, String> checkpoints;
    private final Runnable onChange;
    private final Runnable onCaughtUp;
    private final List<EventRecord> pending = new ArrayList<>();

    /**
     * @param checkpoints shared by all sources; guarded by the engine's monitor
     * @param onChange    called when there is something new to commit; under the engine's monitor after a checkpoint
     * @param onCaughtUp  called when the source has read what existed when it started
     */
    SourceSink(LifecycleEngine engine, SourceStatus status, Map<String, String> checkpoints, Runnable onChange,
            Runnable onCaughtUp) {
        this.engine = engine;
        this.status = status;
        this.checkpoints = checkpoints;
        this.onChange = onChange;
        this.onCaughtUp = onCaughtUp;
    }

    @Override
    public void accept(EventRecord event) {
        pending.add(event);
    }

    @Override
    public void checkpoint(String position) {
        synchronized (engine) {
            for (EventRecord event : pending) {
                engine.apply(status.name(), event);
                status.eventRead(event.timeCreated());
            }
            checkpoints.put(status.name(), position);
            onChange.run();
        }
        pending.clear();
    }

    @Override
    public void caughtUp() {
        onCaughtUp.run();
    }

    @Override
    public void error(SourceError error) {
        // A badly damaged file can hold thousands of bad events: the log names the first ones, then samples.
        long count = status.error(error.kind());
        onChange.run();
        if (count <= LOGGED_IN_FULL) {
            LOG.warn("source {}: {}{}", status.name(), error, count == LOGGED_IN_FULL
                    ? "; further errors of this kind are logged every " + LOG_EVERY + "th" : "");
        } else if (count % LOG_EVERY == 0) {
            LOG.warn("source {}: {} ({} errors of this kind so far)", status.name(), error, count);
        }
    }

    @Override
    public void up(boolean up) {
        // A followed source says it is up at every poll: only a change is worth a commit (a fleet's state file is
        // tens of MB).
        if (status.up(up)) {
            onChange.run();
        }
    }

    @Override
    public void missed(long count) {
        status.missed(count);
        onChange.run();
        LOG.warn("source {}: {} events were lost before they could be read", status.name(), count);
    }
}
