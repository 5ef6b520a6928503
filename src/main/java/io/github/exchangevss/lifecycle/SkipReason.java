package io.github.exchangevss.lifecycle;

import java.util.Locale;

/** Why an event was not applied: the {@code reason} label of {@code exchange_vss_source_events_skipped_total}. */
public enum SkipReason {
    /** Its record ID was applied already (a re-read file, overlapping exports, a replayed bookmark). */
    DUPLICATE,
    /** It is older than the last event applied on its computer and channel, and was never applied. */
    OUT_OF_ORDER;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
