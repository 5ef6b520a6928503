package io.github.exchangevss.lifecycle;

import java.time.Instant;

/** Events read per computer, provider, event ID and level ({@code exchange_vss_events_total}). */
public record EventCount(String computer, String provider, int eventId, Integer level, long count, Instant lastTimestamp) {}
