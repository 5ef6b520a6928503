package io.github.exchangevss.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RollingFileStreamTest {
    @TempDir
    Path dir;

    @Test
    void rollsWholeLinesOverAndKeepsOnlyTheNewestFiles() throws Exception {
        RollingFileStream stream = new RollingFileStream(dir.resolve("logs"), "exporter", 100, 2);
        try (PrintStream out = new PrintStream(stream, true, StandardCharsets.UTF_8)) {
            for (int i = 0; i < 20; i++) {
                out.println("line " + i + " " + "x".repeat(30)); // 39 bytes: two lines a file
            }
        }
        assertThat(Files.readAllLines(stream.current())).hasSize(2).first().asString().startsWith("line 18 ");
        assertThat(Files.readAllLines(stream.rolled(1))).hasSize(2).first().asString().startsWith("line 16 ");
        assertThat(Files.readAllLines(stream.rolled(2))).hasSize(2).first().asString().startsWith("line 14 ");
        assertThat(stream.rolled(3)).doesNotExist();
    }

    @Test
    void neverSplitsALineWrittenInPieces() throws Exception {
        RollingFileStream stream = new RollingFileStream(dir, "exporter", 10, 3);
        try (PrintStream out = new PrintStream(stream, true, StandardCharsets.UTF_8)) {
            out.print("0123456789");
            out.print("abc");
            out.println();
            out.println("next");
        }
        assertThat(Files.readAllLines(stream.rolled(1))).containsExactly("0123456789abc");
        assertThat(Files.readAllLines(stream.current())).containsExactly("next");
    }

    @Test
    void appendsToTheFileOfAnEarlierRun() throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("exporter.log"), "earlier\n");
        try (PrintStream out = new PrintStream(new RollingFileStream(dir, "exporter", 1000, 2), true, StandardCharsets.UTF_8)) {
            out.println("now");
        }
        assertThat(Files.readAllLines(dir.resolve("exporter.log"))).containsExactly("earlier", "now");
    }
}
