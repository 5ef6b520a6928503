package io.github.exchangevss.lifecycle;

import io.github.exchangevss.event.EventRecord;
import java.util.List;

/** Builds engines in the states the persistence tests save and restore. */
public final class EngineStateRoundTrip {
    private EngineStateRoundTrip() {}

    /** EXCH02 stuck with Method 2 and EXCH01 after one good backup, as the KB sequences leave them. */
    public static List<EventRecord> stuckAndHealthy() {
        List<EventRecord> stuck = new KbScript("EXCH02.contoso.local").events(VssEvents.BACKUP_START,
                VssEvents.PREPARED, VssEvents.ABORT, VssEvents.BACKUP_START, VssEvents.PREPARE_REFUSED).build();
        List<EventRecord> healthy = new KbScript("EXCH01.contoso.local").events(VssEvents.BACKUP_START,
                VssEvents.VOLUME_SNAP, VssEvents.PREPARED, VssEvents.SNAPSHOT_FREEZE, VssEvents.SNAPSHOT_THAW,
                VssEvents.BACKUP_SHUTDOWN, VssEvents.BACKUP_COMPLETE).build();
        return EventOrder.sort(concat(stuck, healthy));
    }

    private static List<EventRecord> concat(List<EventRecord> a, List<EventRecord> b) {
        java.util.ArrayList<EventRecord> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
