package io.github.exchangevss.scenario;

import io.github.exchangevss.event.EventData;
import io.github.exchangevss.event.EventRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * One computer's Application log as the Exchange Information Store writes it during the KB 910250 situations:
 * MSExchangeIS events with the event data the KB's tables give, one step (a minute unless told otherwise) apart,
 * record IDs counting up like the channel's. Other providers' events go in the same channel with {@link #other}.
 */
public final class KbLog {
    public static final String PROVIDER = "MSExchangeIS";
    public static final String CHANNEL = "Application";
    /** The 9607 event's binary data after the KB: "Backup in progress." and a NUL. */
    public static final byte[] BACKUP_IN_PROGRESS = "Backup in progress.\0".getBytes(StandardCharsets.US_ASCII);
    public static final String PREPARED_SUCCESSFULLY = "Exchange VSS Snapshot prepared for Snapshot successfully";
    public static final String NO_EXCHANGE_COMPONENTS = "No Exchange components involved in the volume snap";
    public static final String ABORTED_SUCCESSFULLY = "Exchange VSS Snapshot has aborted snapshot successfully";
    public static final String ABORT_IGNORED = "Abort ignored";

    private static final int ERROR = 2;
    private static final int WARNING = 3;
    private static final int INFORMATION = 4;
    /** Severity bits of the classic event ID, as wevtutil shows them in the Qualifiers attribute. */
    private static final int QUALIFIERS_INFORMATION = 0x4000;
    private static final int QUALIFIERS_WARNING = 0x8000;
    private static final int QUALIFIERS_ERROR = 0xC000;
    /** The category "Exchange VSS Writer". */
    private static final int TASK = 296;

    private final String computer;
    private final Duration step;
    private final List<EventRecord> events = new ArrayList<>();
    private Instant time;
    private long recordId;

    public KbLog(String computer, Instant start, long firstRecordId) {
        this(computer, start, firstRecordId, Duration.ofMinutes(1));
    }

    /** The first event is written one {@code step} after {@code start}. */
    public KbLog(String computer, Instant start, long firstRecordId, Duration step) {
        this.computer = computer;
        this.step = step;
        this.time = start;
        this.recordId = firstRecordId;
    }

    public String computer() {
        return computer;
    }

    /** Time of the last event written (the start before any). */
    public Instant now() {
        return time;
    }

    public KbLog after(Duration gap) {
        time = time.plus(gap);
        return this;
    }

    /** 9600: the Information Store service started (after a restart). */
    public KbLog storeStarted() {
        return info(9600, "Initialize VSSWriter");
    }

    /** 9604: a backup attempt starts. */
    public KbLog backupStarted() {
        return info(9604);
    }

    public KbLog volumeSnap() {
        return info(9606, "Volume snap occurring");
    }

    /** 9608 with the text of the KB's Method 2 table. */
    public KbLog prepared() {
        return info(9608, PREPARED_SUCCESSFULLY);
    }

    /** 9608 with the text of the KB's successful-backup table. */
    public KbLog preparedNoExchangeComponents() {
        return info(9608, NO_EXCHANGE_COMPONENTS);
    }

    /** 9610 and 9612, the snapshot phase (the KB gives no data for them). */
    public KbLog snapshotPhases() {
        return phase9610().phase9612();
    }

    public KbLog phase9610() {
        return info(9610);
    }

    public KbLog phase9612() {
        return info(9612);
    }

    public KbLog abortedSuccessfully() {
        return add(PROVIDER, 9614, WARNING, QUALIFIERS_WARNING, null, ABORTED_SUCCESSFULLY);
    }

    public KbLog abortIgnored() {
        return add(PROVIDER, 9614, WARNING, QUALIFIERS_WARNING, null, ABORT_IGNORED);
    }

    /** 9607: PrepareBackup refused, "Backup in progress" in the binary data. */
    public KbLog refused() {
        return add(PROVIDER, 9607, ERROR, QUALIFIERS_ERROR, BACKUP_IN_PROGRESS, "0x50d");
    }

    public KbLog backupShutdown() {
        return info(9648, "OnBackupShutdown");
    }

    public KbLog backupComplete() {
        return info(9616, "OnBackupComplete");
    }

    /** 9840 (Exchange 2007, KB 930800): the VSS backup operation failed. */
    public KbLog backupFailed() {
        return add(PROVIDER, 9840, ERROR, QUALIFIERS_ERROR, null);
    }

    /** The KB's successful snapshot backup, from 9604 to 9616 (no 9600: that comes only after a restart). */
    public KbLog successfulBackup() {
        return backupStarted().volumeSnap().preparedNoExchangeComponents().snapshotPhases().backupShutdown()
                .backupComplete();
    }

    /** An event of another provider in the same channel, with the data given. */
    public KbLog other(String provider, int eventId, int level, byte[] binary, String... data) {
        int qualifiers = level == ERROR ? QUALIFIERS_ERROR : level == WARNING ? QUALIFIERS_WARNING : QUALIFIERS_INFORMATION;
        return add(provider, eventId, level, qualifiers, binary, data);
    }

    private KbLog info(int eventId, String... data) {
        return add(PROVIDER, eventId, INFORMATION, QUALIFIERS_INFORMATION, null, data);
    }

    private KbLog add(String provider, int eventId, int level, int qualifiers, byte[] binary, String... data) {
        time = time.plus(step);
        List<EventData> items = new ArrayList<>();
        for (String d : data) {
            items.add(EventData.unnamed(d));
        }
        events.add(EventRecord.builder().channel(CHANNEL).provider(provider).eventId(eventId).qualifiers(qualifiers)
                .level(level).task(TASK).timeCreated(time).recordId(recordId++).computer(computer).data(items)
                .binary(binary).build());
        return this;
    }

    public List<EventRecord> events() {
        return List.copyOf(events);
    }

    /** Several computers' logs in one stream, as a forwarded-events export interleaves them: by time. */
    public static List<EventRecord> interleave(KbLog... logs) {
        return Stream.of(logs).flatMap(l -> l.events.stream())
                .sorted(Comparator.comparing(EventRecord::timeCreated)).toList();
    }
}
