package io.github.exchangevss.source.windows;

import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.source.EventSink;
import io.github.exchangevss.source.SourceError;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Keeps everything a source hands over, for assertions; waits for it with a deadline. */
final class RecordingSink implements EventSink {
    private static final long DEADLINE_MILLIS = 10_000;

    private final List<EventRecord> events = new ArrayList<>();
    private final List<String> checkpoints = new ArrayList<>();
    /** How many events had been accepted when each checkpoint came. */
    private final List<Integer> acceptedAtCheckpoints = new ArrayList<>();
    private final List<SourceError> errors = new ArrayList<>();
    private final List<Boolean> ups = new ArrayList<>();
    private long missed;

    @Override
    public synchronized void accept(EventRecord event) {
        events.add(event);
        notifyAll();
    }

    @Override
    public synchronized void checkpoint(String position) {
        checkpoints.add(position);
        acceptedAtCheckpoints.add(events.size());
        notifyAll();
    }

    @Override
    public synchronized void error(SourceError error) {
        errors.add(error);
        notifyAll();
    }

    @Override
    public synchronized void up(boolean up) {
        ups.add(up);
        notifyAll();
    }

    @Override
    public synchronized void missed(long count) {
        missed += count;
        notifyAll();
    }

    synchronized List<EventRecord> events() {
        return List.copyOf(events);
    }

    synchronized List<Integer> eventIds() {
        return events.stream().map(EventRecord::eventId).toList();
    }

    synchronized List<String> checkpoints() {
        return List.copyOf(checkpoints);
    }

    synchronized List<Integer> acceptedAtCheckpoints() {
        return List.copyOf(acceptedAtCheckpoints);
    }

    synchronized String lastCheckpoint() {
        return checkpoints.isEmpty() ? null : checkpoints.get(checkpoints.size() - 1);
    }

    synchronized List<SourceError> errors() {
        return List.copyOf(errors);
    }

    synchronized List<String> errorKinds() {
        return errors.stream().map(SourceError::kind).toList();
    }

    synchronized List<Boolean> ups() {
        return List.copyOf(ups);
    }

    synchronized boolean isUp() {
        return !ups.isEmpty() && ups.get(ups.size() - 1);
    }

    synchronized long missed() {
        return missed;
    }

    void awaitEvents(int count) throws InterruptedException {
        await(() -> events.size() >= count, "events: " + count);
    }

    void awaitErrors(String kind, int count) throws InterruptedException {
        await(() -> errors.stream().filter(e -> e.kind().equals(kind)).count() >= count, count + " errors of kind " + kind);
    }

    /** Waits until the source is up after having been down {@code downs} times. */
    void awaitUpAfter(int downs) throws InterruptedException {
        await(() -> ups.stream().filter(u -> !u).count() >= downs && !ups.isEmpty() && ups.get(ups.size() - 1),
                "up after " + downs + " failures");
    }

    /** Waits until the last checkpoint puts {@code channel} at {@code recordId}. */
    void awaitPosition(String channel, long recordId) throws InterruptedException {
        await(() -> !checkpoints.isEmpty() && Long.valueOf(recordId).equals(
                BookmarkList.parse(checkpoints.get(checkpoints.size() - 1)).recordIds().get(channel)),
                "checkpoint at " + channel + " record " + recordId + "; checkpoints " + checkpoints);
    }

    private synchronized void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.currentTimeMillis() + DEADLINE_MILLIS;
        while (!condition.getAsBoolean()) {
            long left = end - System.currentTimeMillis();
            if (left <= 0) {
                throw new AssertionError("timed out waiting for " + what + "; events " + eventIds() + ", errors "
                        + errors + ", up " + ups);
            }
            wait(left);
        }
    }
}
