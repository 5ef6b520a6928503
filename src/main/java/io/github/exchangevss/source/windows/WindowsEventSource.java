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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the live Windows event log of one server: a pull subscription (EvtSubscribe with a signal event) per
 * configured channel, resumed from a bookmark, with faults reported and retried.
 *
 * <ul>
 *   <li><b>Reading.</b> A subscription is read only when its signal is set, and then until EvtNext says there is
 *       nothing more ({@link Win32Error#nothingToRead}): an idle source makes no call but the wait, also on a
 *       remote session where every EvtNext is an RPC.</li>
 *   <li><b>Delivery.</b> Each batch of events is rendered to XML, parsed by {@link XmlEventReader#parseEvent},
 *       given its message text when the provider's messages are available, and passed to the sink; then the
 *       channel's bookmark is moved past it (EvtUpdateBookmark) and the positions of all channels go to
 *       {@link EventSink#checkpoint} as one {@link BookmarkList}. A checkpoint never covers an event the sink
 *       has not accepted, and every accepted event is covered by the next checkpoint.</li>
 *   <li><b>Progress past other events.</b> The subscription sees only matching events, but the log fills with
 *       others; so the position also moves to the newest record the log held a {@link Pacing#progressInterval}
 *       ago, when the subscription has nothing waiting. A restart after those records were overwritten then finds
 *       nothing missed.</li>
 *   <li><b>First start.</b> A channel without a bookmark is read from {@code lookback} ago, then live, in one
 *       subscription, so history and live events neither overlap nor leave a gap.</li>
 *   <li><b>Restart.</b> Subscriptions start after the saved position, strictly except on ForwardedEvents. When the
 *       bookmarked record is gone, the channel's oldest record number tells a wrap (records overwritten after the
 *       position: counted as missed) from a clear (record numbers started again).</li>
 *   <li><b>Clearing.</b> Event 104 in System (and 1102 in Security when Security is read) is watched by an
 *       extra subscription and reported as {@code log_cleared} for the channel it names (see {@link #logCleared}).</li>
 *   <li><b>Faults.</b> Any failed call takes the source down ({@link EventSink#up} false), is counted under a
 *       bounded kind ({@link Win32Error#kind}) with a log line that says what to fix, and everything is
 *       subscribed again after a capped exponential backoff, from the in-memory positions.</li>
 * </ul>
 */
public final class WindowsEventSource implements EventSource {
    private static final Logger log = LoggerFactory.getLogger(WindowsEventSource.class);

    /** Events asked for per EvtNext call, at first; see {@link #batchSize}. */
    static final int BATCH_SIZE = 64;

    private static final String EVENTLOG_PROVIDER = "Microsoft-Windows-Eventlog";
    private static final int SYSTEM_LOG_CLEARED = 104;
    private static final int SECURITY_LOG_CLEARED = 1102;
    private static final String SECURITY = "Security";
    /**
     * The collector's channel. Its bookmarks go stale, so a strict subscription fails on it again and again
     * (winlogbeat #36020, fixed by subscribing without EvtSubscribeStrict there in #36309); and EvtFormatMessage on its
     * events can crash the process in native code (beats #34705, telegraf #12328), while the collector rendered
     * their message already when the subscription asks for RenderedText.
     */
    static final String FORWARDED_EVENTS = "ForwardedEvents";
    /** Event 104 names the cleared channel in its UserData; 1102 is always about Security. */
    private static final Pattern CLEARED_CHANNEL = Pattern.compile("<UserData>.*?<Channel>([^<]*)</Channel>", Pattern.DOTALL);
    /**
     * Characters XML 1.0 does not allow, raw or as a character reference. EvtRender passes them through from
     * event data (OpenTelemetry's windows input strips them for the same reason, contrib PR #46436).
     */
    private static final Pattern ILLEGAL_XML = Pattern.compile(
            "[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\uFFFE\\uFFFF]|[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])"
                    + "|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]|&#(?:x0*(?:[0-8bBcCeEfF]|1[0-9a-fA-F]|[fF]{3}[eEfF])|0*(?:[0-8]|1[124-9]|2[0-9]|3[01]|6553[45]));");

    /** Waits between attempts; returns early when the source is closed. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /**
     * How often the source looks around.
     *
     * @param maxWait          longest wait for a signal before looking at {@link #close} again
     * @param progressInterval how old the newest record number of a channel must be before the position moves to it
     *                         (see {@link #progress}); events logged before it have been signalled and read by then
     * @param clock            tells when a progress interval passed
     */
    record Pacing(Duration maxWait, Duration progressInterval, Clock clock) {
        static final Pacing DEFAULT = new Pacing(Duration.ofMillis(500), Duration.ofMinutes(1), Clock.systemUTC());
    }

    private final WindowsSourceConfig config;
    private final EventLogApi api;
    private final Map<String, String> environment;
    private final Sleeper sleeper;
    private final Pacing pacing;
    private final String checkpoint;
    private final CountDownLatch closed = new CountDownLatch(1);

    /** Channel to the bookmark of the last event applied from it; absent until the channel gave an event. */
    private final Map<String, EventLogApi.Bookmark> bookmarks = new LinkedHashMap<>();
    /** Channel to the newest record number known read past, matching or not: saved when above the bookmark. */
    private final Map<String, Long> progressed = new HashMap<>();
    /** Channel to the newest record number seen at a time, becoming {@link #progressed} one interval later. */
    private final Map<String, NewestSeen> newestSeen = new HashMap<>();
    /** Channel to the time of the last event applied from it, to tell whether it came before a clear. */
    private final Map<String, Instant> lastApplied = new HashMap<>();
    /** Events asked for per EvtNext call; halved each time a batch of large events does not fit one RPC reply. */
    private int batchSize = BATCH_SIZE;

    private record NewestSeen(long recordId, Instant at) {}

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
        return new WindowsEventSource(config, checkpoint, new WevtapiEventLogApi(), System.getenv(), null, Pacing.DEFAULT);
    }

    /**
     * @param sleeper waits between attempts; null to wait on the clock, cut short by {@link #close}
     */
    WindowsEventSource(WindowsSourceConfig config, String checkpoint, EventLogApi api, Map<String, String> environment,
            Sleeper sleeper, Pacing pacing) {
        this.config = Objects.requireNonNull(config, "config");
        this.checkpoint = checkpoint;
        this.api = Objects.requireNonNull(api, "api");
        this.environment = Map.copyOf(environment);
        this.sleeper = sleeper != null ? sleeper : duration -> closed.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        this.pacing = Objects.requireNonNull(pacing, "pacing");
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

    /**
     * Turns the saved checkpoint into one bookmark handle per configured channel it covers. Channel names are
     * matched ignoring case, as Windows matches them: a configuration that changed only their case keeps its place.
     */
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
        Map<String, Long> ids = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        ids.putAll(saved.recordIds());
        for (String channel : config.channels()) {
            Long recordId = ids.get(channel);
            if (recordId == null) {
                continue;
            }
            try {
                bookmarks.put(channel, api.createBookmark(BookmarkList.of(Map.of(channel, recordId)).toXml()));
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

    /**
     * One subscription per channel, then the clear watches. A missing channel fails its EvtSubscribe with
     * ERROR_EVT_CHANNEL_NOT_FOUND; no channel is checked beforehand with EvtOpenChannelConfig, which may need more
     * rights than reading and which no other reader calls.
     */
    private void subscribeAll(EventLogApi.Session session, List<ChannelSubscription> subscriptions, EventSink sink)
            throws EventLogException {
        newestSeen.clear(); // taken on the session that is gone
        for (String channel : config.channels()) {
            subscriptions.add(new ChannelSubscription(channel, false, subscribeChannel(session, channel, sink)));
        }
        watchClearing(session, subscriptions, sink);
    }

    private EventLogApi.Subscription subscribeChannel(EventLogApi.Session session, String channel, EventSink sink)
            throws EventLogException {
        Long position = position(channel);
        if (position == null) {
            return session.subscribe(new SubscriptionQuery(channel, config.queries(), config.lookback()),
                    EventLogApi.Start.OLDEST, null);
        }
        SubscriptionQuery query = new SubscriptionQuery(channel, config.queries(), null);
        try (EventLogApi.Bookmark bookmark = api.createBookmark(BookmarkList.of(Map.of(channel, position)).toXml())) {
            if (isForwarded(channel)) {
                reportLoss(channel, position, session.logInfo(channel), sink, false);
                return session.subscribe(query, EventLogApi.Start.AFTER_BOOKMARK, bookmark);
            }
            try {
                return session.subscribe(query, EventLogApi.Start.AFTER_BOOKMARK_STRICT, bookmark);
            } catch (EventLogException e) {
                if (e.code() == Win32Error.ERROR_EVT_QUERY_RESULT_STALE) {
                    // Not a lost bookmark: the log rolled over while the query was set up. Subscribing the same way
                    // could fail the same way for ever; without Strict it starts after the bookmark or the record
                    // closest to it, and the comparison with the oldest record tells what was lost.
                    log.warn("{}/{}: {}; subscribing again without EvtSubscribeStrict", name(), channel, e.getMessage());
                    reportLoss(channel, position, session.logInfo(channel), sink, false);
                    return session.subscribe(query, EventLogApi.Start.AFTER_BOOKMARK, bookmark);
                }
                if (!Win32Error.bookmarkGone(e.code())) {
                    throw e;
                }
            }
            EventLogApi.LogInfo info = session.logInfo(channel);
            if (info.oldest() <= position && position <= info.newest()) {
                // The record is there, so it is no wrap and no clear. EvtSeek's documentation places a bookmark that is
                // not in the result set by its record number; should a strict subscription still refuse one that does
                // not match the query (the position moves past other providers' records), it is read after it as is.
                log.info("{}/{}: record {} is in the log but a strict subscription refused it; subscribing after it"
                        + " without EvtSubscribeStrict", name(), channel, position);
                return session.subscribe(query, EventLogApi.Start.AFTER_BOOKMARK, bookmark);
            }
            reportLoss(channel, position, info, sink, true);
        }
        // Every record now in the log came after the bookmarked one, so none is read twice.
        return session.subscribe(query, EventLogApi.Start.OLDEST, null);
    }

    private static boolean isForwarded(String channel) {
        return channel.equalsIgnoreCase(FORWARDED_EVENTS);
    }

    /**
     * Compares the saved position with the oldest record still in the log. Above {@code position + 1}: the records in
     * between were overwritten unread, counted as missed. Equal: the log wrapped just up to it and nothing unread is
     * gone. Below, when the bookmarked record is known to be gone: the record numbers started again, so the log was
     * cleared, and the position is dropped with it.
     */
    private void reportLoss(String channel, long position, EventLogApi.LogInfo info, EventSink sink, boolean gone)
            throws EventLogException {
        String location = name() + "/" + channel;
        if (info.oldest() > position + 1) {
            long missed = info.oldest() - position - 1;
            String text = "the " + channel + " log wrapped past the saved position: records " + (position + 1) + " to "
                    + (info.oldest() - 1) + " were overwritten (or cleared) before they were read; enlarge the log"
                    + " (wevtutil sl " + channel + " /ms:BYTES) or keep the exporter running";
            log.warn("{}: {}", location, text);
            sink.error(new SourceError(Win32Error.KIND_LOG_WRAPPED, location, text));
            sink.missed(missed);
            // Counted once: the position moves up to the oldest record, also for a retry or a restart.
            progressed.put(channel, info.oldest() - 1);
            sink.checkpoint(checkpointXml());
        } else if (gone && info.oldest() == position + 1) {
            log.info("{}: the log wrapped up to the saved position {}; nothing unread was overwritten", location, position);
        } else if (gone) {
            String text = "the " + channel + " log was cleared after record " + position + "; reading it from its oldest record";
            log.warn("{}: {}", location, text);
            sink.error(new SourceError(Win32Error.KIND_LOG_CLEARED, location, text));
            forgetPosition(channel);
            sink.checkpoint(checkpointXml());
        }
    }

    /** Subscribes to the events that say a read channel was cleared; without them the source still works. */
    private void watchClearing(EventLogApi.Session session, List<ChannelSubscription> subscriptions, EventSink sink) {
        Map<String, Integer> watches = new LinkedHashMap<>();
        watches.put("System", SYSTEM_LOG_CLEARED);
        if (readsChannel(SECURITY)) {
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

    /** The configured spelling of {@code channel}, matched ignoring case as Windows does; null when not read. */
    private String configuredChannel(String channel) {
        return config.channels().stream().filter(c -> c.equalsIgnoreCase(channel)).findFirst().orElse(null);
    }

    private boolean readsChannel(String channel) {
        return configuredChannel(channel) != null;
    }

    /**
     * Reads until closed or a call fails: each round waits for signals and reads the signalled subscriptions
     * until they have nothing more. The backoff starts over only once reading worked, so a fault that comes back
     * right after each subscription is still retried ever more slowly.
     */
    private void pump(EventLogApi.Session session, List<ChannelSubscription> subscriptions, EventSink sink, Backoff backoff)
            throws EventLogException, InterruptedException {
        List<EventLogApi.Subscription> handles = subscriptions.stream().map(ChannelSubscription::subscription).toList();
        while (!isClosed()) {
            List<EventLogApi.Subscription> signalled = session.await(handles, pacing.maxWait());
            for (ChannelSubscription s : subscriptions) {
                if (signalled.contains(s.subscription())) {
                    drain(s, sink, backoff);
                }
            }
            if (signalled.isEmpty()) {
                // Nothing waiting: everything that existed when the source started is read.
                sink.caughtUp();
            }
            progress(session, subscriptions, signalled, sink);
        }
    }

    private void drain(ChannelSubscription s, EventSink sink, Backoff backoff) throws EventLogException {
        while (!isClosed()) {
            List<EventLogApi.Event> batch;
            try {
                batch = s.subscription().next(batchSize);
            } catch (EventLogException e) {
                if (Win32Error.nothingToRead(e.code())) {
                    backoff.reset();
                    return;
                }
                throw e;
            }
            backoff.reset();
            if (batch.isEmpty()) {
                return;
            }
            if (s.clearWatch()) {
                readClearEvents(batch, sink);
            } else {
                deliver(s.channel(), batch, sink);
            }
        }
    }

    /**
     * Moves each channel's position past the records the subscription passed over because they did not match. The
     * newest record number of a log is only trusted one {@link Pacing#progressInterval} after it was taken, in a
     * round where the subscription had nothing waiting: by then every matching record up to it has been signalled
     * and read. One EvtGetLogInfo per channel and interval, so little also for a remote session.
     */
    private void progress(EventLogApi.Session session, List<ChannelSubscription> subscriptions,
            List<EventLogApi.Subscription> signalled, EventSink sink) throws EventLogException {
        Instant now = pacing.clock().instant();
        boolean moved = false;
        for (ChannelSubscription s : subscriptions) {
            if (s.clearWatch() || signalled.contains(s.subscription())) {
                continue;
            }
            NewestSeen seen = newestSeen.get(s.channel());
            if (seen != null && now.isBefore(seen.at().plus(pacing.progressInterval()))) {
                continue;
            }
            if (seen != null) {
                Long position = position(s.channel());
                if (position == null || seen.recordId() > position) {
                    progressed.put(s.channel(), seen.recordId());
                    moved = true;
                }
            }
            newestSeen.put(s.channel(), new NewestSeen(session.logInfo(s.channel()).newest(), now));
        }
        if (moved) {
            sink.checkpoint(checkpointXml());
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
            event = XmlEventReader.parseEvent(withoutIllegalCharacters(xml));
        } catch (MalformedEventException e) {
            // The bookmark still moves past it: the same XML would fail again.
            sink.error(new SourceError(Win32Error.KIND_MALFORMED_EVENT, name() + "/" + channel, e.getMessage()));
            return;
        }
        // A message in the XML (RenderingInfo) needs no formatting; forwarded events are never formatted here.
        if (event.message() == null && !isForwarded(channel)) {
            String message = handle.formatMessage(event.provider());
            if (message != null) {
                event = event.toBuilder().message(message).build();
            }
        }
        sink.accept(event);
        lastApplied.put(channel, event.timeCreated());
    }

    static String withoutIllegalCharacters(String xml) {
        return ILLEGAL_XML.matcher(xml).replaceAll("");
    }

    private void readClearEvents(List<EventLogApi.Event> batch, EventSink sink) throws EventLogException {
        try {
            for (EventLogApi.Event handle : batch) {
                String xml = handle.renderXml();
                EventRecord event;
                try {
                    event = XmlEventReader.parseEvent(withoutIllegalCharacters(xml));
                } catch (MalformedEventException e) {
                    sink.error(new SourceError(Win32Error.KIND_MALFORMED_EVENT, name() + "/System", e.getMessage()));
                    continue;
                }
                String channel = configuredChannel(clearedChannel(event, xml));
                if (channel != null) {
                    logCleared(channel, event, sink);
                }
            }
        } finally {
            batch.forEach(EventLogApi.Event::close);
        }
    }

    /**
     * The channel's position now points into a log that no longer exists, and record numbers may start again
     * at 1, where a bookmark could match an unrelated new event. Unless an event logged after the clear was
     * applied already, the position is dropped and the checkpoint saved without it: a restart then reads the
     * channel from its oldest record, which is after the clear. Record numbers seen before the clear are forgotten
     * in any case.
     */
    private void logCleared(String channel, EventRecord clearEvent, EventSink sink) throws EventLogException {
        Instant last = lastApplied.get(channel);
        progressed.remove(channel);
        newestSeen.remove(channel);
        if (last == null || !last.isAfter(clearEvent.timeCreated())) {
            forgetPosition(channel);
        }
        sink.checkpoint(checkpointXml());
        String text = "the " + channel + " log was cleared at " + clearEvent.timeCreated() + " (event "
                + clearEvent.eventId() + "); events logged just before it may not have been read";
        log.warn("{}/{}: {}", name(), channel, text);
        sink.error(new SourceError(Win32Error.KIND_LOG_CLEARED, name() + "/" + channel, text));
    }

    private void forgetPosition(String channel) {
        EventLogApi.Bookmark bookmark = bookmarks.remove(channel);
        if (bookmark != null) {
            bookmark.close();
        }
        lastApplied.remove(channel);
        progressed.remove(channel);
        newestSeen.remove(channel);
    }

    private static String clearedChannel(EventRecord event, String xml) {
        if (event.eventId() == SECURITY_LOG_CLEARED) {
            return SECURITY;
        }
        Matcher m = CLEARED_CHANNEL.matcher(xml);
        return m.find() ? m.group(1).strip() : "";
    }

    /** The record number the channel is read up to: its bookmark, or further when other records were passed over. */
    private Long position(String channel) throws EventLogException {
        EventLogApi.Bookmark bookmark = bookmarks.get(channel);
        Long bookmarked = bookmark == null ? null : BookmarkList.parse(bookmark.toXml()).recordIds().get(channel);
        Long passed = progressed.get(channel);
        if (bookmarked == null || passed == null) {
            return bookmarked == null ? passed : bookmarked;
        }
        return Math.max(bookmarked, passed);
    }

    private String checkpointXml() throws EventLogException {
        Map<String, Long> positions = new LinkedHashMap<>();
        for (String channel : config.channels()) {
            Long position = position(channel);
            if (position != null) {
                positions.put(channel, position);
            }
        }
        return BookmarkList.of(positions).toXml();
    }

    private record ChannelSubscription(String channel, boolean clearWatch, EventLogApi.Subscription subscription) {}
}
