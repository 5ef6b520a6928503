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
         * The events after the bookmarked one. Strict: fails with {@link Win32Error#ERROR_NOT_FOUND} or
         * {@link Win32Error#ERROR_EVT_QUERY_RESULT_INVALID_POSITION} when the bookmarked event is gone, and a
         * running subscription reports {@link Win32Error#ERROR_EVT_QUERY_RESULT_STALE} when events are
         * overwritten before they are read, instead of silently skipping them.
         */
        AFTER_BOOKMARK
    }

    /** A handle that must be closed (EvtClose). Closing twice is harmless. */
    interface Handle extends AutoCloseable {
        @Override
        void close();
    }

    interface Session extends Handle {
        /** Fails with {@link Win32Error#ERROR_EVT_CHANNEL_NOT_FOUND} or {@link Win32Error#ERROR_ACCESS_DENIED}. */
        void checkChannel(String channel) throws EventLogException;

        /** The record ID of the oldest event still in the channel (EvtGetLogInfo, EvtLogOldestRecordNumber). */
        long oldestRecordId(String channel) throws EventLogException;

        /** Subscribes with a signal event (EvtSubscribe, pull mode); {@code bookmark} only for AFTER_BOOKMARK. */
        Subscription subscribe(SubscriptionQuery query, Start start, Bookmark bookmark) throws EventLogException;

        /** Blocks until one of the subscriptions may have events, or {@code timeout} passed. */
        void await(Collection<Subscription> subscriptions, Duration timeout) throws InterruptedException;
    }

    interface Subscription extends Handle {
        /** Up to {@code max} events in log order without blocking (EvtNext); empty when none are waiting. */
        List<Event> next(int max) throws EventLogException;
    }

    interface Event extends Handle {
        /** The event as XML (EvtRender, EvtRenderEventXml). */
        String renderXml() throws EventLogException;

        /** The event's message text (EvtFormatMessage), or null when the provider's messages are not available. */
        String formatMessage(String provider);
    }

    interface Bookmark extends Handle {
        /** Moves the bookmark to {@code event} (EvtUpdateBookmark). */
        void update(Event event) throws EventLogException;

        /** The bookmark as XML (EvtRender, EvtRenderBookmark). */
        String toXml() throws EventLogException;
    }
}
