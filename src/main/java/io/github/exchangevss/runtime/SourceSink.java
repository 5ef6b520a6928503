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
        status.eventRead(event.timeCreated());
        if (engine.apply(event)) {
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
        status.error(error.kind());
        LOG.warn("source {}: {}", status.name(), error);
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
