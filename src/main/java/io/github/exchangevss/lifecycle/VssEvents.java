package io.github.exchangevss.lifecycle;

import io.github.exchangevss.event.EventData;
import io.github.exchangevss.event.EventRecord;
import java.util.Locale;

/** The MSExchangeIS event IDs of KB 910250 and KB 930800, and how to read their data. */
public final class VssEvents {
    public static final String PROVIDER = "MSExchangeIS";

    public static final int INITIALIZE_WRITER = 9600;
    public static final int BACKUP_START = 9604;
    public static final int VOLUME_SNAP = 9606;
    public static final int PREPARE_REFUSED = 9607;
    public static final int PREPARED = 9608;
    public static final int SNAPSHOT_FREEZE = 9610;
    public static final int SNAPSHOT_THAW = 9612;
    public static final int ABORT = 9614;
    public static final int BACKUP_COMPLETE = 9616;
    public static final int BACKUP_SHUTDOWN = 9648;
    public static final int BACKUP_FAILED = 9840;

    private VssEvents() {}

    /** True for an event that moves the lifecycle: the right provider and one of the IDs above. */
    public static boolean isLifecycleEvent(EventRecord e) {
        return WriterEvent.of(e).isPresent();
    }

    /** True when the event's inserts, message or binary data contain {@code text} (case-insensitive). */
    public static boolean mentions(EventRecord e, String text) {
        String needle = text.toLowerCase(Locale.ROOT);
        for (EventData d : e.data()) {
            if (d.value().toLowerCase(Locale.ROOT).contains(needle)) {
                return true;
            }
        }
        String binary = e.binaryText();
        return contains(e.message(), needle) || contains(binary, needle);
    }

    private static boolean contains(String haystack, String lowerNeedle) {
        return haystack != null && haystack.toLowerCase(Locale.ROOT).contains(lowerNeedle);
    }
}
