package io.github.exchangevss.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AppliedRecordsTest {
    private static final long SEED = Long.getLong("applied.seed", System.nanoTime());
    private static final Instant T = Instant.parse("2026-11-20T01:00:00Z");

    /** Record IDs applied in increasing order with gaps: a skipped one is a duplicate exactly when it was applied. */
    @Test
    void tellsDuplicatesFromEventsThatCameOutOfOrder() {
        Random random = new Random(SEED);
        for (int run = 0; run < 2000; run++) {
            List<Long> ids = new ArrayList<>();
            long id = random.nextInt(1000);
            int count = 1 + random.nextInt(60);
            for (int i = 0; i < count; i++) {
                id += 1 + (random.nextInt(3) == 0 ? random.nextInt(5) : 0);
                ids.add(id);
            }
            Set<Long> applied = new HashSet<>();
            AppliedRecords records = null;
            for (long recordId : ids) {
                if (random.nextInt(4) == 0) {
                    continue; // this one is not applied now: it may come later, out of order
                }
                if (records == null) {
                    records = AppliedRecords.first(recordId, T.plusSeconds(recordId));
                } else {
                    assertThat(records.classify(recordId, T.plusSeconds(recordId))).isEqualTo(AppliedRecords.Verdict.NEW);
                    records.add(recordId, T.plusSeconds(recordId));
                }
                applied.add(recordId);
            }
            if (records == null) {
                continue;
            }
            List<Long> again = new ArrayList<>(ids);
            Collections.shuffle(again, random);
            for (long recordId : again) {
                AppliedRecords.Verdict verdict = records.classify(recordId, T.plusSeconds(recordId));
                if (recordId > records.lastRecordId()) {
                    assertThat(verdict).isEqualTo(AppliedRecords.Verdict.NEW);
                } else {
                    assertThat(verdict).as("record %d of %s, applied %s (seed %d)", recordId, ids, applied, SEED)
                            .isEqualTo(applied.contains(recordId) ? AppliedRecords.Verdict.DUPLICATE
                                    : AppliedRecords.Verdict.OUT_OF_ORDER);
                }
            }
        }
    }

    @Test
    void beyondTheRangeLimitTheOldestGapsCountAsApplied() {
        AppliedRecords records = AppliedRecords.first(0, T);
        for (int i = 1; i <= AppliedRecords.MAX_RANGES + 5; i++) {
            records.add(i * 10L, T.plusSeconds(i));
        }
        assertThat(records.ranges()).hasSize(AppliedRecords.MAX_RANGES);
        assertThat(records.classify(5, T)).isEqualTo(AppliedRecords.Verdict.DUPLICATE);
        assertThat(records.classify(10 * (AppliedRecords.MAX_RANGES + 5) - 5, T)).isEqualTo(AppliedRecords.Verdict.OUT_OF_ORDER);
    }
}
