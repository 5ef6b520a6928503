package io.github.exchangevss.source;

import static io.github.exchangevss.source.windows.Win32Error.*;

import java.util.Set;

/**
 * The error kinds each kind of source meets most often, exported at 0 from the start so that the first error of
 * a kind is an increase Prometheus can see rather than a new series (whose first sample {@code increase()} misses).
 * Rarer kinds still appear with their first error.
 */
public final class SourceErrorKinds {
    private static final Set<String> FILES = Set.of("file_missing", "read_error", "malformed_event", "bad_chunk_magic",
            "chunk_crc", "bad_record", "truncated");
    private static final Set<String> WINDOWS = Set.of(kind(ERROR_ACCESS_DENIED), kind(ERROR_LOGON_FAILURE),
            kind(RPC_S_SERVER_UNAVAILABLE), kind(ERROR_EVT_CHANNEL_NOT_FOUND), KIND_MALFORMED_EVENT, KIND_LOG_WRAPPED,
            KIND_LOG_CLEARED, "win32_error");

    private SourceErrorKinds() {}

    /** The common kinds of the source {@code spec} ({@code xml:PATH}, {@code evtx:PATH}, {@code windows[:HOST]}, {@code demo}). */
    public static Set<String> common(String spec) {
        if (spec.startsWith("xml:") || spec.startsWith("evtx:")) {
            return FILES;
        }
        if (spec.equals("windows") || spec.startsWith("windows:")) {
            return WINDOWS;
        }
        return Set.of();
    }
}
