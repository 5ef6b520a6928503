package io.github.exchangevss.simulator;

import java.time.Instant;

/**
 * A moment at which the simulator knows the truth about one server and the log can show it.

 */
record Check(Instant at, String computer, Situation situation, Phase phase) {
    enum Phase {
        /** Right after a refusal (9607). */
        AT_REFUSAL,
        /** In the afternoon, long after the night's jobs ended. */
        DAILY
    }

    /** The row of the score table this check counts in. */
    String row() {
        return situation + " / " + phase;
    }
}
