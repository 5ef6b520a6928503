package io.github.exchangevss.lifecycle;

import java.util.Arrays;

/** Cumulative histogram of completed backup durations, rendered by the metrics collector. */
public final class DurationHistogram {
    /** Upper bounds in seconds: 1 min to 16 h, the range of Exchange database backups. */
    public static final double[] BUCKETS = {60, 300, 900, 1800, 3600, 7200, 14400, 28800, 57600};

    /** The latest observation of a histogram restored from a format that did not keep it. */
    public static final double UNKNOWN_LAST = 0;

    private final long[] counts = new long[BUCKETS.length];
    private long count;
    private double sum;
    /** The latest observation, for the per-computer gauge of the last backup's duration. */
    private double last;

    public DurationHistogram() {}

    /** A histogram that goes on from a saved snapshot. */
    DurationHistogram(Snapshot saved) {
        System.arraycopy(saved.cumulativeCounts(), 0, counts, 0, counts.length);
        count = saved.count();
        sum = saved.sum();
        last = saved.last();
    }

    public void observe(double seconds) {
        for (int i = 0; i < BUCKETS.length; i++) {
            if (seconds <= BUCKETS[i]) {
                counts[i]++;
            }
        }
        count++;
        sum += seconds;
        last = seconds;
    }

    public Snapshot snapshot() {
        return new Snapshot(counts.clone(), count, sum, last);
    }

    /**
     * @param cumulativeCounts observations at or below each of {@link #BUCKETS}; {@code count} is the +Inf bucket
     * @param last             the latest observation; meaningless while {@code count} is 0, {@link #UNKNOWN_LAST}
     *                         when restored from a format that did not keep it
     */
    public record Snapshot(long[] cumulativeCounts, long count, double sum, double last) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Snapshot s && Arrays.equals(cumulativeCounts, s.cumulativeCounts)
                    && count == s.count && sum == s.sum && last == s.last;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(cumulativeCounts) * 31 + Long.hashCode(count);
        }
    }
}
