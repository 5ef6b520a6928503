package io.github.exchangevss.lifecycle;

import java.time.Instant;

/**
 * Events read per computer, provider, event ID and level: summed over the computers they are
 * {@code exchange_vss_events_total}; per computer they give the last times and the writers seen.
 */
public record EventCount(String computer, String provider, int eventId, Integer level, long count, Instant lastTimestamp) {}
