package io.github.exchangevss.source.windows;

import java.time.Duration;
import java.util.Objects;

/** Capped exponential backoff: initial, twice that, ... up to max; {@link #reset} after a success. */
final class Backoff {
    private final Duration initial;
    private final Duration max;
    private Duration next;

    Backoff(Duration initial, Duration max) {
        this.initial = Objects.requireNonNull(initial, "initial");
        this.max = Objects.requireNonNull(max, "max");
        this.next = initial;
    }

    /** The wait before the next attempt; each call doubles the following one, up to the cap. */
    Duration next() {
        Duration current = next;
        Duration doubled = current.multipliedBy(2);
        next = doubled.compareTo(max) > 0 ? max : doubled;
        return current.compareTo(max) > 0 ? max : current;
    }

    void reset() {
        next = initial;
    }
}
