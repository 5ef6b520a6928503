package io.github.exchangevss.source.demo;

import static io.github.exchangevss.lifecycle.VssEvents.*;

import io.github.exchangevss.event.EventData;
import io.github.exchangevss.event.EventRecord;
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
 * The built-in demo: four fictional Exchange servers replaying the KB 910250 situations in compressed time,
 * looping, so every metric and the status page change within a minute with nothing to set up.
 * <ul>
 *   <li>EXCH01: healthy, two complete backups per loop;</li>
 *   <li>EXCH02: a backup aborted after PrepareBackup, then refused: stuck, Method 2, until a store restart;</li>
 *   <li>EXCH03: a backup that never calls the cleanup APIs, then "Abort ignored" and a refusal: stuck, Method 3;</li>
 *   <li>EXCH04: a second backup refused while the first still runs (Method 1), then the first completes.</li>
 * </ul>
 */
public final class DemoSource implements EventSource {
    public static final String DOMAIN = ".demo.contoso.local";
    public static final Duration LOOP = Duration.ofSeconds(90);
    /** The thresholds shrunk with the script's time: a backup 15 s quiet is no longer running. */
    public static final LifecycleSettings LIFECYCLE = new LifecycleSettings(Duration.ofSeconds(15), Duration.ofMinutes(10));

    private static final String ABORTED_OK = "Exchange VSS Snapshot has aborted snapshot successfully";
    private static final String ABORT_IGNORED = "Abort ignored";
    private static final byte[] BACKUP_IN_PROGRESS = "Backup in progress.\0".getBytes(StandardCharsets.US_ASCII);

    private record Step(int atSecond, String server, int eventId, String insert) {}

    private static final List<Step> SCRIPT = script();

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
        for (int start : new int[] {2, 47}) {
            backup(s, start, "EXCH01");
        }
        add(s, "EXCH02", 5, BACKUP_START, VOLUME_SNAP, PREPARED);
        s.add(new Step(9, "EXCH02", ABORT, ABORTED_OK));
        add(s, "EXCH02", 15, BACKUP_START, PREPARE_REFUSED);
        add(s, "EXCH02", 75, INITIALIZE_WRITER);

        add(s, "EXCH03", 3, BACKUP_START, VOLUME_SNAP, PREPARED, SNAPSHOT_FREEZE, SNAPSHOT_THAW);
        s.add(new Step(25, "EXCH03", BACKUP_START, null));
        s.add(new Step(26, "EXCH03", ABORT, ABORT_IGNORED));
        s.add(new Step(27, "EXCH03", PREPARE_REFUSED, null));
        add(s, "EXCH03", 80, INITIALIZE_WRITER);

        add(s, "EXCH04", 10, BACKUP_START, VOLUME_SNAP, PREPARED, SNAPSHOT_FREEZE);
        s.add(new Step(18, "EXCH04", BACKUP_START, null));
        s.add(new Step(19, "EXCH04", ABORT, ABORT_IGNORED));
        s.add(new Step(20, "EXCH04", PREPARE_REFUSED, null));
        s.add(new Step(26, "EXCH04", SNAPSHOT_THAW, null));
        add(s, "EXCH04", 33, BACKUP_SHUTDOWN, BACKUP_COMPLETE);
        s.sort(Comparator.comparingInt(Step::atSecond));
        return List.copyOf(s);
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
                sink.accept(event(step));
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

    private EventRecord event(Step step) {
        String computer = step.server() + DOMAIN;
        long recordId = recordIds.merge(computer, 1L, Long::sum) + 1000;
        boolean error = step.eventId() == PREPARE_REFUSED;
        EventRecord.Builder b = EventRecord.builder().channel("Application").provider(PROVIDER)
                .eventId(step.eventId()).qualifiers(error ? 49152 : 16384).level(error ? 2 : 4).task(8)
                .timeCreated(clock.get()).recordId(recordId).computer(computer);
        if (error) {
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
