package io.github.exchangevss.lifecycle;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What was applied from one computer's channel: the last record (what tells a new event from one not to apply)
 * and the record IDs applied, as ranges (what tells a duplicate from an event that came out of order).
 * At most {@link #MAX_RANGES} ranges are kept; beyond that the oldest two merge, so an old event that fell in
 * the gap between them counts as a duplicate.
 */
final class AppliedRecords {
    static final int MAX_RANGES = 64;

    enum Verdict { NEW, DUPLICATE, OUT_OF_ORDER }

    private long lastRecordId;
    private Instant lastTime;
    /** From → to, both inclusive. */
    private final TreeMap<Long, Long> ranges = new TreeMap<>();

    AppliedRecords(long lastRecordId, Instant lastTime, List<long[]> ranges) {
        this.lastRecordId = lastRecordId;
        this.lastTime = lastTime;
        ranges.forEach(r -> this.ranges.put(r[0], r[1]));
    }

    static AppliedRecords first(long recordId, Instant time) {
        return new AppliedRecords(recordId, time, List.of(new long[] {recordId, recordId}));
    }

    long lastRecordId() {
        return lastRecordId;
    }

    Instant lastTime() {
        return lastTime;
    }

    List<long[]> ranges() {
        List<long[]> out = new ArrayList<>(ranges.size());
        ranges.forEach((from, to) -> out.add(new long[] {from, to}));
        return out;
    }

    /**
     * An event is new when its record ID is above the last one applied, or its time is newer (a cleared log
     * starts again at low record IDs); else it was applied already or came after newer ones.
     */
    Verdict classify(long recordId, Instant time) {
        if (recordId > lastRecordId || time.isAfter(lastTime)) {
            return Verdict.NEW;
        }
        Map.Entry<Long, Long> range = ranges.floorEntry(recordId);
        return range != null && recordId <= range.getValue() ? Verdict.DUPLICATE : Verdict.OUT_OF_ORDER;
    }

    void add(long recordId, Instant time) {
        if (recordId <= lastRecordId) {
            ranges.clear(); // a newer event at a lower record ID: the log was cleared and counts again
        }
        lastRecordId = recordId;
        lastTime = time;
        Map.Entry<Long, Long> below = ranges.floorEntry(recordId);
        long from = recordId;
        long to = recordId;
        if (below != null && below.getValue() >= recordId - 1) {
            from = below.getKey();
            to = Math.max(below.getValue(), recordId);
        }
        Map.Entry<Long, Long> above = ranges.higherEntry(recordId);
        if (above != null && above.getKey() <= to + 1) {
            ranges.remove(above.getKey());
            to = Math.max(to, above.getValue());
        }
        ranges.put(from, to);
        if (ranges.size() > MAX_RANGES) {
            Map.Entry<Long, Long> oldest = ranges.pollFirstEntry();
            Map.Entry<Long, Long> next = ranges.pollFirstEntry();
            ranges.put(oldest.getKey(), next.getValue());
        }
    }
}
