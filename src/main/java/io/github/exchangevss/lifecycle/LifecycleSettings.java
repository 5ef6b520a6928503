package io.github.exchangevss.lifecycle;

import java.time.Duration;

/**
 * @param activeTimeout an attempt with progress within this long counts as still running (KB Method 1)
 * @param stuckAfter    a set flag with no progress for this long is stuck even without a refusal
 */
public record LifecycleSettings(Duration activeTimeout, Duration stuckAfter) {
    public static final LifecycleSettings DEFAULTS = new LifecycleSettings(Duration.ofMinutes(30), Duration.ofHours(6));

    public LifecycleSettings {
        if (activeTimeout.isNegative() || activeTimeout.isZero()) {
            throw new IllegalArgumentException("backup.active-timeout must be positive");
        }
        if (stuckAfter.isNegative() || stuckAfter.isZero()) {
            throw new IllegalArgumentException("backup.stuck-after must be positive");
        }
    }
}
