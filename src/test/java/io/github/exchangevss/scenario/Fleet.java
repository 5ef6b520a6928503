package io.github.exchangevss.scenario;

import io.github.exchangevss.lifecycle.EngineSnapshot;
import io.github.exchangevss.lifecycle.EventCounting;
import io.github.exchangevss.lifecycle.LifecycleEngine;
import io.github.exchangevss.lifecycle.LifecycleSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.function.IntFunction;

/**
 * A WEF collector's view of many Exchange servers, read by the real lifecycle engine from KB 910250 logs: per ten
 * servers one stuck with Method 2, one stuck with Method 3, one in the middle of a backup and seven whose last
 * backup completed, except that one server in a hundred runs Exchange 2013 or later: its writer logs a backup as
 * MSExchangeRepl events only, which the engine counts but does not follow.
 */
public final class Fleet {
    public static final Instant START = Instant.parse("2026-11-30T20:00:00Z");
    /** When the fleet is judged: every log has ended, the running backups started minutes ago. */
    public static final Instant NOW = START.plus(Duration.ofHours(4));

    /** Which server of each hundred runs Exchange 2013 or later: one of those whose backup completed. */
    public static final int REPLICATION_ONLY = 99;
    /** MSExchangeRepl events the Exchange writer of Exchange 2013 and later logs during a backup. */
    private static final int[] REPLICATION_BACKUP = {2021, 2023, 2110};
    private static final int INFORMATION = 4;

    private Fleet() {}

    /** The conventional names EXCH0000.contoso.local, EXCH0001... */
    public static EngineSnapshot of(int servers) {
        return of(servers, i -> String.format("EXCH%04d.contoso.local", i));
    }

    public static EngineSnapshot of(int servers, IntFunction<String> name) {
        LifecycleEngine engine = new LifecycleEngine(LifecycleSettings.DEFAULTS, () -> NOW);
        for (int i = 0; i < servers; i++) {
            KbLog log = new KbLog(name.apply(i), START.plusSeconds(i % 600), 1001);
            if (i % 100 == REPLICATION_ONLY) {
                for (int id : REPLICATION_BACKUP) {
                    log.other(EventCounting.REPLICATION_PROVIDER, id, INFORMATION, null);
                }
            } else {
                log.successfulBackup();
                switch (i % 10) {
                    case 0 -> log.after(Duration.ofHours(1)).backupStarted().volumeSnap().prepared()
                            .abortedSuccessfully().after(Duration.ofHours(2)).backupStarted().refused();
                    case 1 -> log.after(Duration.ofHours(1)).backupStarted().volumeSnap().prepared()
                            .after(Duration.ofHours(1)).backupStarted().abortIgnored().refused();
                    case 2 -> log.after(Duration.ofMinutes(220)).backupStarted().volumeSnap().prepared();
                    default -> { }
                }
            }
            log.events().forEach(engine::apply);
        }
        return engine.snapshotAt(NOW);
    }
}
