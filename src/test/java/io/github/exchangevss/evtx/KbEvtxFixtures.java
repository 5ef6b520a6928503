package io.github.exchangevss.evtx;

import io.github.exchangevss.event.EventData;
import io.github.exchangevss.event.EventRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The event sequences of KB 910250 as the Exchange Information Store logs them in the Application log,
 * for writing .evtx fixtures with {@link EvtxWriter}.
 */
public final class KbEvtxFixtures {
    public static final String PROVIDER = "MSExchangeIS";
    public static final String CHANNEL = "Application";
    public static final String COMPUTER = "EXCH01.contoso.local";
    /** The 9607 event's binary data: "Backup in progress." and a NUL. */
    public static final byte[] BACKUP_IN_PROGRESS = "Backup in progress.\0".getBytes(StandardCharsets.US_ASCII);

    private static final int INFORMATION = 4;
    private static final int WARNING = 3;
    private static final int ERROR = 2;
    private static final int QUALIFIERS_INFO = 16384;
    private static final int QUALIFIERS_ERROR = 49152;

    private KbEvtxFixtures() {}

    /** A good snapshot backup: 9604, 9606, 9608, 9610, 9612, 9616, 9648. */
    public static List<EventRecord> goodBackup(Instant start, long firstRecordId) {
        Sequence s = new Sequence(start, firstRecordId);
        s.info(9604);
        s.info(9606, "Volume snap occurring");
        s.info(9608, "Exchange VSS Snapshot prepared for Snapshot successfully");
        s.info(9610);
        s.info(9612);
        s.info(9616, "OnBackupComplete");
        s.info(9648, "OnBackupShutdown");
        return s.events;
    }

    /** Method 2: the backup was cancelled after PrepareBackup: 9608, 9614, then 9607 refuses the next one. */
    public static List<EventRecord> method2(Instant start, long firstRecordId) {
        Sequence s = new Sequence(start, firstRecordId);
        s.info(9608, "Exchange VSS Snapshot prepared for Snapshot successfully");
        s.warning(9614, "Exchange VSS Snapshot has aborted snapshot successfully");
        s.backupInProgress();
        return s.events;
    }

    /** Method 3: the backup program never called the cleanup APIs: 9604, 9614 "Abort ignored", 9607. */
    public static List<EventRecord> method3(Instant start, long firstRecordId) {
        Sequence s = new Sequence(start, firstRecordId);
        s.info(9604);
        s.warning(9614, "Abort ignored");
        s.backupInProgress();
        return s.events;
    }

    private static final class Sequence {
        private final List<EventRecord> events = new ArrayList<>();
        private Instant time;
        private long recordId;

        Sequence(Instant start, long firstRecordId) {
            this.time = start;
            this.recordId = firstRecordId;
        }

        void info(int eventId, String... data) {
            add(eventId, INFORMATION, QUALIFIERS_INFO, null, data);
        }

        void warning(int eventId, String... data) {
            add(eventId, WARNING, QUALIFIERS_ERROR, null, data);
        }

        void backupInProgress() {
            add(9607, ERROR, QUALIFIERS_ERROR, BACKUP_IN_PROGRESS, "Error code 0x50d when preparing for backup.");
        }

        private void add(int eventId, int level, int qualifiers, byte[] binary, String... data) {
            List<EventData> items = new ArrayList<>();
            for (String d : data) {
                items.add(EventData.unnamed(d));
            }
            events.add(EventRecord.builder()
                    .provider(PROVIDER).channel(CHANNEL).computer(COMPUTER)
                    .eventId(eventId).qualifiers(qualifiers).level(level).task(3)
                    .timeCreated(time).recordId(recordId++)
                    .data(items).binary(binary)
                    .build());
            time = time.plus(Duration.ofSeconds(7, 1234500));
        }
    }
}
