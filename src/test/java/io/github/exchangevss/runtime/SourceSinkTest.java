package io.github.exchangevss.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.exchangevss.lifecycle.LifecycleEngine;
import io.github.exchangevss.lifecycle.LifecycleSettings;
import io.github.exchangevss.source.SourceError;
import io.github.exchangevss.source.SourceStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import org.junit.jupiter.api.Test;

class SourceSinkTest {
    @Test
    void everyErrorIsCountedButTheLogNamesTheFirstOnesThenSamples() {
        SourceStatus status = new SourceStatus("xml:damaged");
        SourceSink sink = new SourceSink(new LifecycleEngine(LifecycleSettings.DEFAULTS, Instant::now), status,
                new HashMap<>(), () -> { }, () -> { });
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            for (int i = 1; i <= 2500; i++) {
                sink.error(new SourceError("malformed_event", "damaged.xml:" + i + ":1", "broken"));
            }
            sink.error(new SourceError("file_missing", "gone.xml", "missing"));
        } finally {
            System.setErr(original);
        }
        assertThat(status.snapshot().errors()).containsEntry("malformed_event", 2500L).containsEntry("file_missing", 1L);
        String log = captured.toString(StandardCharsets.UTF_8);
        // 20 in full, then the 1000th and the 2000th; the first error of another kind is logged at once.
        assertThat(log.lines().filter(l -> l.contains("malformed_event"))).hasSize(22);
        assertThat(log).contains("damaged.xml:20:1").doesNotContain("damaged.xml:21:1").contains("damaged.xml:2000:1")
                .contains("2000 errors of this kind so far").contains("gone.xml");
    }
}
