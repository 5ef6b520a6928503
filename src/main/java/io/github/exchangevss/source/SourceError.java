package io.github.exchangevss.source;

import java.util.Objects;

/**
 * One problem met while reading.
 *
 * @param kind     a short bounded label value, e.g. {@code malformed_event}, {@code bad_chunk}, {@code access_denied}
 * @param location where: a file name with offset or line, a channel, a host
 * @param message  what, for the log line
 */
public record SourceError(String kind, String location, String message) {
    public SourceError {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return location + ": " + message + " (" + kind + ")";
    }
}
