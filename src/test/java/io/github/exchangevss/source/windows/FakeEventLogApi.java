package io.github.exchangevss.source.windows;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Windows Event Log in memory, behind {@link EventLogApi}: channels hold recorded event XML, replayed as
 * EvtRender would return it, and any call can be made to fail with a Win32 error code. Each behaviour below is
 * the real service's as documented or observed, with where it is written down:
 *
 * <ul>
 *   <li><b>Pull subscriptions and their signal.</b> A subscription's signal is an auto-reset event: set when it is
 *       made (the reader creates it set) and whenever a matching record is logged, and consumed by the wait that
 *       sees it (EvtSubscribe docs, "pull" model; DataDog pkg/util/winutil/eventlog/subscription uses an auto-reset
 *       event the same way). EvtNext with nothing to return fails with ERROR_NO_MORE_ITEMS when the signal is set and
 *       ERROR_INVALID_OPERATION (4317) when it is not (DataDog: "EvtNext returns ERROR_INVALID_OPERATION when it is
 *       called when the notify event is not set"; winlogbeat treats 4317 the same). Every EvtNext is counted, as on a
 *       remote session each one is an RPC (MS-EVEN6 EvtRpcRemoteSubscriptionNext).</li>
 *   <li><b>Queries.</b> {@code *[System[Provider[@Name='X'] and EventID=N]]} and {@code *}, and the lookback
 *       {@code <Suppress>} by TimeCreated against the fake's clock. Records that do not match take record numbers
 *       between the matching ones, as other providers' events do in Application.</li>
 *   <li><b>Record numbers</b> per channel, consecutive, so EvtGetLogInfo's oldest record and count give the newest
 *       (EVT_LOG_PROPERTY_ID docs). ForwardedEvents has its own numbers, unlike the EventRecordID in the forwarded XML
 *       (winlogbeat #1054: the collector's "read pointer").</li>
 *   <li><b>Wrap.</b> {@link #overwriteOldest} drops the oldest records, as a log at its maximum size with
 *       overwrite-as-needed does. A running subscription that had not read a matching record yet fails EvtNext with
 *       ERROR_EVT_QUERY_RESULT_STALE (15011; beats #36020 shows it on busy logs: "The query result is stale or invalid
 *       and must be recreated ... due to the log being cleared or rolling over").</li>
 *   <li><b>Bookmarks that are gone.</b> EvtSubscribeStrict after a record no longer in the log fails with
 *       ERROR_NOT_FOUND (1168) on a local session (EVT_SUBSCRIBE_FLAGS docs) and, in this fake, with
 *       ERROR_EVT_QUERY_RESULT_INVALID_POSITION (15012) on a remote one (winlogbeat and its forks handle both); a strict
 *       subscription on ForwardedEvents fails with 15011 even when the record is there ("bookmarks will be stale for
 *       forwarded events", beats PR #36309). Without Strict, a subscription after a missing record begins after the
 *       record closest to it (EVT_SUBSCRIBE_FLAGS docs), silently.</li>
 *   <li><b>Clear</b> with or without restarting the record numbers ({@link #clear}).</li>
 *   <li><b>Batches too large for one RPC reply</b> (RPC_S_INVALID_BOUND, 1734; seen by winlogbeat and osquery):
 *       {@link #limitBatch}; like Windows the subscription has moved past them.</li>
 *   <li><b>Messages.</b> EvtFormatMessage gives a provider's text in the language it has ({@link #messages}); on a
 *       forwarded event it can crash the process in native code (beats #34705, telegraf #12328), so the fake fails the
 *       test with {@link NativeCrash}. Events may carry RenderingInfo or not, and data with characters XML 1.0 does
 *       not allow, which EvtRender passes through (OpenTelemetry contrib PR #46436).</li>
 * </ul>
 *
 * <p>It counts open handles so tests can check that every one is closed.
 */
final class FakeEventLogApi implements EventLogApi {

    enum Call { OPEN_SESSION, LOG_INFO, SUBSCRIBE, NEXT, RENDER }

    /** What a real access violation in wevtapi.dll would do to the JVM: nothing Java could catch and go on from. */
    static final class NativeCrash extends Error {
        NativeCrash(String message) {
            super(message);
        }
    }

    /** What EvtCreateBookmark fails with for XML that is no bookmark. */
    private static final int ERROR_INVALID_PARAMETER = 87;
    /** How long a wait really blocks at most; the fake clock moves by the whole timeout. */
    private static final long REAL_WAIT_MILLIS = 20;

    private static final Pattern RECORD_TIME = Pattern.compile("SystemTime='([^']+)'");
    private static final Pattern PROVIDER = Pattern.compile("<Provider Name='([^']+)'");
    private static final Pattern EVENT_ID = Pattern.compile("<EventID[^>]*>(\\d+)</EventID>");
    private static final Pattern QUERY_PROVIDER = Pattern.compile("@Name='([^']+)'");
    private static final Pattern QUERY_EVENT_ID = Pattern.compile("EventID=(\\d+)");
    private static final Pattern BOOKMARK = Pattern.compile("<Bookmark Channel='([^']+)' RecordId='(\\d+)'");

    private final Instant start;
    private final Object lock = new Object();
    /** Channel names are case-insensitive in Windows. */
    private final Map<String, Channel> channels = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final Deque<Failure> failures = new ArrayDeque<>();
    /** Provider to its message text per language tag. */
    private final Map<String, Map<String, String>> messages = new LinkedHashMap<>();
    private final Map<String, Integer> batchLimits = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final List<RemoteLogin> logins = new ArrayList<>();
    private final List<Subscribed> subscribed = new ArrayList<>();
    private final List<FakeSubscription> live = new ArrayList<>();
    private final Map<Call, Integer> calls = new EnumMap<>(Call.class);
    private boolean strictNeedsMatch;
    private Duration elapsed = Duration.ZERO;
    private long sequence;
    private int openHandles;

    /** One EvtSubscribe call as the source made it. */
    record Subscribed(String channel, Start start, Duration lookback, Long afterRecordId) {}

    private record Failure(Call call, String channel, int code) {}

    private record Entry(long sequence, long recordId, Instant time, String provider, int eventId, String xml) {}

    private static final class Channel {
        final List<Entry> entries = new ArrayList<>();
        long nextRecordId = 1;
    }

    /** @param start where the fake clock starts; it moves on only while the source waits for a signal */
    FakeEventLogApi(Instant start, String... channelNames) {
        this.start = start;
        for (String name : channelNames) {
            channels.put(name, new Channel());
        }
    }

    // ---- setting the scene --------------------------------------------------------------------------------

    /** The fake's time: the start plus every wait's full timeout, however short the real wait was. */
    Clock clock() {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Instant instant() {
                synchronized (lock) {
                    return start.plus(elapsed);
                }
            }
        };
    }

    void addChannel(String name) {
        synchronized (lock) {
            channels.putIfAbsent(name, new Channel());
            lock.notifyAll();
        }
    }

    /** Logs one event; returns its record number. */
    long log(String channel, String xml) {
        synchronized (lock) {
            Channel c = channel(channel);
            long id = c.nextRecordId++;
            Entry entry = new Entry(sequence++, id, Instant.parse(find(RECORD_TIME, xml)), find(PROVIDER, xml),
                    Integer.parseInt(find(EVENT_ID, xml)), xml);
            c.entries.add(entry);
            live.stream().filter(s -> s.channel == c && s.matches(entry)).forEach(s -> s.signalled = true);
            lock.notifyAll();
            return id;
        }
    }

    void logAll(String channel, List<String> xmls) {
        synchronized (lock) {
            xmls.forEach(xml -> log(channel, xml));
        }
    }

    /** Logs events and overwrites the oldest records at once, as a busy log that wraps between two reads. */
    void logAndOverwrite(String channel, List<String> xmls, int overwrite) {
        synchronized (lock) {
            logAll(channel, xmls);
            overwriteOldest(channel, overwrite);
        }
    }

    /** The log wrapped: its oldest {@code count} records are gone. */
    void overwriteOldest(String channel, int count) {
        synchronized (lock) {
            Channel c = channel(channel);
            for (int i = 0; i < count; i++) {
                Entry gone = c.entries.remove(0);
                live.stream().filter(s -> s.channel == c && gone.sequence() > s.cursor && s.matches(gone))
                        .forEach(s -> s.stale = true);
            }
        }
    }

    /** Someone cleared the log; record numbers start again at 1 when {@code restartNumbers}. */
    void clear(String channel, boolean restartNumbers) {
        synchronized (lock) {
            Channel c = channel(channel);
            c.entries.clear();
            if (restartNumbers) {
                c.nextRecordId = 1;
            }
        }
    }

    /** EvtFormatMessage gives {@code text} for the provider's events; other providers have no messages. */
    void messages(String provider, String text) {
        messages(provider, "en-US", text);
    }

    /**
     * The provider's message files have {@code text} in that language. Exchange installed in another language ships
     * its messages in that language only; EvtFormatMessage then gives them in English when the provider has English
     * (publisher metadata opened with LCID 1033), else in the system language (winlogbeat's event_language).
     */
    void messages(String provider, String language, String text) {
        synchronized (lock) {
            messages.computeIfAbsent(provider, p -> new LinkedHashMap<>()).put(language, text);
        }
    }

    /**
     * EvtNext on the channel asking for more than {@code largest} events fails with RPC_S_INVALID_BOUND, as it does
     * for a batch of events too large for one RPC reply, and like Windows the subscription has moved past them.
     */
    void limitBatch(String channel, int largest) {
        synchronized (lock) {
            batchLimits.put(channel, largest);
        }
    }

    /**
     * A strict subscription also refuses a bookmarked record that is there but does not match the query. Not what the
     * EvtSeek documentation says (it places such a bookmark by its record number); selftest.ps1 tells which one a
     * real server does, and the source must be right either way.
     */
    void strictNeedsMatchingRecord() {
        synchronized (lock) {
            strictNeedsMatch = true;
        }
    }

    /** The next {@code times} calls of that kind (on that channel, or any when null) fail with {@code code}. */
    void fail(Call call, String channel, int code, int times) {
        synchronized (lock) {
            for (int i = 0; i < times; i++) {
                failures.add(new Failure(call, channel, code));
            }
        }
    }

    // ---- what the source did ------------------------------------------------------------------------------

    List<RemoteLogin> logins() {
        synchronized (lock) {
            return List.copyOf(logins);
        }
    }

    List<Subscribed> subscribed() {
        synchronized (lock) {
            return List.copyOf(subscribed);
        }
    }

    int calls(Call call) {
        synchronized (lock) {
            return calls.getOrDefault(call, 0);
        }
    }

    int openHandles() {
        synchronized (lock) {
            return openHandles;
        }
    }

    long oldestRecordId(String channel) {
        synchronized (lock) {
            List<Entry> entries = channel(channel).entries;
            return entries.isEmpty() ? 0 : entries.get(0).recordId();
        }
    }

    static List<String> resource(String name) {
        try (InputStream in = FakeEventLogApi.class.getResourceAsStream("/windows/" + name)) {
            Objects.requireNonNull(in, name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- EventLogApi --------------------------------------------------------------------------------------

    @Override
    public Session openSession(RemoteLogin login) throws EventLogException {
        synchronized (lock) {
            if (login != null) {
                logins.add(login);
            }
            count(Call.OPEN_SESSION, null, "EvtOpenSession " + login);
            openHandles++;
            return new FakeSession(login != null);
        }
    }

    @Override
    public Bookmark createBookmark(String xml) throws EventLogException {
        synchronized (lock) {
            FakeBookmark bookmark = new FakeBookmark();
            if (xml != null) {
                Matcher m = BOOKMARK.matcher(xml);
                if (!m.find()) {
                    throw new EventLogException("EvtCreateBookmark", ERROR_INVALID_PARAMETER, "The parameter is incorrect.");
                }
                do {
                    bookmark.positions.put(m.group(1), Long.parseLong(m.group(2)));
                } while (m.find());
            }
            openHandles++;
            return bookmark;
        }
    }

    /** Counts the call, then fails it when a test asked for that. */
    private void count(Call call, String channel, String what) throws EventLogException {
        calls.merge(call, 1, Integer::sum);
        for (var it = failures.iterator(); it.hasNext(); ) {
            Failure f = it.next();
            if (f.call() == call && (f.channel() == null || f.channel().equalsIgnoreCase(channel))) {
                it.remove();
                throw new EventLogException(what, f.code(), "injected error");
            }
        }
    }

    private Channel channel(String name) {
        Channel c = channels.get(name);
        if (c == null) {
            throw new IllegalArgumentException("no channel " + name + " in the fake");
        }
        return c;
    }

    private static String find(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        if (!m.find()) {
            throw new IllegalArgumentException("recorded event without " + pattern + ": " + text);
        }
        return m.group(1);
    }

    private static boolean isForwarded(String channel) {
        return channel.equalsIgnoreCase("ForwardedEvents");
    }

    private abstract class FakeHandle implements Handle {
        private boolean closed;

        @Override
        public void close() {
            synchronized (lock) {
                if (!closed) {
                    closed = true;
                    openHandles--;
                    closed();
                }
            }
        }

        void closed() {}
    }

    private final class FakeSession extends FakeHandle implements Session {
        private final boolean remote;

        FakeSession(boolean remote) {
            this.remote = remote;
        }

        @Override
        public LogInfo logInfo(String channel) throws EventLogException {
            synchronized (lock) {
                count(Call.LOG_INFO, channel, "EvtGetLogInfo " + channel);
                List<Entry> entries = channel(channel).entries;
                return new LogInfo(entries.isEmpty() ? 0 : entries.get(0).recordId(), entries.size());
            }
        }

        @Override
        public Subscription subscribe(SubscriptionQuery query, Start start, Bookmark bookmark) throws EventLogException {
            synchronized (lock) {
                String name = query.channel();
                boolean afterBookmark = start == Start.AFTER_BOOKMARK || start == Start.AFTER_BOOKMARK_STRICT;
                Long after = afterBookmark ? ((FakeBookmark) bookmark).positions.get(name) : null;
                subscribed.add(new Subscribed(name, start, query.lookback(), after));
                String what = "EvtSubscribe " + name;
                count(Call.SUBSCRIBE, name, what);
                if (!channels.containsKey(name)) {
                    throw new EventLogException(what, Win32Error.ERROR_EVT_CHANNEL_NOT_FOUND,
                            "The specified channel could not be found.");
                }
                Channel c = channel(name);
                long cursor = switch (start) {
                    case FUTURE -> sequence - 1;
                    case OLDEST -> beforeOldest(c);
                    case AFTER_BOOKMARK -> c.entries.stream().filter(e -> e.recordId() <= after)
                            .reduce((first, second) -> second).map(Entry::sequence).orElse(beforeOldest(c));
                    case AFTER_BOOKMARK_STRICT -> {
                        if (isForwarded(name)) {
                            throw new EventLogException(what, Win32Error.ERROR_EVT_QUERY_RESULT_STALE,
                                    "The query result is stale or invalid and must be recreated.");
                        }
                        yield c.entries.stream().filter(e -> e.recordId() == after)
                                .filter(e -> !strictNeedsMatch || new FakeSubscription(query, c, 0).matches(e)).findFirst()
                                .orElseThrow(() -> remote
                                        ? new EventLogException(what, Win32Error.ERROR_EVT_QUERY_RESULT_INVALID_POSITION,
                                                "The query result is invalid.")
                                        : new EventLogException(what, Win32Error.ERROR_NOT_FOUND, "Element not found."))
                                .sequence();
                    }
                };
                openHandles++;
                FakeSubscription subscription = new FakeSubscription(query, c, cursor);
                live.add(subscription);
                return subscription;
            }
        }

        private long beforeOldest(Channel c) {
            return c.entries.isEmpty() ? sequence - 1 : c.entries.get(0).sequence() - 1;
        }

        @Override
        public List<Subscription> await(Collection<Subscription> subscriptions, Duration timeout) throws InterruptedException {
            synchronized (lock) {
                List<Subscription> signalled = signalled(subscriptions);
                if (signalled.isEmpty()) {
                    lock.wait(Math.min(REAL_WAIT_MILLIS, Math.max(1, timeout.toMillis())));
                    signalled = signalled(subscriptions);
                    if (signalled.isEmpty()) {
                        elapsed = elapsed.plus(timeout);
                    }
                }
                signalled.forEach(s -> ((FakeSubscription) s).signalled = false);
                return signalled;
            }
        }

        private List<Subscription> signalled(Collection<Subscription> subscriptions) {
            return subscriptions.stream().filter(s -> ((FakeSubscription) s).signalled).toList();
        }
    }

    private final class FakeSubscription extends FakeHandle implements Subscription {
        private final SubscriptionQuery query;
        final Channel channel;
        private final List<String> providers = new ArrayList<>();
        private final List<Integer> eventIds = new ArrayList<>();
        long cursor;
        boolean signalled = true;
        boolean stale;

        FakeSubscription(SubscriptionQuery query, Channel channel, long cursor) {
            this.query = query;
            this.channel = channel;
            this.cursor = cursor;
            for (String xpath : query.xpaths()) {
                QUERY_PROVIDER.matcher(xpath).results().forEach(r -> providers.add(r.group(1)));
                QUERY_EVENT_ID.matcher(xpath).results().forEach(r -> eventIds.add(Integer.parseInt(r.group(1))));
            }
        }

        boolean matches(Entry e) {
            boolean recentEnough = query.lookback() == null
                    || !e.time().isBefore(clock().instant().minus(query.lookback()));
            return recentEnough && (providers.isEmpty() || providers.contains(e.provider()))
                    && (eventIds.isEmpty() || eventIds.contains(e.eventId()));
        }

        @Override
        public List<Event> next(int max) throws EventLogException {
            synchronized (lock) {
                String what = "EvtNext " + query.channel();
                count(Call.NEXT, query.channel(), what);
                if (stale) {
                    throw new EventLogException(what, Win32Error.ERROR_EVT_QUERY_RESULT_STALE,
                            "The query result is stale or invalid and must be recreated.");
                }
                List<Entry> taken = new ArrayList<>();
                for (Entry e : channel.entries) {
                    if (taken.size() == max) {
                        break;
                    }
                    if (e.sequence() > cursor) {
                        cursor = e.sequence();
                        if (matches(e)) {
                            taken.add(e);
                        }
                    }
                }
                if (taken.isEmpty()) {
                    throw signalled
                            ? new EventLogException(what, Win32Error.ERROR_NO_MORE_ITEMS, "No more data is available.")
                            : new EventLogException(what, Win32Error.ERROR_INVALID_OPERATION,
                                    "The requested operation is not valid.");
                }
                if (max > batchLimits.getOrDefault(query.channel(), Integer.MAX_VALUE)) {
                    throw new EventLogException(what, Win32Error.RPC_S_INVALID_BOUND, "The array bounds are invalid.");
                }
                List<Event> batch = new ArrayList<>();
                for (Entry e : taken) {
                    openHandles++;
                    batch.add(new FakeEvent(query.channel(), e));
                }
                return batch;
            }
        }

        @Override
        void closed() {
            live.remove(this);
        }
    }

    private final class FakeEvent extends FakeHandle implements Event {
        final String channel;
        final Entry entry;

        FakeEvent(String channel, Entry entry) {
            this.channel = channel;
            this.entry = entry;
        }

        @Override
        public String renderXml() throws EventLogException {
            synchronized (lock) {
                count(Call.RENDER, channel, "EvtRender");
                return entry.xml();
            }
        }

        @Override
        public String formatMessage(String provider) {
            synchronized (lock) {
                if (isForwarded(channel)) {
                    throw new NativeCrash("EXCEPTION_ACCESS_VIOLATION in wevtapi.dll: EvtFormatMessage on a forwarded event");
                }
                Map<String, String> texts = messages.getOrDefault(provider, Map.of());
                return texts.getOrDefault("en-US", texts.values().stream().findFirst().orElse(null));
            }
        }
    }

    private final class FakeBookmark extends FakeHandle implements Bookmark {
        final Map<String, Long> positions = new LinkedHashMap<>();

        @Override
        public void update(Event event) {
            synchronized (lock) {
                FakeEvent e = (FakeEvent) event;
                positions.put(e.channel, e.entry.recordId());
            }
        }

        /** Laid out as Windows renders it, with line breaks and indentation. */
        @Override
        public String toXml() {
            synchronized (lock) {
                StringBuilder xml = new StringBuilder("<BookmarkList>\r\n");
                boolean first = true;
                for (Map.Entry<String, Long> p : positions.entrySet()) {
                    xml.append("  <Bookmark Channel='").append(p.getKey()).append("' RecordId='").append(p.getValue())
                            .append(first ? "' IsCurrent='true'/>\r\n" : "'/>\r\n");
                    first = false;
                }
                return xml.append("</BookmarkList>").toString();
            }
        }
    }
}
