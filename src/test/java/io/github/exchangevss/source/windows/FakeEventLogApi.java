package io.github.exchangevss.source.windows;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Windows Event Log in memory, behind {@link EventLogApi}: channels hold recorded event XML, replayed as
 * EvtRender would return it, and any call can be made to fail with a Win32 error code.
 *
 * <p>What it models of the real service: record numbers per channel (its own counter, as a collector's
 * ForwardedEvents log has; the XML is replayed unchanged), queries of the form
 * {@code *[System[Provider[@Name='X'] and EventID=N]]}, the lookback {@code <Suppress>} by TimeCreated against
 * its clock, strict starts after a bookmark ({@link Win32Error#ERROR_NOT_FOUND} when the bookmarked record is
 * gone), {@link Win32Error#ERROR_EVT_QUERY_RESULT_STALE} when records a subscription had not read yet were
 * overwritten, RPC_S_INVALID_BOUND for a batch too large for one reply ({@link #limitBatch}),
 * clearing with or without restarting the record numbers, and the signal a waiting reader
 * wakes on. It counts open handles so tests can check that every one is closed.
 */
final class FakeEventLogApi implements EventLogApi {

    enum Call { OPEN_SESSION, CHECK_CHANNEL, SUBSCRIBE, NEXT, RENDER }

    /** What EvtCreateBookmark fails with for XML that is no bookmark. */
    private static final int ERROR_INVALID_PARAMETER = 87;

    private static final Pattern RECORD_TIME = Pattern.compile("SystemTime='([^']+)'");
    private static final Pattern PROVIDER = Pattern.compile("<Provider Name='([^']+)'");
    private static final Pattern EVENT_ID = Pattern.compile("<EventID[^>]*>(\\d+)</EventID>");
    private static final Pattern QUERY_PROVIDER = Pattern.compile("@Name='([^']+)'");
    private static final Pattern QUERY_EVENT_ID = Pattern.compile("EventID=(\\d+)");
    private static final Pattern BOOKMARK = Pattern.compile("<Bookmark Channel='([^']+)' RecordId='(\\d+)'");

    private final Clock clock;
    private final Object lock = new Object();
    private final Map<String, Channel> channels = new LinkedHashMap<>();
    private final Deque<Failure> failures = new ArrayDeque<>();
    private final Map<String, String> messages = new LinkedHashMap<>();
    private final Map<String, Integer> batchLimits = new LinkedHashMap<>();
    private final List<RemoteLogin> logins = new ArrayList<>();
    private final List<Subscribed> subscribed = new ArrayList<>();
    private long sequence;
    private int openHandles;

    /** One EvtSubscribe call as the source made it. */
    record Subscribed(String channel, Start start, Duration lookback, Long afterRecordId) {}

    private record Failure(Call call, String channel, int code) {}

    private record Entry(long sequence, long recordId, Instant time, String provider, int eventId, String xml) {}

    private static final class Channel {
        final List<Entry> entries = new ArrayList<>();
        long nextRecordId = 1;
        /** The highest sequence number overwritten: subscriptions that had not read it get a stale error. */
        long overwrittenUpTo = -1;
    }

    FakeEventLogApi(Clock clock, String... channelNames) {
        this.clock = clock;
        for (String name : channelNames) {
            channels.put(name, new Channel());
        }
    }

    // ---- setting the scene --------------------------------------------------------------------------------

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
            c.entries.add(new Entry(sequence++, id, Instant.parse(find(RECORD_TIME, xml)), find(PROVIDER, xml),
                    Integer.parseInt(find(EVENT_ID, xml)), xml));
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
                c.overwrittenUpTo = c.entries.remove(0).sequence();
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
        synchronized (lock) {
            messages.put(provider, text);
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
            failIfAsked(Call.OPEN_SESSION, null, "EvtOpenSession " + login);
            openHandles++;
            return new FakeSession();
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

    private void failIfAsked(Call call, String channel, String what) throws EventLogException {
        for (var it = failures.iterator(); it.hasNext(); ) {
            Failure f = it.next();
            if (f.call() == call && (f.channel() == null || f.channel().equals(channel))) {
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

    private abstract class FakeHandle implements Handle {
        private boolean closed;

        @Override
        public void close() {
            synchronized (lock) {
                if (!closed) {
                    closed = true;
                    openHandles--;
                }
            }
        }
    }

    private final class FakeSession extends FakeHandle implements Session {
        @Override
        public void checkChannel(String channel) throws EventLogException {
            synchronized (lock) {
                failIfAsked(Call.CHECK_CHANNEL, channel, "EvtOpenChannelConfig " + channel);
                if (!channels.containsKey(channel)) {
                    throw new EventLogException("EvtOpenChannelConfig " + channel, Win32Error.ERROR_EVT_CHANNEL_NOT_FOUND,
                            "The specified channel could not be found.");
                }
            }
        }

        @Override
        public long oldestRecordId(String channel) {
            return FakeEventLogApi.this.oldestRecordId(channel);
        }

        @Override
        public Subscription subscribe(SubscriptionQuery query, Start start, Bookmark bookmark) throws EventLogException {
            synchronized (lock) {
                String name = query.channel();
                Long after = start == Start.AFTER_BOOKMARK ? ((FakeBookmark) bookmark).positions.get(name) : null;
                subscribed.add(new Subscribed(name, start, query.lookback(), after));
                failIfAsked(Call.SUBSCRIBE, name, "EvtSubscribe " + name);
                if (!channels.containsKey(name)) {
                    throw new EventLogException("EvtSubscribe " + name, Win32Error.ERROR_EVT_CHANNEL_NOT_FOUND,
                            "The specified channel could not be found.");
                }
                Channel c = channel(name);
                long cursor = switch (start) {
                    case FUTURE -> sequence - 1;
                    case OLDEST -> c.entries.isEmpty() ? sequence - 1 : c.entries.get(0).sequence() - 1;
                    case AFTER_BOOKMARK -> c.entries.stream().filter(e -> e.recordId() == after).findFirst()
                            .orElseThrow(() -> new EventLogException("EvtSubscribe " + name, Win32Error.ERROR_NOT_FOUND,
                                    "Element not found."))
                            .sequence();
                };
                openHandles++;
                return new FakeSubscription(query, c, cursor);
            }
        }

        @Override
        public void await(Collection<Subscription> subscriptions, Duration timeout) throws InterruptedException {
            synchronized (lock) {
                if (subscriptions.stream().noneMatch(s -> ((FakeSubscription) s).pending())) {
                    lock.wait(timeout.toMillis());
                }
            }
        }
    }

    private final class FakeSubscription extends FakeHandle implements Subscription {
        private final SubscriptionQuery query;
        private final Channel channel;
        private final List<String> providers = new ArrayList<>();
        private final List<Integer> eventIds = new ArrayList<>();
        private long cursor;

        FakeSubscription(SubscriptionQuery query, Channel channel, long cursor) {
            this.query = query;
            this.channel = channel;
            this.cursor = cursor;
            for (String xpath : query.xpaths()) {
                QUERY_PROVIDER.matcher(xpath).results().forEach(r -> providers.add(r.group(1)));
                QUERY_EVENT_ID.matcher(xpath).results().forEach(r -> eventIds.add(Integer.parseInt(r.group(1))));
            }
        }

        boolean pending() {
            return channel.overwrittenUpTo > cursor
                    || channel.entries.stream().anyMatch(e -> e.sequence() > cursor && matches(e));
        }

        private boolean matches(Entry e) {
            boolean recentEnough = query.lookback() == null
                    || !e.time().isBefore(clock.instant().minus(query.lookback()));
            return recentEnough && (providers.isEmpty() || providers.contains(e.provider()))
                    && (eventIds.isEmpty() || eventIds.contains(e.eventId()));
        }

        @Override
        public List<Event> next(int max) throws EventLogException {
            synchronized (lock) {
                failIfAsked(Call.NEXT, query.channel(), "EvtNext " + query.channel());
                if (channel.overwrittenUpTo > cursor) {
                    throw new EventLogException("EvtNext " + query.channel(), Win32Error.ERROR_EVT_QUERY_RESULT_STALE,
                            "The query result is stale or invalid.");
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
                if (!taken.isEmpty() && max > batchLimits.getOrDefault(query.channel(), Integer.MAX_VALUE)) {
                    throw new EventLogException("EvtNext " + query.channel(), Win32Error.RPC_S_INVALID_BOUND,
                            "The array bounds are invalid.");
                }
                List<Event> batch = new ArrayList<>();
                for (Entry e : taken) {
                    openHandles++;
                    batch.add(new FakeEvent(query.channel(), e));
                }
                return batch;
            }
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
                failIfAsked(Call.RENDER, channel, "EvtRender");
                return entry.xml();
            }
        }

        @Override
        public String formatMessage(String provider) {
            synchronized (lock) {
                return messages.get(provider);
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
