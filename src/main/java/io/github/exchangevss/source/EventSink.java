package io.github.exchangevss.source;

import io.github.exchangevss.event.EventRecord;

/** Receives what a source reads. Implementations are thread-safe: every source runs on its own thread. */
public interface EventSink {

    void accept(EventRecord event);

    /**
     * Everything accepted so far is covered by {@code position} (a wevtapi bookmark, per-file record IDs):
     * it is persisted together with the lifecycle state, so a restart resumes right after it.
     */
    void checkpoint(String position);

    /** Something could not be read; reading goes on. Counted in {@code exchange_vss_source_errors_total}. */
    void error(SourceError error);

    /** Whether the source currently works ({@code exchange_vss_source_up}). */
    void up(boolean up);

    /** Events that were lost before they could be read, e.g. the log wrapped past the bookmark. */
    void missed(long count);
}
