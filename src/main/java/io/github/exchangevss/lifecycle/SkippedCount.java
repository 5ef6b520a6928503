package io.github.exchangevss.lifecycle;

/** Events a source delivered that were not applied, per reason ({@code exchange_vss_source_events_skipped_total}). */
public record SkippedCount(String source, SkipReason reason, long count) {}
