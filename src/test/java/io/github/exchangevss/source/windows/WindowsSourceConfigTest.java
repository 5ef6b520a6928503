package io.github.exchangevss.source.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WindowsSourceConfigTest {
    private static final List<String> CHANNELS = List.of("Application");
    private static final List<String> QUERIES = WindowsSourceConfig.DEFAULT_QUERIES;
    private static final Duration DAY = Duration.ofDays(1);

    private static WindowsSourceConfig remote(String user, Path file, String env) {
        return new WindowsSourceConfig(CHANNELS, QUERIES, "EXCH02", user, file, env, DAY, Duration.ofSeconds(1), Duration.ofMinutes(1));
    }

    @Test
    void defaultsReadTheLocalApplicationLogForMSExchangeISWithAWeekOfHistory() {
        WindowsSourceConfig config = WindowsSourceConfig.defaults();

        assertThat(config.channels()).containsExactly("Application");
        assertThat(config.queries()).containsExactly("*[System[Provider[@Name='MSExchangeIS']]]");
        assertThat(config.lookback()).isEqualTo(Duration.ofDays(7));
        assertThat(config.server()).isNull();
        assertThat(config.sourceName()).isEqualTo("windows");
    }

    @Nested
    class Channels {
        @Test
        void needAtLeastOneNonEmptyNameAndNoRepeats() {
            assertThatThrownBy(() -> new WindowsSourceConfig(List.of(), QUERIES, null, null, null, null, DAY, DAY, DAY))
                    .hasMessageStartingWith("source.windows.channels:");
            assertThatThrownBy(() -> new WindowsSourceConfig(List.of(" "), QUERIES, null, null, null, null, DAY, DAY, DAY))
                    .hasMessageStartingWith("source.windows.channels:");
            assertThatThrownBy(() -> new WindowsSourceConfig(List.of("Application", "Application"), QUERIES, null, null,
                    null, null, DAY, DAY, DAY)).hasMessageStartingWith("source.windows.channels:");
        }
    }

    @Nested
    class Queries {
        @Test
        void needAtLeastOne() {
            assertThatThrownBy(() -> new WindowsSourceConfig(CHANNELS, List.of(), null, null, null, null, DAY, DAY, DAY))
                    .hasMessageStartingWith("source.windows.queries:");
        }
    }

    @Nested
    class Durations {
        @Test
        void mustBePositiveAndTheCapNoShorterThanTheStart() {
            assertThatThrownBy(() -> new WindowsSourceConfig(CHANNELS, QUERIES, null, null, null, null, Duration.ZERO, DAY, DAY))
                    .hasMessageStartingWith("source.windows.lookback:");
            assertThatThrownBy(() -> new WindowsSourceConfig(CHANNELS, QUERIES, null, null, null, null, DAY, Duration.ofSeconds(-1), DAY))
                    .hasMessageStartingWith("source.windows.backoff.initial:");
            assertThatThrownBy(() -> new WindowsSourceConfig(CHANNELS, QUERIES, null, null, null, null, DAY,
                    Duration.ofMinutes(2), Duration.ofMinutes(1))).hasMessageStartingWith("source.windows.backoff.max:");
            assertThatThrownBy(() -> new WindowsSourceConfig(CHANNELS, QUERIES, null, null, null, null, null, DAY, DAY))
                    .hasMessage("source.windows.lookback: missing");
        }
    }

    @Nested
    class Credentials {
        @TempDir
        Path dir;

        @Test
        void aUserNeedsAServerAndAPasswordFromAFileOrTheEnvironmentNotBoth() {
            assertThatThrownBy(() -> new WindowsSourceConfig(CHANNELS, QUERIES, null, "svc", null, "PW", DAY, DAY, DAY))
                    .hasMessageStartingWith("source.windows.username:").hasMessageContaining("source.windows.server");
            assertThatThrownBy(() -> remote("svc", null, null))
                    .hasMessageStartingWith("source.windows.username:").hasMessageContaining("never taken from the command line");
            assertThatThrownBy(() -> remote(null, null, "PW")).hasMessageStartingWith("source.windows.password-env:");
            assertThatThrownBy(() -> remote("svc", dir.resolve("pw"), "PW")).hasMessageStartingWith("source.windows.password-file:");
        }

        @Test
        void theServiceAccountIsUsedWithoutAUser() throws IOException {
            assertThat(WindowsSourceConfig.defaults().login(Map.of())).isNull();
            assertThat(remote(null, null, null).login(Map.of())).isEqualTo(new RemoteLogin("EXCH02", null, null, null));
        }

        @Test
        void thePasswordIsTheFirstLineOfTheFileWithoutAByteOrderMark() throws IOException {
            Path file = dir.resolve("password.txt");
            Files.writeString(file, "\uFEFFp@ss word\r\nignored\r\n", StandardCharsets.UTF_8);

            RemoteLogin login = remote("CONTOSO\\svc-vss", file, null).login(Map.of());

            assertThat(login).isEqualTo(new RemoteLogin("EXCH02", "CONTOSO", "svc-vss", "p@ss word"));
            assertThat(login.toString()).isEqualTo("EXCH02 as CONTOSO\\svc-vss").doesNotContain("p@ss");
        }

        @Test
        void aUserPrincipalNameIsPassedWhole() throws IOException {
            RemoteLogin login = remote("svc-vss@contoso.local", null, "PW").login(Map.of("PW", "x"));

            assertThat(login).isEqualTo(new RemoteLogin("EXCH02", null, "svc-vss@contoso.local", "x"));
        }

        @Test
        void anEmptyFileOrUnsetVariableNamesTheKey() throws IOException {
            Path empty = Files.createFile(dir.resolve("empty"));
            assertThatThrownBy(() -> remote("svc", empty, null).login(Map.of()))
                    .isInstanceOf(IOException.class).hasMessageStartingWith("source.windows.password-file:");
            assertThatThrownBy(() -> remote("svc", null, "PW").login(Map.of()))
                    .isInstanceOf(IOException.class).hasMessageStartingWith("source.windows.password-env:").hasMessageContaining("PW");
        }
    }
}
