package io.github.exchangevss.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A few SIGKILLs of the shaded jar while it follows a growing export (see {@link CrashSoak}); {@code -Dsoak.kills=100}
 * runs the long soak, {@code -Dsoak.seed=...} repeats one.
 */
class CrashSoakIT {
    @TempDir
    Path workDir;

    @Test
    void killedAtRandomMomentsItNeverShowsLessThanBeforeAndEndsAsDiagnose() throws Exception {
        long seed = Long.getLong("soak.seed", System.nanoTime());
        CrashSoak.Result result = new CrashSoak(seed, Integer.getInteger("soak.kills", 6),
                Integer.getInteger("soak.servers", 20), workDir).run();
        System.out.println("Crash soak: " + result.summary());
        assertThat(result.violations()).as("crash soak, seed %d", seed).isEmpty();
        assertThat(result.kills()).isEqualTo(Integer.getInteger("soak.kills", 6));
        assertThat(result.scrapes()).as("scrapes that got an answer").isPositive();
    }
}
