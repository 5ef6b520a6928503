package io.github.exchangevss.source;

import io.github.exchangevss.event.EventRecord;

/** Receives what a source reads. Implementations are thread-safe: every source runs on its own thread. */
public interface EventSink {

    /** Takes effect with the next {@link #checkpoint}: an event is applied only together with a position covering it. */
    void accept(EventRecord event);

    /**
     * Everything accepted so far is covered by {@code position} (a wevtapi bookmark, per-file record IDs): the
     * events accepted since the last checkpoint are applied and saved in one commit with it, so a restart resumes
     * right after the last event that was saved, and no event is applied or counted twice.
     */
    void checkpoint(String position);

    /**
     * The source has read what existed when it started (files: a first pass over them; an event log: up to its
     * end) and checkpointed it; the exporter reports ready once every source has. Calling it again does nothing.
     */
    default void caughtUp() {}

    /** Something could not be read; reading goes on. Counted in {@code exchange_vss_source_errors_total}. */
    void error(SourceError error);

    /** Whether the source currently works ({@code exchange_vss_source_up}). */
    void up(boolean up);

    /** Events that were lost before they could be read, e.g. the log wrapped past the bookmark. */
    void missed(long count);
}
