package io.github.exchangevss.source.windows;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void doublesUpToTheCapAndStartsOverAfterReset() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(10));

        assertThat(Stream.generate(backoff::next).limit(6).map(Duration::toSeconds)).containsExactly(1L, 2L, 4L, 8L, 10L, 10L);
        backoff.reset();
        assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void neverWaitsLongerThanTheCapEvenWhenTheStartIsLonger() {
        Backoff backoff = new Backoff(Duration.ofMinutes(10), Duration.ofMinutes(5));

        assertThat(backoff.next()).isEqualTo(Duration.ofMinutes(5));
    }
}
