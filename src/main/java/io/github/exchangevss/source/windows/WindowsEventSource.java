package io.github.exchangevss.source.windows;

import com.sun.jna.Platform;
import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.source.EventSink;
import io.github.exchangevss.source.EventSource;
import io.github.exchangevss.source.SourceError;
import io.github.exchangevss.source.SourceException;
import io.github.exchangevss.source.xml.MalformedEventException;
import io.github.exchangevss.source.xml.XmlEventReader;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the live Windows event log of one server: a push subscription (EvtSubscribe with a signal event)
 * per configured channel, resumed from a bookmark, with faults reported and retried.
 *
 * <ul>
 *   <li><b>Delivery.</b> Each batch of events is rendered to XML, parsed by {@link XmlEventReader#parseEvent},
 *       given its message text when the provider's messages are available, and passed to the sink; then the
 *       channel's bookmark is moved past it (EvtUpdateBookmark) and the bookmarks of all channels go to
 *       {@link EventSink#checkpoint} as one {@link BookmarkList}. A checkpoint never covers an event the sink
 *       has not accepted, and every accepted event is covered by the next checkpoint.</li>
 *   <li><b>First start.</b> A channel without a bookmark is read from {@code lookback} ago, then live, in one
 *       subscription, so history and live events neither overlap nor leave a gap. History events go to the
 *       sink like live ones (and so into the counters): see docs/windows.md.</li>
 *   <li><b>Restart.</b> Subscriptions start strictly after the bookmark. When the bookmarked event is gone,
 *       the channel's oldest record number tells a wrap (records overwritten after the bookmark: counted as
 *       missed) from a clear (record numbers started again), and reading starts at the oldest record.</li>
 *   <li><b>Clearing.</b> Event 104 in System (and 1102 in Security when Security is read) is watched by an
 *       extra subscription and reported as {@code log_cleared} for the channel it names; that channel's bookmark is then dropped
 *       (see {@link #logCleared}).</li>
 *   <li><b>Faults.</b> Any failed call takes the source down ({@link EventSink#up} false), is counted under a
 *       bounded kind ({@link Win32Error#kind}) with a log line that says what to fix, and everything is
 *       subscribed again after a capped exponential backoff, from the in-memory bookmarks.</li>
 * </ul>
 */
public final class WindowsEventSource implements EventSource {
    private static final Logger log = LoggerFactory.getLogger(WindowsEventSource.class);

    /** Events asked for per EvtNext call, at first; see {@link #batchSize}. */
    static final int BATCH_SIZE = 64;
    /** Longest wait for the signal before looking at {@link #close} again. */
    static final Duration MAX_WAIT = Duration.ofMillis(500);

    private static final String EVENTLOG_PROVIDER = "Microsoft-Windows-Eventlog";
    private static final int SYSTEM_LOG_CLEARED = 104;
    private static final int SECURITY_LOG_CLEARED = 1102;
    private static final String SECURITY = "Security";
    /** Event 104 names the cleared channel in its UserData; 1102 is always about Security. */
    private static final Pattern CLEARED_CHANNEL = Pattern.compile("<UserData>.*?<Channel>([^<]*)</Channel>", Pattern.DOTALL);

    /** Waits between attempts; returns early when the source is closed. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final WindowsSourceConfig config;
    private final EventLogApi api;
    private final Map<String, String> environment;
    private final Sleeper sleeper;
    private final String checkpoint;
    private final CountDownLatch closed = new CountDownLatch(1);

    /** Channel to the bookmark of the last event applied from it; absent until the channel gave an event. */
    private final Map<String, EventLogApi.Bookmark> bookmarks = new LinkedHashMap<>();
    /** Channel to the time of the last event applied from it, to tell whether it came before a clear. */
    private final Map<String, Instant> lastApplied = new HashMap<>();
    /** Channel to the bookmarked record whose loss was already counted, so a retry does not count it again. */
    private final Map<String, Long> lossCounted = new HashMap<>();
    /** Events asked for per EvtNext call; halved each time a batch of large events does not fit one RPC reply. */
    private int batchSize = BATCH_SIZE;

    /** Why the live source cannot run elsewhere, and what to use instead. */
    public static final String NOT_ON_THIS_OS = "--source windows needs Windows; on this OS use --source xml:PATH,"
            + " --source evtx:PATH or --source demo";

    /**
     * The live source for Windows.
     *
     * @param checkpoint what this source last gave {@link EventSink#checkpoint}, or null on the first start
     * @throws SourceException when not running on Windows, naming the sources that work elsewhere
     */
    public static WindowsEventSource create(WindowsSourceConfig config, String checkpoint) throws SourceException {
        if (!Platform.isWindows()) {
            throw new SourceException(NOT_ON_THIS_OS);
        }
        return new WindowsEventSource(config, checkpoint, new WevtapiEventLogApi(), System.getenv(), null);
    }

    /**
     * @param sleeper waits between attempts; null to wait on the clock, cut short by {@link #close}
     */
    WindowsEventSource(WindowsSourceConfig config, String checkpoint, EventLogApi api, Map<String, String> environment,
            Sleeper sleeper) {
        this.config = Objects.requireNonNull(config, "config");
        this.checkpoint = checkpoint;
        this.api = Objects.requireNonNull(api, "api");
        this.environment = Map.copyOf(environment);
        this.sleeper = sleeper != null ? sleeper : duration -> closed.await(duration.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public String name() {
        return config.sourceName();
    }

    @Override
    public void run(EventSink sink) throws InterruptedException {
        Backoff backoff = new Backoff(config.initialBackoff(), config.maxBackoff());
        try {
            restoreBookmarks(sink);
            while (!isClosed()) {
                try (EventLogApi.Session session = api.openSession(config.login(environment))) {
                    List<ChannelSubscription> subscriptions = new ArrayList<>();
                    try {
                        subscribeAll(session, subscriptions, sink);
                        sink.up(true);
                        log.info("{}: reading {} live", name(), config.channels());
                        pump(session, subscriptions, sink, backoff);
                    } finally {
                        // Before the session they belong to.
                        subscriptions.forEach(s -> s.subscription().close());
                    }
                } catch (EventLogException e) {
                    if (e.code() == Win32Error.RPC_S_INVALID_BOUND && batchSize > 1) {
                        smallerBatches();
                        continue;
                    }
                    String hint = Win32Error.hint(e.code());
                    fault(sink, Win32Error.kind(e.code()), hint == null ? e.getMessage() : e.getMessage() + "; " + hint, backoff);
                } catch (IOException e) {
                    fault(sink, Win32Error.KIND_CREDENTIALS, e.getMessage(), backoff);
                }
            }
        } finally {
            bookmarks.values().forEach(EventLogApi.Bookmark::close);
            bookmarks.clear();
        }
    }

    @Override
    public void close() {
        closed.countDown();
    }

    private boolean isClosed() {
        return closed.getCount() == 0;
    }

    private void fault(EventSink sink, String kind, String message, Backoff backoff) throws InterruptedException {
        sink.up(false);
        sink.error(new SourceError(kind, name(), message));
        if (isClosed()) {
            return;
        }
        Duration wait = backoff.next();
        log.warn("{}: {} [{}]; subscribing again in {}", name(), message, kind, shortly(wait));
        sleeper.sleep(wait);
    }

    /**
     * EvtNext fails with RPC_S_INVALID_BOUND when the events of one batch are too large together for one RPC reply
     * (undocumented; seen by winlogbeat, osquery and others even at 64), and the subscription has moved past them
     * anyway. So the subscriptions are made again at once from the bookmarks, which cover only applied events,
     * and read with half as many events per call: nothing is lost or read twice, and nothing is wrong to report.
     */
    private void smallerBatches() {
        batchSize = Math.max(1, batchSize / 2);
        log.warn("{}: a batch of events was too large for one reply; reading {} at a time from the bookmarks",
                name(), batchSize);
    }

    /** Turns the saved checkpoint into one bookmark handle per configured channel it covers. */
    private void restoreBookmarks(EventSink sink) {
        if (checkpoint == null) {
            return;
        }
        BookmarkList saved;
        try {
            saved = BookmarkList.parse(checkpoint);
        } catch (IllegalArgumentException e) {
            badBookmark(sink, e.getMessage());
            return;
        }
        for (String channel : config.channels()) {
            String xml = saved.channelXml(channel);
            if (xml == null) {
                continue;
            }
            try {
                bookmarks.put(channel, api.createBookmark(xml));
            } catch (EventLogException e) {
                badBookmark(sink, e.getMessage());
            }
        }
    }

    private void badBookmark(EventSink sink, String message) {
        String text = "the saved bookmark cannot be used (" + message + "); reading " + shortly(config.lookback())
                + " of history instead";
        log.warn("{}: {}", name(), text);
        sink.error(new SourceError(Win32Error.KIND_BAD_BOOKMARK, name(), text));
    }

    /** 7d, 36h, 90m, 45s: the way durations are written in the configuration. */
    static String shortly(Duration d) {
        if (d.toSeconds() % 86_400 == 0) {
            return d.toDays() + "d";
        }
        if (d.toSeconds() % 3_600 == 0) {
            return d.toHours() + "h";
        }
        return d.toSeconds() % 60 == 0 ? d.toMinutes() + "m" : d.toSeconds() + "s";
    }

    private void subscribeAll(EventLogApi.Session session, List<ChannelSubscription> subscriptions, EventSink sink)
            throws EventLogException {
        for (String channel : config.channels()) {
            session.checkChannel(channel);
        }
        for (String channel : config.channels()) {
            subscriptions.add(new ChannelSubscription(channel, false, subscribeChannel(session, channel, sink)));
        }
        watchClearing(session, subscriptions, sink);
    }

    private EventLogApi.Subscription subscribeChannel(EventLogApi.Session session, String channel, EventSink sink)
            throws EventLogException {
        EventLogApi.Bookmark bookmark = bookmarks.get(channel);
        if (bookmark == null) {
            return session.subscribe(new SubscriptionQuery(channel, config.queries(), config.lookback()),
                    EventLogApi.Start.OLDEST, null);
        }
        SubscriptionQuery query = new SubscriptionQuery(channel, config.queries(), null);
        try {
            return session.subscribe(query, EventLogApi.Start.AFTER_BOOKMARK, bookmark);
        } catch (EventLogException e) {
            if (!Win32Error.bookmarkGone(e.code())) {
                throw e;
            }
        }
        reportLostBookmark(session, channel, bookmark, sink);
        // Every record now in the log came after the bookmarked one, so none is read twice.
        return session.subscribe(query, EventLogApi.Start.OLDEST, null);
    }

    private void reportLostBookmark(EventLogApi.Session session, String channel, EventLogApi.Bookmark bookmark,
            EventSink sink) throws EventLogException {
        long bookmarked = BookmarkList.parse(bookmark.toXml()).recordIds().getOrDefault(channel, 0L);
        long oldest = session.oldestRecordId(channel);
        String location = name() + "/" + channel;
        boolean firstReport = !Long.valueOf(bookmarked).equals(lossCounted.put(channel, bookmarked));
        if (oldest <= bookmarked + 1) {
            // Nothing after the bookmark can have been overwritten: the record is gone because the log was cleared.
            String text = "the " + channel + " log was cleared after record " + bookmarked + "; reading it from its oldest record";
            log.warn("{}: {}", location, text);
            sink.error(new SourceError(Win32Error.KIND_LOG_CLEARED, location, text));
        } else if (firstReport) {
            long missed = oldest - bookmarked - 1;
            String text = "the " + channel + " log wrapped past the bookmark: records " + (bookmarked + 1) + " to "
                    + (oldest - 1) + " were overwritten (or cleared) before they were read; enlarge the log (wevtutil sl "
                    + channel + " /ms:BYTES) or keep the exporter running";
            log.warn("{}: {}", location, text);
            sink.error(new SourceError(Win32Error.KIND_LOG_WRAPPED, location, text));
            if (missed > 0) {
                sink.missed(missed);
            }
        }
    }

    /** Subscribes to the events that say a read channel was cleared; without them the source still works. */
    private void watchClearing(EventLogApi.Session session, List<ChannelSubscription> subscriptions, EventSink sink) {
        Map<String, Integer> watches = new LinkedHashMap<>();
        watches.put("System", SYSTEM_LOG_CLEARED);
        if (config.channels().contains(SECURITY)) {
            watches.put(SECURITY, SECURITY_LOG_CLEARED);
        }
        for (Map.Entry<String, Integer> watch : watches.entrySet()) {
            String xpath = "*[System[Provider[@Name='" + EVENTLOG_PROVIDER + "'] and EventID=" + watch.getValue() + "]]";
            try {
                EventLogApi.Subscription subscription = session.subscribe(
                        new SubscriptionQuery(watch.getKey(), List.of(xpath), null), EventLogApi.Start.FUTURE, null);
                subscriptions.add(new ChannelSubscription(watch.getKey(), true, subscription));
            } catch (EventLogException e) {
                String text = "cannot watch for event " + watch.getValue() + " (log cleared): " + e.getMessage();
                log.warn("{}: {}", name(), text);
                sink.error(new SourceError(Win32Error.kind(e.code()), name() + "/" + watch.getKey(), text));
            }
        }
    }

    /**
     * Reads until closed or a call fails. The backoff starts over only once reading worked, so a fault that
     * comes back right after each subscription is still retried ever more slowly.
     */
    private void pump(EventLogApi.Session session, List<ChannelSubscription> subscriptions, EventSink sink, Backoff backoff)
            throws EventLogException, InterruptedException {
        List<EventLogApi.Subscription> handles = subscriptions.stream().map(ChannelSubscription::subscription).toList();
        while (!isClosed()) {
            boolean any = false;
            for (ChannelSubscription s : subscriptions) {
                List<EventLogApi.Event> batch = s.subscription().next(batchSize);
                backoff.reset();
                if (batch.isEmpty()) {
                    continue;
                }
                any = true;
                if (s.clearWatch()) {
                    readClearEvents(batch, sink);
                } else {
                    deliver(s.channel(), batch, sink);
                }
            }
            if (!any) {
                sink.caughtUp();
                session.await(handles, MAX_WAIT);
            }
        }
    }

    /** Applies a batch, then checkpoints what was applied, also when a call fails halfway. */
    private void deliver(String channel, List<EventLogApi.Event> batch, EventSink sink) throws EventLogException {
        int done = 0;
        try {
            for (EventLogApi.Event event : batch) {
                String xml = event.renderXml();
                apply(channel, xml, event, sink);
                bookmarks.computeIfAbsent(channel, c -> newBookmark()).update(event);
                event.close();
                done++;
            }
        } finally {
            batch.subList(done, batch.size()).forEach(EventLogApi.Event::close);
            if (done > 0) {
                sink.checkpoint(checkpointXml());
            }
        }
    }

    private EventLogApi.Bookmark newBookmark() {
        try {
            return api.createBookmark(null);
        } catch (EventLogException e) {
            // An empty bookmark needs no service call; failing here means the process is out of memory.
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private void apply(String channel, String xml, EventLogApi.Event handle, EventSink sink) {
        EventRecord event;
        try {
            event = XmlEventReader.parseEvent(xml);
        } catch (MalformedEventException e) {
            // The bookmark still moves past it: the same XML would fail again.
            sink.error(new SourceError(Win32Error.KIND_MALFORMED_EVENT, name() + "/" + channel, e.getMessage()));
            return;
        }
        if (event.message() == null) {
            String message = handle.formatMessage(event.provider());
            if (message != null) {
                event = event.toBuilder().message(message).build();
            }
        }
        sink.accept(event);
        lastApplied.put(channel, event.timeCreated());
    }

    private void readClearEvents(List<EventLogApi.Event> batch, EventSink sink) throws EventLogException {
        try {
            for (EventLogApi.Event handle : batch) {
                String xml = handle.renderXml();
                EventRecord event;
                try {
                    event = XmlEventReader.parseEvent(xml);
                } catch (MalformedEventException e) {
                    sink.error(new SourceError(Win32Error.KIND_MALFORMED_EVENT, name() + "/System", e.getMessage()));
                    continue;
                }
                String channel = clearedChannel(event, xml);
                if (channel != null && config.channels().contains(channel)) {
                    logCleared(channel, event, sink);
                }
            }
        } finally {
            batch.forEach(EventLogApi.Event::close);
        }
    }

    /**
     * The channel's bookmark now points into a log that no longer exists, and record numbers may start again
     * at 1, where a bookmark could match an unrelated new event. Unless an event logged after the clear was
     * applied already, the bookmark is dropped and the checkpoint saved without it: a restart then reads the
     * channel from its oldest record, which is after the clear.
     */
    private void logCleared(String channel, EventRecord clearEvent, EventSink sink) throws EventLogException {
        Instant last = lastApplied.get(channel);
        if (bookmarks.containsKey(channel) && (last == null || !last.isAfter(clearEvent.timeCreated()))) {
            bookmarks.remove(channel).close();
            lastApplied.remove(channel);
            sink.checkpoint(checkpointXml());
        }
        String text = "the " + channel + " log was cleared at " + clearEvent.timeCreated() + " (event "
                + clearEvent.eventId() + "); events logged just before it may not have been read";
        log.warn("{}/{}: {}", name(), channel, text);
        sink.error(new SourceError(Win32Error.KIND_LOG_CLEARED, name() + "/" + channel, text));
    }

    private static String clearedChannel(EventRecord event, String xml) {
        if (event.eventId() == SECURITY_LOG_CLEARED) {
            return SECURITY;
        }
        Matcher m = CLEARED_CHANNEL.matcher(xml);
        return m.find() ? m.group(1).strip() : null;
    }

    private String checkpointXml() throws EventLogException {
        Map<String, Long> positions = new LinkedHashMap<>();
        for (EventLogApi.Bookmark bookmark : bookmarks.values()) {
            positions.putAll(BookmarkList.parse(bookmark.toXml()).recordIds());
        }
        return BookmarkList.of(positions).toXml();
    }

    private record ChannelSubscription(String channel, boolean clearWatch, EventLogApi.Subscription subscription) {}
}
