package io.github.exchangevss.cli;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.github.exchangevss.lifecycle.ComputerSnapshot;
import io.github.exchangevss.lifecycle.EngineSnapshot;
import io.github.exchangevss.lifecycle.EvidenceEvent;
import io.github.exchangevss.lifecycle.ExchangeWriters;
import io.github.exchangevss.lifecycle.Outcome;
import io.github.exchangevss.source.SourceError;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What {@code diagnose} prints, as JSON (snake_case keys) or text. */
@JsonPropertyOrder({"evaluated_at", "computers", "replication_writer_only", "files", "errors"})
record DiagnoseReport(Instant evaluatedAt, List<Computer> computers, List<ReplicationWriterOnly> replicationWriterOnly,
        List<FileSummary> files, List<SourceError> errors) {

    /** A computer whose writer events are all MSExchangeRepl (Exchange 2013 or later): not followed by the KB lifecycle. */
    record ReplicationWriterOnly(String computer, String explanation) {}

    @JsonPropertyOrder({"computer", "backup_in_progress", "stuck", "remediation_method", "remediation_action", "remedy"})
    record Computer(String computer, boolean backupInProgress, boolean stuck, Integer remediationMethod,
            String remediationAction, String remedy, String kbMethod, String diagnosis, String stuckReason,
            Instant inProgressSince, Instant lastSuccessfulBackup, Map<String, Long> attempts,
            List<EvidenceEvent> incident, List<EvidenceEvent> history) {

        static Computer of(ComputerSnapshot c) {
            Map<String, Long> attempts = new LinkedHashMap<>();
            for (Outcome o : Outcome.values()) {
                attempts.put(o.label(), c.attempts().get(o));
            }
            var r = c.remediation();
            return new Computer(c.computer(), c.backupInProgress(), c.stuck(), r == null ? null : r.method(),
                    r == null ? null : r.action(), r == null ? null : r.remedy(), r == null ? null : r.kbTitle(),
                    c.diagnosis(), c.stuckReason(), c.inProgressSince(), c.lastSuccessfulBackup(), attempts,
                    c.incident(), c.history());
        }
    }

    private static void events(StringBuilder b, String title, List<EvidenceEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        b.append(title).append('\n');
        for (EvidenceEvent e : events) {
            b.append(e.flagSetter() ? "  * " : "    ").append(e.time()).append("  #").append(e.recordId()).append("  ")
                    .append(e.eventId()).append("  ").append(e.description()).append('\n');
        }
    }

    record FileSummary(String path, long events, long errors) {}

    static DiagnoseReport of(EngineSnapshot snapshot, List<FileSummary> files, List<SourceError> errors) {
        return new DiagnoseReport(snapshot.evaluatedAt(), snapshot.computers().stream().map(Computer::of).toList(),
                ExchangeWriters.replicationOnly(snapshot.events()).stream()
                        .map(c -> new ReplicationWriterOnly(c, ExchangeWriters.REPLICATION_ONLY)).toList(),
                files, errors);
    }

    String toText() {
        StringBuilder b = new StringBuilder();
        for (FileSummary f : files) {
            b.append("Read ").append(f.path()).append(": ").append(f.events()).append(" events");
            if (f.errors() > 0) {
                b.append(", ").append(f.errors()).append(" problems (listed below)");
            }
            b.append('\n');
        }
        if (computers.isEmpty()) {
            b.append("\nNo MSExchangeIS VSS writer events were found.\n");
        }
        for (ReplicationWriterOnly r : replicationWriterOnly) {
            b.append('\n').append(r.computer()).append(": NOT WATCHED BY KB 910250 - ").append(r.explanation()).append('\n');
        }
        for (Computer c : computers) {
            b.append('\n').append(c.computer()).append(": ");
            if (c.stuck()) {
                b.append("STUCK - backupInProgress set since ").append(c.inProgressSince()).append('\n');
                b.append("  Why stuck: ").append(c.stuckReason()).append('\n');
            } else if (c.backupInProgress()) {
                b.append("backup in progress since ").append(c.inProgressSince()).append('\n');
            } else {
                b.append("OK - backupInProgress is not set\n");
            }
            if (c.remediationMethod() != null) {
                b.append("  KB 910250 ").append(c.kbMethod()).append('\n');
                b.append("  What to do: ").append(c.remedy()).append('\n');
                b.append("  Evidence: ").append(c.diagnosis()).append('\n');
            }
            b.append("  Attempts: ");
            c.attempts().forEach((k, v) -> b.append(k).append(' ').append(v).append("  "));
            b.append("\n  Last successful backup: ")
                    .append(c.lastSuccessfulBackup() == null ? "none in the events read" : c.lastSuccessfulBackup())
                    .append('\n');
            events(b, "  This incident, newest first (* = the attempt that set the flag):", c.incident());
            events(b, c.incident().isEmpty() ? "  Recent events, newest first:" : "  Earlier events, newest first:",
                    c.history());
        }
        if (!errors.isEmpty()) {
            b.append("\nProblems while reading (these events were skipped; everything else was read):\n");
            for (SourceError e : errors) {
                b.append("  ").append(e).append('\n');
            }
        }
        b.append("\nJudged at ").append(evaluatedAt).append(" (the time of the newest event read).\n");
        return b.toString();
    }
}
