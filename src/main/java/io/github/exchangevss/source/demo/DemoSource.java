package io.github.exchangevss.source.demo;

import static io.github.exchangevss.lifecycle.VssEvents.*;

import io.github.exchangevss.event.EventData;
import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.lifecycle.EventCounting;
import io.github.exchangevss.lifecycle.LifecycleSettings;
import io.github.exchangevss.source.EventSink;
import io.github.exchangevss.source.EventSource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The built-in demo: five fictional Exchange servers replaying the KB 910250 situations, looping every
 * {@link #LOOP}. Backups run in compressed time (a few seconds each, hence the thresholds of {@link #LIFECYCLE}),
 * while the incidents are held in real time, long enough for the shipped alert rules' {@code for:} durations:
 * <ul>
 *   <li>EXCH01: healthy, a complete backup every five minutes;</li>
 *   <li>EXCH02: a backup aborted after PrepareBackup, then refused: stuck, Method 2, until a store restart at 13 min;</li>
 *   <li>EXCH03: a backup that never calls the cleanup APIs, then "Abort ignored" and a refusal: stuck, Method 3,
 *       until a store restart at 13 min;</li>
 *   <li>EXCH04: a second backup refused while the first still runs (Method 1), then the first completes; twice;</li>
 *   <li>EXCH05: Exchange 2013 or later, whose writer logs as MSExchangeRepl: counted, not judged, one 2034 error.</li>
 * </ul>
 */
public final class DemoSource implements EventSource {
    public static final String DOMAIN = ".demo.contoso.local";
    public static final Duration LOOP = Duration.ofMinutes(15);
    /** The thresholds shrunk with the backups' time: a backup 15 s quiet is no longer running. */
    public static final LifecycleSettings LIFECYCLE = new LifecycleSettings(Duration.ofSeconds(15), Duration.ofMinutes(10));
    /** When the stuck servers are restarted: they stay stuck from their refusal (within 30 s) until then. */
    static final int STORE_RESTART_SECOND = 780;

    /** MSExchangeRepl events of a backup on EXCH05, and the writer error the alert rules watch. */
    private static final int[] REPLICATION_WRITER_IDS = {2021, 2023, 2110};
    private static final int REPLICATION_WRITER_ERROR = 2034;
    private static final String ABORTED_OK = "Exchange VSS Snapshot has aborted snapshot successfully";
    private static final String ABORT_IGNORED = "Abort ignored";
    private static final byte[] BACKUP_IN_PROGRESS = "Backup in progress.\0".getBytes(StandardCharsets.US_ASCII);

    /** One event of the loop, {@code atSecond} script seconds after the loop started. */
    record Step(int atSecond, String server, String provider, int eventId, String insert) {
        Step(int atSecond, String server, int eventId, String insert) {
            this(atSecond, server, PROVIDER, eventId, insert);
        }
    }

    static final List<Step> SCRIPT = script();

    private final Supplier<Instant> clock;
    private final Duration secondLength;
    private final Map<String, Long> recordIds = new HashMap<>();
    private volatile boolean closed;

    /** @param secondLength how long one script second lasts; {@code Duration.ofSeconds(1)} for the real demo */
    public DemoSource(Supplier<Instant> clock, Duration secondLength) {
        this.clock = clock;
        this.secondLength = secondLength;
    }

    private static List<Step> script() {
        List<Step> s = new ArrayList<>();
        for (int start : new int[] {2, 302, 602}) {
            backup(s, start, "EXCH01");
        }
        add(s, "EXCH02", 5, BACKUP_START, VOLUME_SNAP, PREPARED);
        s.add(new Step(9, "EXCH02", ABORT, ABORTED_OK));
        add(s, "EXCH02", 15, BACKUP_START, PREPARE_REFUSED);
        add(s, "EXCH02", STORE_RESTART_SECOND, INITIALIZE_WRITER);

        add(s, "EXCH03", 3, BACKUP_START, VOLUME_SNAP, PREPARED, SNAPSHOT_FREEZE, SNAPSHOT_THAW);
        s.add(new Step(25, "EXCH03", BACKUP_START, null));
        s.add(new Step(26, "EXCH03", ABORT, ABORT_IGNORED));
        s.add(new Step(27, "EXCH03", PREPARE_REFUSED, null));
        add(s, "EXCH03", STORE_RESTART_SECOND + 5, INITIALIZE_WRITER);

        for (int start : new int[] {10, 400}) {
            overlap(s, start, "EXCH04");
        }

        // Exchange 2013 or later: the writer logs as MSExchangeRepl, which the exporter counts but does not judge.
        for (int start : new int[] {40, 340, 640}) {
            for (int i = 0; i < REPLICATION_WRITER_IDS.length; i++) {
                s.add(new Step(start + i, "EXCH05", EventCounting.REPLICATION_PROVIDER, REPLICATION_WRITER_IDS[i], null));
            }
        }
        s.add(new Step(50, "EXCH05", EventCounting.REPLICATION_PROVIDER, REPLICATION_WRITER_ERROR, null));
        s.sort(Comparator.comparingInt(Step::atSecond));
        return List.copyOf(s);
    }

    /** KB Method 1: a second backup refused while the first still runs, then the first completes. */
    private static void overlap(List<Step> s, int start, String server) {
        add(s, server, start, BACKUP_START, VOLUME_SNAP, PREPARED, SNAPSHOT_FREEZE);
        s.add(new Step(start + 8, server, BACKUP_START, null));
        s.add(new Step(start + 9, server, ABORT, ABORT_IGNORED));
        s.add(new Step(start + 10, server, PREPARE_REFUSED, null));
        s.add(new Step(start + 16, server, SNAPSHOT_THAW, null));
        add(s, server, start + 23, BACKUP_SHUTDOWN, BACKUP_COMPLETE);
    }

    private static void backup(List<Step> s, int start, String server) {
        add(s, server, start, BACKUP_START, VOLUME_SNAP, PREPARED, SNAPSHOT_FREEZE, SNAPSHOT_THAW, BACKUP_SHUTDOWN,
                BACKUP_COMPLETE);
    }

    /** One event per second from {@code start}. */
    private static void add(List<Step> s, String server, int start, int... ids) {
        for (int i = 0; i < ids.length; i++) {
            s.add(new Step(start + i, server, ids[i], null));
        }
    }

    @Override
    public String name() {
        return "demo";
    }

    @Override
    public void run(EventSink sink) throws InterruptedException {
        sink.up(true);
        sink.caughtUp();
        while (!closed) {
            long loopStart = System.nanoTime();
            for (Step step : SCRIPT) {
                long due = loopStart + secondLength.toNanos() * step.atSecond();
                sleepUntil(due);
                if (closed) {
                    return;
                }
                sink.accept(event(step, clock.get()));
                // The script has no position to resume from: a restart plays it from the start.
                sink.checkpoint("");
            }
            sleepUntil(loopStart + secondLength.toNanos() * LOOP.toSeconds());
        }
    }

    private void sleepUntil(long dueNanos) throws InterruptedException {
        long wait;
        while (!closed && (wait = dueNanos - System.nanoTime()) > 0) {
            Thread.sleep(Math.min(200, Math.max(1, wait / 1_000_000)));
        }
    }

    EventRecord event(Step step, Instant time) {
        String computer = step.server() + DOMAIN;
        long recordId = recordIds.merge(computer, 1L, Long::sum) + 1000;
        boolean refusal = step.provider().equals(PROVIDER) && step.eventId() == PREPARE_REFUSED;
        boolean error = refusal || step.eventId() == REPLICATION_WRITER_ERROR;
        EventRecord.Builder b = EventRecord.builder().channel("Application").provider(step.provider())
                .eventId(step.eventId()).qualifiers(error ? 49152 : 16384).level(error ? 2 : 4).task(step.provider().equals(PROVIDER) ? 8 : null)
                .timeCreated(time).recordId(recordId).computer(computer);
        if (refusal) {
            b.data(List.of(EventData.unnamed("0x50d"))).binary(BACKUP_IN_PROGRESS)
                    .message("Error code 0x50d when preparing for backup.");
        } else if (step.insert() != null) {
            b.data(List.of(EventData.unnamed(step.insert())));
        }
        return b.build();
    }

    @Override
    public void close() {
        closed = true;
    }
}
