package io.github.exchangevss.runtime;

import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.lifecycle.LifecycleEngine;
import io.github.exchangevss.source.EventSink;
import io.github.exchangevss.source.SourceError;
import io.github.exchangevss.source.SourceStatus;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Connects one source to the engine, its health metrics and the persisted checkpoints. */
final class SourceSink implements EventSink {
    private static final Logger LOG = LoggerFactory.getLogger(SourceSink.class);
    private static final long LOGGED_IN_FULL = 20;
    private static final long LOG_EVERY = 1000;

    private final LifecycleEngine engine;
    private final SourceStatus status;
    private final Map<String, String> checkpoints;
    private final Runnable onChange;

    /**
     * @param checkpoints shared by all sources; guarded by the engine's monitor so that a saved state and
     *                    the checkpoints saved with it always agree
     */
    SourceSink(LifecycleEngine engine, SourceStatus status, Map<String, String> checkpoints, Runnable onChange) {
        this.engine = engine;
        this.status = status;
        this.checkpoints = checkpoints;
        this.onChange = onChange;
    }

    @Override
    public void accept(EventRecord event) {
        boolean applied = engine.apply(status.name(), event);
        status.eventRead(event.timeCreated());
        if (applied) {
            onChange.run();
        }
    }

    @Override
    public void checkpoint(String position) {
        synchronized (engine) {
            checkpoints.put(status.name(), position);
        }
        onChange.run();
    }

    @Override
    public void error(SourceError error) {
        // A badly damaged file can hold thousands of bad events: the log names the first ones, then samples.
        long count = status.error(error.kind());
        if (count <= LOGGED_IN_FULL) {
            LOG.warn("source {}: {}{}", status.name(), error, count == LOGGED_IN_FULL
                    ? "; further errors of this kind are logged every " + LOG_EVERY + "th" : "");
        } else if (count % LOG_EVERY == 0) {
            LOG.warn("source {}: {} ({} errors of this kind so far)", status.name(), error, count);
        }
    }

    @Override
    public void up(boolean up) {
        status.up(up);
    }

    @Override
    public void missed(long count) {
        status.missed(count);
        LOG.warn("source {}: {} events were lost before they could be read", status.name(), count);
    }
}
