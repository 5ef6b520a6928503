package io.github.exchangevss.event;

import java.time.Instant;

/** Windows FILETIME (100 ns ticks since 1601-01-01 UTC) to and from {@link Instant}, keeping every tick. */
public final class FileTime {
    /** Seconds between 1601-01-01 and 1970-01-01. */
    private static final long EPOCH_DIFF_SECONDS = 11_644_473_600L;
    private static final long TICKS_PER_SECOND = 10_000_000L;

    private FileTime() {}

    public static Instant toInstant(long fileTime) {
        long seconds = Long.divideUnsigned(fileTime, TICKS_PER_SECOND) - EPOCH_DIFF_SECONDS;
        long ticks = Long.remainderUnsigned(fileTime, TICKS_PER_SECOND);
        return Instant.ofEpochSecond(seconds, ticks * 100);
    }

    public static long fromInstant(Instant instant) {
        return (instant.getEpochSecond() + EPOCH_DIFF_SECONDS) * TICKS_PER_SECOND + instant.getNano() / 100;
    }
}
