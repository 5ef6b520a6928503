package io.github.exchangevss.scenario;

import io.github.exchangevss.event.EventRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The situations of KB 910250 as logs, with what the exporter must say about each computer. The expectations
 * come from the KB and the metric contract, not from the engine: which method the KB names for the sequence,
 * whether the flag is set (9608 sets it; 9600, 9616 and 9648 reset it), and how each attempt ended.
 *
 * @param expected one entry per computer that has MSExchangeIS lifecycle events
 */
public record KbSituation(String name, List<EventRecord> events, List<Expected> expected) {
    /** Early enough that every attempt is long over when a test runs on the real clock. */
    public static final Instant T0 = Instant.parse("2026-03-05T01:00:00.1234567Z");

    /**
     * @param method   the KB 910250 method that applies, or null for none
     * @param attempts completed, aborted, refused, failed
     */
    public record Expected(String computer, boolean backupInProgress, boolean stuck, Integer method,
            long completed, long aborted, long refused, long failed) {
        public Map<String, Long> attempts() {
            return Map.of("completed", completed, "aborted", aborted, "refused", refused, "failed", failed);
        }
    }

    @Override
    public String toString() {
        return name;
    }

    private static KbLog log(String host) {
        return new KbLog(host + ".contoso.local", T0, 52_000);
    }

    public static List<KbSituation> all() {
        List<KbSituation> all = new ArrayList<>();
        all.add(successfulBackup());
        all.add(method1Running());
        all.add(method1Completes());
        all.add(method2With9604s());
        all.add(method2AsTheKbTable());
        all.add(method3());
        all.add(abortIgnoredAfterAnUnfinishedAttemptIsMethod3());
        all.add(abortIgnoredAfterAnAbortedAttemptIsMethod2());
        all.add(event9840());
        all.add(storeRestartClears());
        all.add(noProgressForSixHours());
        all.add(noProgressForFiveHoursIsNotYetStuck());
        all.add(noProgressForSixHoursWhileOtherProvidersLog());
        all.add(severalComputers());
        all.add(otherProvidersIgnored());
        return all;
    }

    /** The KB's successful sequence after a store restart: 9600, 9604, 9606, 9608, 9610, 9612, 9648, 9616. */
    public static KbSituation successfulBackup() {
        KbLog l = log("EXCH-OK").storeStarted().successfulBackup();
        return new KbSituation("successful backup", l.events(),
                List.of(new Expected(l.computer(), false, false, null, 1, 0, 0, 0)));
    }

    /** An earlier backup still makes progress when the next one is refused: Method 1, wait; nothing is stuck. */
    private static KbLog method1Log() {
        return log("EXCH-M1").backupStarted().volumeSnap().prepared().phase9610()
                .backupStarted().abortIgnored().refused();
    }

    public static KbSituation method1Running() {
        KbLog l = method1Log();
        return new KbSituation("Method 1: earlier backup running, next one refused", l.events(),
                List.of(new Expected(l.computer(), true, false, 1, 0, 0, 1, 0)));
    }

    public static KbSituation method1Completes() {
        KbLog l = method1Log().phase9612().backupShutdown().backupComplete();
        return new KbSituation("Method 1: the earlier backup then completes", l.events(),
                List.of(new Expected(l.computer(), false, false, null, 1, 0, 1, 0)));
    }

    /** Cancelled after PrepareBackup (9608, 9614 aborted successfully); the next attempt's PrepareBackup is refused. */
    public static KbSituation method2With9604s() {
        KbLog l = log("EXCH-M2").backupStarted().volumeSnap().prepared().abortedSuccessfully()
                .after(Duration.ofHours(2)).backupStarted().refused();
        return new KbSituation("Method 2 with the attempts' 9604s", l.events(),
                List.of(new Expected(l.computer(), true, true, 2, 0, 1, 1, 0)));
    }

    /** Exactly the KB's Method 2 table: 9608, 9614, 9607. */
    public static KbSituation method2AsTheKbTable() {
        KbLog l = log("EXCH-M2T").prepared().abortedSuccessfully().refused();
        return new KbSituation("Method 2 as the KB table: 9608, 9614, 9607", l.events(),
                List.of(new Expected(l.computer(), true, true, 2, 0, 1, 1, 0)));
    }

    /** A backup set missing 9648 and 9616, then on the next attempt 9604, 9614 "Abort ignored", 9607. */
    public static KbSituation method3() {
        KbLog l = log("EXCH-M3").backupStarted().volumeSnap().preparedNoExchangeComponents().snapshotPhases()
                .after(Duration.ofHours(3)).backupStarted().abortIgnored().refused();
        return new KbSituation("Method 3: cleanup APIs not called", l.events(),
                List.of(new Expected(l.computer(), true, true, 3, 0, 0, 1, 1)));
    }

    /**
     * The old attempt's 9608, then the new attempt's 9614 "Abort ignored" and 9607: read without the 9604 between
     * them it looks like the Method 2 table, but the old attempt never aborted, it never cleaned up: Method 3.
     */
    public static KbSituation abortIgnoredAfterAnUnfinishedAttemptIsMethod3() {
        KbLog l = log("EXCH-M3B").backupStarted().volumeSnap().prepared()
                .after(Duration.ofHours(1)).backupStarted().abortIgnored().refused();
        return new KbSituation("new attempt's Abort ignored after an old attempt's 9608: Method 3", l.events(),
                List.of(new Expected(l.computer(), true, true, 3, 0, 0, 1, 1)));
    }

    /** The same new attempt after an old attempt that did abort after PrepareBackup: Method 2. */
    public static KbSituation abortIgnoredAfterAnAbortedAttemptIsMethod2() {
        KbLog l = log("EXCH-M2B").backupStarted().volumeSnap().prepared().abortedSuccessfully()
                .after(Duration.ofHours(1)).backupStarted().abortIgnored().refused();
        return new KbSituation("new attempt's Abort ignored after an old attempt's abort after 9608: Method 2",
                l.events(), List.of(new Expected(l.computer(), true, true, 2, 0, 1, 1, 0)));
    }

    /** Exchange 2007's 9840 while the flag is set: the KB sends it to Method 2 (restart the store, retry). */
    public static KbSituation event9840() {
        KbLog l = log("EXCH-2007").backupStarted().volumeSnap().prepared().backupFailed();
        return new KbSituation("9840 (KB 930800)", l.events(),
                List.of(new Expected(l.computer(), true, true, 2, 0, 0, 0, 1)));
    }

    /** Method 2, then the Information Store restarts (9600 resets the flag) and the next backup succeeds. */
    public static KbSituation storeRestartClears() {
        KbLog l = log("EXCH-RST").backupStarted().volumeSnap().prepared().abortedSuccessfully()
                .after(Duration.ofHours(2)).backupStarted().refused()
                .after(Duration.ofMinutes(30)).storeStarted()
                .after(Duration.ofMinutes(10)).successfulBackup();
        return new KbSituation("9600 after Method 2 clears it", l.events(),
                List.of(new Expected(l.computer(), false, false, null, 1, 1, 1, 0)));
    }

    /**
     * A backup set the flag and stopped without cleanup; the log goes on (another server backs up hours later).
     * Six hours without progress (the default stuck-after) make it stuck with no refusal, and a set that misses
     * 9648 and 9616 is the KB's Method 3.
     */
    public static KbSituation noProgressForSixHours() {
        return stalled("stuck after 6h without progress", Duration.ofHours(7), true, 3);
    }

    public static KbSituation noProgressForFiveHoursIsNotYetStuck() {
        return stalled("in progress 5h without progress: not yet stuck", Duration.ofHours(5), false, null);
    }

    private static KbSituation stalled(String name, Duration quiet, boolean stuck, Integer method) {
        KbLog stalled = log("EXCH-STALL").backupStarted().volumeSnap().prepared().phase9610();
        KbLog other = log("EXCH-CLOCK").after(quiet).successfulBackup();
        return new KbSituation(name, KbLog.interleave(stalled, other), List.of(
                new Expected(other.computer(), false, false, null, 1, 0, 0, 0),
                new Expected(stalled.computer(), true, stuck, method, 0, 0, 0, 0)));
    }

    /**
     * One server's own Application log: the writer went quiet after 9608 while other providers kept logging.
     * The log's clock is its newest event, whoever wrote it.
     */
    public static KbSituation noProgressForSixHoursWhileOtherProvidersLog() {
        KbLog l = log("EXCH-QUIET").backupStarted().volumeSnap().prepared().phase9610()
                .after(Duration.ofHours(3)).other("MSExchangeSA", 9152, 4, null)
                .after(Duration.ofHours(4)).other("ESE", 302, 4, null);
        return new KbSituation("stuck after 6h without progress, other providers logging", l.events(),
                List.of(new Expected(l.computer(), true, true, 3, 0, 0, 0, 0)));
    }

    /** Three servers forwarded into one log, their events interleaved in time. */
    public static KbSituation severalComputers() {
        KbLog ok = log("EXCH01").successfulBackup().after(Duration.ofHours(2)).successfulBackup();
        KbLog m2 = log("EXCH02").after(Duration.ofSeconds(20)).prepared().abortedSuccessfully().refused();
        KbLog m3 = log("EXCH03").after(Duration.ofSeconds(40)).backupStarted().volumeSnap().prepared()
                .snapshotPhases().after(Duration.ofHours(1)).backupStarted().abortIgnored().refused();
        return new KbSituation("several computers in one stream", KbLog.interleave(ok, m2, m3), List.of(
                new Expected(ok.computer(), false, false, null, 2, 0, 0, 0),
                new Expected(m2.computer(), true, true, 2, 0, 1, 1, 0),
                new Expected(m3.computer(), true, true, 3, 0, 0, 1, 1)));
    }

    /**
     * Other providers log the same event IDs, even "Backup in progress" data: none of them may move the
     * lifecycle. A server with only such events is not listed at all.
     */
    public static KbSituation otherProvidersIgnored() {
        KbLog l = log("EXCH-NOISE").other("MSExchangeRepl", 9604, 4, null)
                .successfulBackup()
                .other("VSS", 8224, 4, null, "The VSS service is shutting down due to idle timeout.")
                .other("MSExchangeRepl", 9608, 4, null, KbLog.PREPARED_SUCCESSFULLY)
                .other("ESE", 9614, 3, null, KbLog.ABORTED_SUCCESSFULLY)
                .other("MSExchangeSA", 9607, 2, KbLog.BACKUP_IN_PROGRESS, "0x50d")
                .other("MSExchangeSA", 9840, 2, null);
        KbLog onlyOthers = log("EXCH-OTHERS").other("MSExchangeRepl", 9608, 4, null, KbLog.PREPARED_SUCCESSFULLY)
                .other("MSExchangeSA", 9607, 2, KbLog.BACKUP_IN_PROGRESS, "0x50d");
        return new KbSituation("other providers ignored", KbLog.interleave(l, onlyOthers),
                List.of(new Expected(l.computer(), false, false, null, 1, 0, 0, 0)));
    }
}
