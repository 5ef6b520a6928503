package io.github.exchangevss.lifecycle;

import java.util.Arrays;

/** Cumulative histogram of completed backup durations, rendered by the metrics collector. */
public final class DurationHistogram {
    /** Upper bounds in seconds: 1 min to 16 h, the range of Exchange database backups. */
    public static final double[] BUCKETS = {60, 300, 900, 1800, 3600, 7200, 14400, 28800, 57600};

    private final long[] counts = new long[BUCKETS.length];
    private long count;
    private double sum;

    public DurationHistogram() {}

    /** A histogram that goes on from a saved snapshot. */
    DurationHistogram(Snapshot saved) {
        System.arraycopy(saved.cumulativeCounts(), 0, counts, 0, counts.length);
        count = saved.count();
        sum = saved.sum();
    }

    public void observe(double seconds) {
        for (int i = 0; i < BUCKETS.length; i++) {
            if (seconds <= BUCKETS[i]) {
                counts[i]++;
            }
        }
        count++;
        sum += seconds;
    }

    public Snapshot snapshot() {
        return new Snapshot(counts.clone(), count, sum);
    }

    /** @param cumulativeCounts observations at or below each of {@link #BUCKETS}; {@code count} is the +Inf bucket */
    public record Snapshot(long[] cumulativeCounts, long count, double sum) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Snapshot s && Arrays.equals(cumulativeCounts, s.cumulativeCounts)
                    && count == s.count && sum == s.sum;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(cumulativeCounts) * 31 + Long.hashCode(count);
        }
    }
}
