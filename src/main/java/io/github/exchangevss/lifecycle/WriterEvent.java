package io.github.exchangevss.lifecycle;

import io.github.exchangevss.event.EventRecord;
import java.util.Optional;

/** The MSExchangeIS events of KB 910250 and KB 930800 that move the writer's lifecycle, with what each means. */
public enum WriterEvent {
    INITIALIZE_WRITER(VssEvents.INITIALIZE_WRITER, "Initialize VSSWriter: Information Store started, backupInProgress reset"),
    BACKUP_START(VssEvents.BACKUP_START, "Backup attempt started"),
    VOLUME_SNAP(VssEvents.VOLUME_SNAP, "Volume snap occurring"),
    PREPARE_REFUSED(VssEvents.PREPARE_REFUSED, "PrepareBackup refused: backup in progress"),
    PREPARED(VssEvents.PREPARED, "Prepared for snapshot (PrepareBackup succeeded, backupInProgress set)"),
    SNAPSHOT_FREEZE(VssEvents.SNAPSHOT_FREEZE, "Snapshot phase"),
    SNAPSHOT_THAW(VssEvents.SNAPSHOT_THAW, "Snapshot phase"),
    ABORT(VssEvents.ABORT, "Snapshot aborted"),
    BACKUP_COMPLETE(VssEvents.BACKUP_COMPLETE, "OnBackupComplete: backupInProgress reset"),
    BACKUP_SHUTDOWN(VssEvents.BACKUP_SHUTDOWN, "OnBackupShutdown: backupInProgress reset"),
    BACKUP_FAILED(VssEvents.BACKUP_FAILED, "VSS backup operation failed (KB 930800)");

    private final int id;
    private final String description;

    WriterEvent(int id, String description) {
        this.id = id;
        this.description = description;
    }

    public int id() {
        return id;
    }

    /** What the event means, after the KB's table. */
    public String description() {
        return description;
    }

    /** The lifecycle event {@code e} is: the Information Store's provider (in any case) and one of these IDs. */
    public static Optional<WriterEvent> of(EventRecord e) {
        return VssEvents.PROVIDER.equalsIgnoreCase(e.provider()) ? of(e.eventId()) : Optional.empty();
    }

    public static Optional<WriterEvent> of(int eventId) {
        for (WriterEvent e : values()) {
            if (e.id == eventId) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
