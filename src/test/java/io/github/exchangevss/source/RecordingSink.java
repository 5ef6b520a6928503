package io.github.exchangevss.source;

import io.github.exchangevss.event.EventRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/** Keeps everything a source hands over, for assertions; waits for it with a deadline. Shared by the source tests. */
public class RecordingSink implements EventSink {
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

    public synchronized List<EventRecord> events() {
        return List.copyOf(events);
    }

    public synchronized List<Integer> eventIds() {
        return events.stream().map(EventRecord::eventId).toList();
    }

    public synchronized List<String> checkpoints() {
        return List.copyOf(checkpoints);
    }

    public synchronized List<Integer> acceptedAtCheckpoints() {
        return List.copyOf(acceptedAtCheckpoints);
    }

    /** The newest checkpoint, or null before the first. */
    public synchronized String lastCheckpoint() {
        return checkpoints.isEmpty() ? null : checkpoints.get(checkpoints.size() - 1);
    }

    public synchronized List<SourceError> errors() {
        return List.copyOf(errors);
    }

    public synchronized List<String> errorKinds() {
        return errors.stream().map(SourceError::kind).toList();
    }

    public synchronized List<Boolean> ups() {
        return List.copyOf(ups);
    }

    public synchronized boolean isUp() {
        return !ups.isEmpty() && ups.get(ups.size() - 1);
    }

    public synchronized long missed() {
        return missed;
    }

    public void awaitEvents(int count) throws InterruptedException {
        await(() -> events.size() >= count, "events: " + count);
    }

    public void awaitErrors(String kind, int count) throws InterruptedException {
        await(() -> errors.stream().filter(e -> e.kind().equals(kind)).count() >= count, count + " errors of kind " + kind);
    }

    /** Waits until the source is up after having been down {@code downs} times. */
    public void awaitUpAfter(int downs) throws InterruptedException {
        await(() -> ups.stream().filter(u -> !u).count() >= downs && !ups.isEmpty() && ups.get(ups.size() - 1),
                "up after " + downs + " failures");
    }

    /** Waits until the last checkpoint satisfies {@code condition} (a wevtapi bookmark, a file position...). */
    public void awaitCheckpoint(Predicate<String> condition, String what) throws InterruptedException {
        await(() -> !checkpoints.isEmpty() && condition.test(checkpoints.get(checkpoints.size() - 1)),
                what + "; checkpoints " + checkpoints);
    }

    /** The up/down reports with repeats collapsed: sources that poll say "up" on every pass. */
    public synchronized List<Boolean> upChanges() {
        List<Boolean> changes = new ArrayList<>();
        for (Boolean up : ups) {
            if (changes.isEmpty() || !changes.get(changes.size() - 1).equals(up)) {
                changes.add(up);
            }
        }
        return changes;
    }

    public synchronized List<Long> recordIds() {
        return events.stream().map(EventRecord::recordId).toList();
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
