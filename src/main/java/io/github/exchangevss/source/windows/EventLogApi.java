package io.github.exchangevss.source.windows;

import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * The few Windows Event Log (wevtapi) calls the live source needs, in plain Java types.
 *
 * <p>{@link WevtapiEventLogApi} is the only implementation that talks to Windows; everything that decides
 * what to call and what a failure means lives in {@link WindowsEventSource}, so it can be tested on any OS
 * against a fake. Failures are {@link EventLogException}s carrying the Win32 error code.
 */
public interface EventLogApi {

    /** Opens the local event log ({@code login} null) or a remote server's through EvtOpenSession. */
    Session openSession(RemoteLogin login) throws EventLogException;

    /** A bookmark from its XML (EvtCreateBookmark), or an empty one when {@code xml} is null. */
    Bookmark createBookmark(String xml) throws EventLogException;

    /** Where a subscription starts. */
    enum Start {
        /** Only events logged from now on. */
        FUTURE,
        /** Every event still in the log (narrowed by {@link SubscriptionQuery#lookback()}), then the live ones. */
        OLDEST,
        /**
         * The events after the bookmarked record. When that record is gone the subscription begins after the record
         * closest to it (EVT_SUBSCRIBE_FLAGS documentation), so a wrap or a clear passes unnoticed: the caller
         * compares the bookmark with {@link Session#logInfo} itself.
         */
        AFTER_BOOKMARK,
        /**
         * As {@link #AFTER_BOOKMARK}, with EvtSubscribeStrict: fails with {@link Win32Error#ERROR_NOT_FOUND} or
         * {@link Win32Error#ERROR_EVT_QUERY_RESULT_INVALID_POSITION} when the bookmarked record is gone, and may fail
         * with {@link Win32Error#ERROR_EVT_QUERY_RESULT_STALE} when the log rolled over while the query was set up.
         */
        AFTER_BOOKMARK_STRICT
    }

    /** A handle that must be closed (EvtClose). Closing twice is harmless. */
    interface Handle extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Where a channel's log stands (EvtGetLogInfo): the record number of its oldest record and how many it holds.
     * Record numbers of one log are consecutive, so the newest is {@code oldest + count - 1}; an empty log has none.
     */
    record LogInfo(long oldest, long count) {
        public long newest() {
            return count == 0 ? 0 : oldest + count - 1;
        }
    }

    interface Session extends Handle {
        /** EvtGetLogInfo of the channel (EvtLogOldestRecordNumber, EvtLogNumberOfLogRecords). */
        LogInfo logInfo(String channel) throws EventLogException;

        /**
         * Subscribes in pull mode with a signal event (EvtSubscribe); {@code bookmark} only for the AFTER_BOOKMARK
         * starts. Fails with {@link Win32Error#ERROR_EVT_CHANNEL_NOT_FOUND} or {@link Win32Error#ERROR_ACCESS_DENIED}.
         */
        Subscription subscribe(SubscriptionQuery query, Start start, Bookmark bookmark) throws EventLogException;

        /**
         * Blocks until at least one subscription is signalled or {@code timeout} passed, and returns the signalled
         * ones (none after a timeout). The signals are auto-reset events, consumed by this call: a new subscription
         * starts signalled, and Windows sets the signal again for events logged from then on, also while they are
         * being read, so nothing waits unseen.
         */
        List<Subscription> await(Collection<Subscription> subscriptions, Duration timeout) throws InterruptedException;
    }

    interface Subscription extends Handle {
        /**
         * One EvtNext call for up to {@code max} events in log order, without waiting. When none are there it fails
         * as Windows does, with ERROR_NO_MORE_ITEMS, or ERROR_INVALID_OPERATION when its signal was not set
         * ({@link Win32Error#nothingToRead}).
         */
        List<Event> next(int max) throws EventLogException;
    }

    interface Event extends Handle {
        /** The event as XML (EvtRender, EvtRenderEventXml). */
        String renderXml() throws EventLogException;

        /**
         * The event's message text (EvtFormatMessage), English first, else in the system language; null when the
         * provider's messages are not available. Never called for forwarded events (it can crash in native code).
         */
        String formatMessage(String provider);
    }

    interface Bookmark extends Handle {
        /** Moves the bookmark to {@code event} (EvtUpdateBookmark). */
        void update(Event event) throws EventLogException;

        /** The bookmark as XML (EvtRender, EvtRenderBookmark). */
        String toXml() throws EventLogException;
    }
}
