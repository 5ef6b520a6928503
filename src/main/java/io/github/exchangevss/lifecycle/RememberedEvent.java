package io.github.exchangevss.lifecycle;

import java.time.Instant;

/** An evidence event as the engine keeps it: with the id of the attempt it belongs to (0 for none). */
record RememberedEvent(Instant time, long recordId, int eventId, String description, long attemptId) {
    static final long NO_ATTEMPT = 0;

    EvidenceEvent toEvidence(boolean flagSetter) {
        return new EvidenceEvent(time, recordId, eventId, description, flagSetter);
    }
}
