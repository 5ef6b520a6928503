package io.github.exchangevss.source.windows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Settings of one live Windows event log source (one server). Keys under {@code source.windows.}:
 * {@code channels}, {@code queries}, {@code server}, {@code username}, {@code password-file},
 * {@code password-env}, {@code lookback}, {@code backoff.initial}, {@code backoff.max}.
 *
 * <p>The password itself is never part of the configuration: only the file or the environment variable
 * that holds it, read each time a session is opened (so a rotated password is picked up on the next retry).
 *
 * @param server       the remote server, or null for the local event log
 * @param username     DOMAIN&#92;user, {@code user@domain} or {@code user}; null for the service account
 * @param passwordFile a file whose first line is the password; only with {@code username}
 * @param passwordEnv  the name of an environment variable holding the password; only with {@code username}
 * @param lookback     how much history to read on the first start (no bookmark yet) to rebuild the state
 */
public record WindowsSourceConfig(
        List<String> channels,
        List<String> queries,
        String server,
        String username,
        Path passwordFile,
        String passwordEnv,
        Duration lookback,
        Duration initialBackoff,
        Duration maxBackoff) {

    public static final List<String> DEFAULT_CHANNELS = List.of("Application");
    public static final List<String> DEFAULT_QUERIES = List.of("*[System[Provider[@Name='MSExchangeIS']]]");
    public static final Duration DEFAULT_LOOKBACK = Duration.ofDays(7);
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(1);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMinutes(5);

    /** @throws IllegalArgumentException with a message that starts with the offending key */
    public WindowsSourceConfig {
        channels = List.copyOf(require(channels, "source.windows.channels"));
        queries = List.copyOf(require(queries, "source.windows.queries"));
        if (channels.isEmpty() || channels.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("source.windows.channels: needs at least one channel name, and no empty one");
        }
        if (channels.stream().distinct().count() != channels.size()) {
            throw new IllegalArgumentException("source.windows.channels: a channel is listed twice: " + channels);
        }
        if (queries.isEmpty() || queries.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("source.windows.queries: needs at least one XPath query, and no empty one");
        }
        server = blankToNull(server);
        username = blankToNull(username);
        passwordEnv = blankToNull(passwordEnv);
        positive(require(lookback, "source.windows.lookback"), "source.windows.lookback");
        positive(require(initialBackoff, "source.windows.backoff.initial"), "source.windows.backoff.initial");
        positive(require(maxBackoff, "source.windows.backoff.max"), "source.windows.backoff.max");
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("source.windows.backoff.max: " + maxBackoff
                    + " is shorter than source.windows.backoff.initial " + initialBackoff);
        }
        boolean hasPassword = passwordFile != null || passwordEnv != null;
        if (passwordFile != null && passwordEnv != null) {
            throw new IllegalArgumentException(
                    "source.windows.password-file: give either it or source.windows.password-env, not both");
        }
        if (username != null && server == null) {
            throw new IllegalArgumentException("source.windows.username: only used with source.windows.server;"
                    + " the local event log is read as the service account");
        }
        if (username != null && !hasPassword) {
            throw new IllegalArgumentException("source.windows.username: needs source.windows.password-file"
                    + " or source.windows.password-env (a password is never taken from the command line)");
        }
        if (username == null && hasPassword) {
            throw new IllegalArgumentException((passwordFile != null ? "source.windows.password-file" : "source.windows.password-env")
                    + ": needs source.windows.username");
        }
    }

    /** The defaults: the local Application log, provider MSExchangeIS, 7 days of lookback. */
    public static WindowsSourceConfig defaults() {
        return new WindowsSourceConfig(DEFAULT_CHANNELS, DEFAULT_QUERIES, null, null, null, null,
                DEFAULT_LOOKBACK, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF);
    }

    /** The {@code source} label value: {@code windows} for the local log, {@code windows:HOST} for a remote one. */
    public String sourceName() {
        return server == null ? "windows" : "windows:" + server;
    }

    /**
     * The login for EvtOpenSession, reading the password now; null for the local log.
     *
     * @param environment the process environment ({@link System#getenv()})
     * @throws IOException naming the file or variable when the password cannot be read
     */
    RemoteLogin login(Map<String, String> environment) throws IOException {
        if (server == null) {
            return null;
        }
        if (username == null) {
            return new RemoteLogin(server, null, null, null);
        }
        String domain = null;
        String user = username;
        int backslash = username.indexOf('\\');
        if (backslash >= 0) {
            domain = username.substring(0, backslash);
            user = username.substring(backslash + 1);
        }
        return new RemoteLogin(server, domain, user, readPassword(environment));
    }

    private String readPassword(Map<String, String> environment) throws IOException {
        if (passwordEnv != null) {
            String value = environment.get(passwordEnv);
            if (value == null || value.isEmpty()) {
                throw new IOException("source.windows.password-env: environment variable " + passwordEnv + " is not set");
            }
            return value;
        }
        List<String> lines = Files.readAllLines(passwordFile, StandardCharsets.UTF_8);
        String first = lines.isEmpty() ? "" : stripBom(lines.get(0));
        if (first.isEmpty()) {
            throw new IOException("source.windows.password-file: " + passwordFile + " is empty");
        }
        return first;
    }

    // Notepad and PowerShell 5 (Out-File -Encoding utf8) write a byte order mark.
    private static String stripBom(String line) {
        return line.startsWith("\uFEFF") ? line.substring(1) : line;
    }

    private static <T> T require(T value, String key) {
        if (value == null) {
            throw new IllegalArgumentException(key + ": missing");
        }
        return value;
    }

    private static void positive(Duration value, String key) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(key + ": must be longer than zero, got " + value);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
