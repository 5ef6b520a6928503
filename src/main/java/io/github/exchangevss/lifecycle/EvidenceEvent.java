package io.github.exchangevss.lifecycle;

import java.time.Instant;

/** One MSExchangeIS event kept as evidence for a diagnosis: what the status page and diagnose show. */
public record EvidenceEvent(Instant time, long recordId, int eventId, String description) {}
