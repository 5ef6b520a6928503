package io.github.exchangevss.simulator;

import io.github.exchangevss.event.EventData;
import io.github.exchangevss.event.EventRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One Exchange server's Information Store VSS writer and the backup programs that use it, night after night.
 *
 * <p>The writer follows KB 910250 and the VSS documentation: PrepareBackup (9608) sets {@code backupInProgress}
 * and succeeds only while it is clear, else it is refused (9604, 9614 "Abort ignored", 9607); OnBackupComplete
 * (9616), OnBackupShutdown (9648) and an Information Store start (9600) clear it. The simulator keeps the real
 * flag and the reason it stays set as it writes the events, so the truth at each {@link Check} is known by
 * construction, never derived from the events.
 *
 * <p>Checks are taken only where the log can tell: writer events of a running job come minutes apart (a job
 * that works is never silent for long between its own writer events while another job waits for it), and a job
 * that stopped without cleanup is judged hours after its last event.
 */
final class SimulatedServer {
    enum Language { ENGLISH, GERMAN, NO_TEXT }

    /** What a backup program does when the writer lets it through PrepareBackup. */
    enum Program {
        CLEAN, ABORT_AFTER_PREPARE, ABORT_AFTER_SNAPSHOT_RELEASED, NO_CLEANUP, FAIL_BEFORE_PREPARE,
        FAIL_AFTER_PREPARE, OVERLAPPING_THEN_COMPLETES, OVERLAPPING_THEN_HANGS
    }

    static final String PROVIDER = "MSExchangeIS";
    static final String CHANNEL = "Application";
    private static final byte[] BACKUP_IN_PROGRESS = "Backup in progress.\0".getBytes(StandardCharsets.US_ASCII);
    private static final int ERROR = 2;
    private static final int WARNING = 3;
    private static final int INFORMATION = 4;

    private final String computer;
    private final Random random;
    private final Language language;
    /** Share of events forwarded without their inserts (no message DLL on the collector). */
    private final double textless;
    private final int patienceNights;
    private final List<EventRecord> events = new ArrayList<>();
    private final List<Check> checks = new ArrayList<>();
    private long recordId;
    private Instant last;

    // The writer's truth.
    private boolean flag;
    private Situation why = Situation.CLEAR_AFTER_CLEAN_BACKUPS;
    private int nightsStuck;

    SimulatedServer(String computer, Random random) {
        this.computer = computer;
        this.random = random;
        this.language = Language.values()[random.nextInt(10) < 6 ? 0 : random.nextInt(3)];
        this.textless = random.nextInt(4) == 0 ? 0.3 : 0;
        this.patienceNights = 1 + random.nextInt(4);
        this.recordId = 1000 + random.nextInt(1_000_000);
    }

    String computer() {
        return computer;
    }

    List<EventRecord> events() {
        return events;
    }

    List<Check> checks() {
        return checks;
    }

    /** One night of backups from 21:00 on {@code evening}, then the next day (a restart maybe) and its check. */
    void nightAndDay(Instant evening) {
        last = evening.plus(minutes(random.nextInt(6 * 60)));
        job(randomProgram());
        if (random.nextInt(5) == 0) {
            last = last.plus(minutes(120 + random.nextInt(120)));
            job(randomProgram());
        }
        Instant morning = evening.plus(Duration.ofHours(12));
        if (flag) {
            nightsStuck++;
        }
        last = max(last, morning).plus(minutes(random.nextInt(60)));
        noise();
        boolean restart = (flag && nightsStuck >= patienceNights) || random.nextInt(40) == 0;
        if (restart) {
            last = last.plus(minutes(random.nextInt(6 * 60)));
            writer(9600, INFORMATION, "Initialize VSSWriter");
            flag = false;
            nightsStuck = 0;
            why = Situation.CLEAR_AFTER_STORE_RESTART;
        }
        checks.add(new Check(evening.plus(Duration.ofHours(23)), computer, why, Check.Phase.DAILY));
    }

    private Program randomProgram() {
        int p = random.nextInt(100);
        if (p < 55) return Program.CLEAN;
        if (p < 62) return Program.ABORT_AFTER_PREPARE;
        if (p < 68) return Program.ABORT_AFTER_SNAPSHOT_RELEASED;
        if (p < 76) return Program.NO_CLEANUP;
        if (p < 81) return Program.FAIL_BEFORE_PREPARE;
        if (p < 86) return Program.FAIL_AFTER_PREPARE;
        if (p < 93) return Program.OVERLAPPING_THEN_COMPLETES;
        return Program.OVERLAPPING_THEN_HANGS;
    }

    private void job(Program program) {
        if (flag) {
            refused(why);
            return;
        }
        writer(9604, INFORMATION);
        writer(9606, INFORMATION, text("Volume snap occurring", "Volume-Snap wird ausgeführt"));
        if (program == Program.FAIL_BEFORE_PREPARE) {
            writer(9840, ERROR, text("VSS backup operation failed", "VSS-Sicherungsvorgang fehlgeschlagen"));
            return;
        }
        prepared();
        switch (program) {
            case CLEAN -> {
                snapshot();
                copy();
                cleanup();
            }
            case ABORT_AFTER_PREPARE -> {
                writer(9614, WARNING, text("Exchange VSS Snapshot has aborted snapshot successfully",
                        "Exchange VSS-Momentaufnahme wurde erfolgreich abgebrochen"));
                why = Situation.ABORTED_AFTER_PREPARE;
            }
            case ABORT_AFTER_SNAPSHOT_RELEASED -> {
                snapshot();
                writer(9614, WARNING, text("Exchange VSS Snapshot has aborted snapshot successfully",
                        "Exchange VSS-Momentaufnahme wurde erfolgreich abgebrochen"));
                // VSS raises BackupShutdown when the requester releases its components, even after an abort.
                writer(9648, INFORMATION, "OnBackupShutdown");
                flag = false;
                why = Situation.CLEAR_AFTER_CLEAN_BACKUPS;
            }
            case NO_CLEANUP -> {
                snapshot();
                why = Situation.NO_CLEANUP_CALLS;
            }
            case FAIL_AFTER_PREPARE -> {
                writer(9840, ERROR, text("VSS backup operation failed", "VSS-Sicherungsvorgang fehlgeschlagen"));
                why = Situation.FAILED_9840_AFTER_PREPARE;
            }
            case OVERLAPPING_THEN_COMPLETES, OVERLAPPING_THEN_HANGS -> {
                Instant setterLast = last;
                // A second job starts minutes after the first one's last writer event, while it still works.
                last = last.plus(minutes(2 + random.nextInt(13)));
                refused(Situation.EARLIER_BACKUP_RUNNING);
                if (program == Program.OVERLAPPING_THEN_COMPLETES) {
                    last = max(last, setterLast).plus(minutes(1 + random.nextInt(10)));
                    snapshot();
                    copy();
                    cleanup();
                } else {
                    why = Situation.HUNG_AFTER_OVERLAP;
                }
            }
            case FAIL_BEFORE_PREPARE -> throw new AssertionError("handled above");
        }
    }

    private void prepared() {
        writer(9608, INFORMATION, random.nextBoolean()
                ? text("Exchange VSS Snapshot prepared for Snapshot successfully",
                        "Exchange VSS-Momentaufnahme wurde erfolgreich vorbereitet")
                : text("No Exchange components involved in the volume snap",
                        "Keine Exchange-Komponenten am Volume-Snap beteiligt"));
        flag = true;
        nightsStuck = 0;
    }

    private void snapshot() {
        writer(9610, INFORMATION);
        writer(9612, INFORMATION);
    }

    /** The data copy: no writer events for up to three hours. */
    private void copy() {
        last = last.plus(minutes(10 + random.nextInt(170)));
    }

    private void cleanup() {
        if (random.nextBoolean()) {
            writer(9648, INFORMATION, "OnBackupShutdown");
            writer(9616, INFORMATION, "OnBackupComplete");
        } else {
            writer(9616, INFORMATION, "OnBackupComplete");
            writer(9648, INFORMATION, "OnBackupShutdown");
        }
        flag = false;
        why = Situation.CLEAR_AFTER_CLEAN_BACKUPS;
    }

    /** A job that finds the flag set: PrepareBackup refused. */
    private void refused(Situation because) {
        writer(9604, INFORMATION);
        if (random.nextInt(4) != 0) {
            writer(9614, WARNING, text("Abort ignored", "Abbruch ignoriert"));
        }
        writerWithBinary(9607, ERROR, BACKUP_IN_PROGRESS, "0x50d");
        checks.add(new Check(last, computer, because, Check.Phase.AT_REFUSAL));
    }

    /** Another provider in the same channel, with one of the writer's own event IDs or another. */
    private void noise() {
        int[] ids = {9604, 9607, 9608, 9616, 2005};
        last = last.plus(minutes(1));
        add("MSExchangeRepl", ids[random.nextInt(ids.length)], INFORMATION, null, List.of());
    }

    private String text(String english, String german) {
        return language == Language.GERMAN ? german : english;
    }

    private void writer(int id, int level, String... inserts) {
        writerWithBinary(id, level, null, inserts);
    }

    private void writerWithBinary(int id, int level, byte[] binary, String... inserts) {
        last = last.plus(Duration.ofSeconds(20 + random.nextInt(160)));
        boolean noText = language == Language.NO_TEXT || random.nextDouble() < textless;
        List<EventData> data = new ArrayList<>();
        if (!noText) {
            for (String insert : inserts) {
                data.add(EventData.unnamed(insert));
            }
        }
        add(PROVIDER, id, level, noText ? null : binary, data);
    }

    private void add(String provider, int id, int level, byte[] binary, List<EventData> data) {
        int qualifiers = level == ERROR ? 0xC000 : level == WARNING ? 0x8000 : 0x4000;
        events.add(EventRecord.builder().channel(CHANNEL).provider(provider).eventId(id).qualifiers(qualifiers)
                .level(level).task(296).timeCreated(last).recordId(recordId++).computer(computer).data(data)
                .binary(binary).build());
    }

    private static Duration minutes(long n) {
        return Duration.ofMinutes(n);
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
