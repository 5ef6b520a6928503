package io.github.exchangevss.lifecycle;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The English words of a {@link Judgement}: the one place the status page, diagnose and alerts get them from. */
final class DiagnosisText {
    private static final DateTimeFormatter TEXT_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    /** Evidence texts that say more than the event ID's meaning ({@link WriterEvent#description()}). */
    static final String ABORT_IGNORED = "Abort ignored (backupInProgress already set)";
    static final String REFUSED_BACKUP_IN_PROGRESS = "PrepareBackup refused: \"Backup in progress\"";

    private DiagnosisText() {}

    static String aborted(boolean afterPrepare) {
        return afterPrepare ? "Aborted snapshot successfully, after PrepareBackup" : "Aborted snapshot successfully";
    }

    /** A time for the plain-words texts: to the second, as Event Viewer shows it. */
    static String at(Instant time) {
        return TEXT_TIME.format(time);
    }

    /** Why the method applies; null when no method applies yet. */
    static String diagnosis(Judgement j) {
        if (j.cause() == null) {
            return null;
        }
        Attempt setter = j.flag().setter();
        String cause = switch (j.cause()) {
            case FAILURE_9840 -> "Event 9840 (VSS backup operation failed) was logged while backupInProgress was set"
                    + (setter == null ? "." : " by the attempt started " + at(setter.startedAt) + ".");
            case SETTER_NOT_SEEN -> "The attempt that left backupInProgress set is not in the events read;"
                    + " no running backup is seen.";
            case ABORTED_AFTER_PREPARE -> "The attempt that set backupInProgress (started " + at(setter.startedAt)
                    + ") was aborted after PrepareBackup and before DoSnapshot (9608 then 9614, no 9610/9612,"
                    + " no 9616/9648): the abort left backupInProgress set.";
            case STILL_RUNNING -> "Refused at " + at(j.flag().refusedAt()) + " while the backup that set"
                    + " backupInProgress (started " + at(setter.startedAt) + ", last progress " + at(setter.lastEventAt)
                    + ") is still running.";
            case NO_CLEANUP -> "The attempt that set backupInProgress (started " + at(setter.startedAt)
                    + ", last event " + at(setter.lastEventAt) + ") ended without OnBackupComplete (9616) and"
                    + " OnBackupShutdown (9648): its backup program did not call the cleanup APIs.";
        };
        if (j.stuck() == Judgement.Stuck.WAITED_FOR_BACKUP_STOPPED) {
            return "The backup that was running when the refusal came (started " + at(setter.startedAt)
                    + ") made no progress after " + at(setter.lastEventAt) + ". " + cause;
        }
        return cause;
    }

    /** Why nothing will clear the flag by itself; null when it is not stuck. */
    static String stuckReason(Judgement j) {
        if (j.stuck() == null) {
            return null;
        }
        return switch (j.stuck()) {
            case REFUSED_WHILE_NOTHING_RUNS -> "a backup was refused at " + at(j.flag().refusedAt())
                    + " while no earlier backup is running";
            case WAITED_FOR_BACKUP_STOPPED -> "refused at " + at(j.flag().refusedAt())
                    + "; the backup it waited for stopped at " + at(j.lastProgress());
            case NO_PROGRESS -> "backupInProgress set since " + at(j.flag().since()) + " with no progress since "
                    + at(j.lastProgress());
        };
    }
}
