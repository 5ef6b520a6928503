package io.github.exchangevss.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** {@code promtool check metrics} on an exposition, for the tests that lint what the collector writes. */
final class PromtoolCheck {
    private PromtoolCheck() {}

    /**
     * promtool's findings on the exposition; empty when it has none. Skips the calling test when promtool is not
     * on PATH, except under {@code CI=true}, where that fails.
     */
    static String checkMetrics(String exposition) throws IOException, InterruptedException {
        boolean present = System.getenv("PATH") != null && List.of(System.getenv("PATH").split(File.pathSeparator))
                .stream().anyMatch(dir -> Files.isExecutable(Path.of(dir, "promtool")));
        if (!present) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("promtool is not on PATH; CI must install it (Debian package prometheus)");
            }
            Assumptions.abort("promtool is not on PATH; install the Debian package prometheus to lint the exposition");
        }
        Process process = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(exposition.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        return output;
    }
}
