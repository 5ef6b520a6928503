package io.github.exchangevss.lifecycle;

import java.time.Instant;

/**
 * One MSExchangeIS event kept as evidence for a diagnosis: what the status page and diagnose show.
 *
 * @param flagSetter the event belongs to the attempt that set the current flag
 */
public record EvidenceEvent(Instant time, long recordId, int eventId, String description, boolean flagSetter) {}
