package io.github.exchangevss.evtx;

import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.scenario.KbLog;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The event sequences of KB 910250 for writing .evtx fixtures with {@link EvtxWriter}: {@link KbLog}'s events,
 * on one computer, the first at {@code start} and then every 7.0012345 s, so that times use all seven fraction
 * digits of a FILETIME.
 */
public final class KbEvtxFixtures {
    private static final String COMPUTER = "EXCH01.contoso.local";
    private static final Duration STEP = Duration.ofSeconds(7, 1_234_500);

    private KbEvtxFixtures() {}

    /** A good snapshot backup: 9604, 9606, 9608, 9610, 9612, 9648, 9616. */
    public static List<EventRecord> goodBackup(Instant start, long firstRecordId) {
        return log(start, firstRecordId).successfulBackup().events();
    }

    /** Method 2: the backup was cancelled after PrepareBackup: 9608, 9614, then 9607 refuses the next one. */
    public static List<EventRecord> method2(Instant start, long firstRecordId) {
        return log(start, firstRecordId).prepared().abortedSuccessfully().refused().events();
    }

    /** Method 3: the backup program never called the cleanup APIs: 9604, 9614 "Abort ignored", 9607. */
    public static List<EventRecord> method3(Instant start, long firstRecordId) {
        return log(start, firstRecordId).backupStarted().abortIgnored().refused().events();
    }

    private static KbLog log(Instant start, long firstRecordId) {
        return new KbLog(COMPUTER, start.minus(STEP), firstRecordId, STEP);
    }
}
