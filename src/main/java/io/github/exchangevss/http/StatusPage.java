package io.github.exchangevss.http;

import io.github.exchangevss.lifecycle.ComputerSnapshot;
import io.github.exchangevss.lifecycle.EngineSnapshot;
import io.github.exchangevss.lifecycle.EvidenceEvent;
import io.github.exchangevss.metrics.BuildInfo;
import io.github.exchangevss.source.SourceStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The HTML page at {@code /}: per computer the state of the Exchange VSS writer, the KB 910250 method that applies
 * and the events behind the diagnosis, then the health of the sources. Self-contained (no external CSS or scripts);
 * every value from the event log is HTML-escaped.
 */
public final class StatusPage {
    static final int REFRESH_SECONDS = 15;
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    /** Stuck computers first, then those with a backup in progress, then the rest; by name within each group. */
    private static final Comparator<ComputerSnapshot> ORDER = Comparator
            .comparingInt((ComputerSnapshot c) -> c.stuck() ? 0 : c.backupInProgress() ? 1 : 2)
            .thenComparing(ComputerSnapshot::computer);
    private static final String STYLE = """
            body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}
            h1{font-size:1.4em}h2{font-size:1.2em;margin-top:1.5em}
            section{border:1px solid #ccc;border-radius:6px;padding:.5em 1em;margin:1em 0}
            .state{display:inline-block;padding:.1em .6em;border-radius:4px;font-weight:bold;color:#fff}
            .ok{background:#2e7d32}.running{background:#ef6c00}.stuck{background:#c62828}
            table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ddd;padding:.2em .6em;text-align:left}
            th{background:#f4f4f4}td.num{text-align:right}footer{margin-top:2em;color:#666;font-size:.9em}
            """;

    private final Supplier<EngineSnapshot> engine;
    private final Supplier<List<SourceStatus.Snapshot>> sources;
    private final BuildInfo buildInfo;

    public StatusPage(Supplier<EngineSnapshot> engine, Supplier<List<SourceStatus.Snapshot>> sources,
            BuildInfo buildInfo) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.sources = Objects.requireNonNull(sources, "sources");
        this.buildInfo = Objects.requireNonNull(buildInfo, "buildInfo");
    }

    /** The page for the current engine snapshot, linking to the metrics at {@code telemetryPath}. */
    public String render(String telemetryPath) {
        EngineSnapshot snapshot = engine.get();
        StringBuilder html = new StringBuilder(8192);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"refresh\" content=\"").append(REFRESH_SECONDS).append("\">")
                .append("<title>Exchange VSS exporter</title><style>").append(STYLE).append("</style></head><body>\n")
                .append("<h1>Exchange VSS exporter</h1>\n<p><a href=\"").append(escape(telemetryPath))
                .append("\">Metrics</a> &middot; state as of ").append(time(snapshot.evaluatedAt())).append("</p>\n");
        html.append("<h2>Exchange servers</h2>\n");
        List<ComputerSnapshot> computers = snapshot.computers().stream().sorted(ORDER).toList();
        if (computers.isEmpty()) {
            html.append("<p>No MSExchangeIS VSS writer events read yet.</p>\n");
        }
        computers.forEach(computer -> computer(html, computer, snapshot.evaluatedAt()));
        sources(html, sources.get());
        html.append("<footer>exchange-vss-exporter ").append(escape(buildInfo.version())).append(" (revision ")
                .append(escape(buildInfo.revision())).append(")</footer>\n</body></html>\n");
        return html.toString();
    }

    private static void computer(StringBuilder html, ComputerSnapshot computer, Instant now) {
        html.append("<section>\n<h3>").append(escape(computer.computer())).append(' ');
        if (computer.stuck()) {
            html.append("<span class=\"state stuck\">STUCK</span>");
        } else if (computer.backupInProgress()) {
            html.append("<span class=\"state running\">Backup in progress</span>");
        } else {
            html.append("<span class=\"state ok\">OK</span>");
        }
        html.append("</h3>\n");
        if (computer.backupInProgress()) {
            html.append("<p>The writer's backupInProgress flag has been set since ")
                    .append(since(computer.inProgressSince(), now)).append(".</p>\n");
        }
        if (computer.stuck()) {
            html.append("<p><strong>Stuck:</strong> ").append(escape(computer.stuckReason()))
                    .append(" &middot; ").append(runbookLink(Runbooks.BACKUP_STUCK)).append("</p>\n");
        }
        if (computer.remediation() != null) {
            html.append("<p><strong>KB 910250 ").append(escape(computer.remediation().kbTitle()))
                    .append("</strong><br>").append(escape(computer.remediation().remedy())).append(" &middot; ")
                    .append(runbookLink(Runbooks.alertName(computer.remediation()))).append("</p>\n");
        }
        if (computer.diagnosis() != null) {
            html.append("<p><strong>Diagnosis:</strong> ").append(escape(computer.diagnosis())).append("</p>\n");
        }
        evidence(html, java.util.stream.Stream.concat(computer.incident().stream(), computer.history().stream()).toList());
        html.append("<p>Backup attempts: ").append(computer.attempts().entrySet().stream()
                        .sorted(Map.Entry.comparingByKey())
                        .map(e -> escape(e.getKey().label()) + " " + e.getValue())
                        .collect(Collectors.joining(", ")))
                .append("<br>Last successful backup: ")
                .append(computer.lastSuccessfulBackup() == null ? "none seen" : time(computer.lastSuccessfulBackup()))
                .append("<br>Last event: ").append(computer.lastEventTime() == null ? "none" : time(computer.lastEventTime()))
                .append("</p>\n</section>\n");
    }

    private static void evidence(StringBuilder html, List<EvidenceEvent> evidence) {
        if (evidence.isEmpty()) {
            return;
        }
        html.append("<table><caption>Evidence (MSExchangeIS events, oldest first)</caption>\n")
                .append("<tr><th>Time</th><th>Record ID</th><th>Event ID</th><th>Description</th></tr>\n");
        for (EvidenceEvent event : evidence) {
            html.append("<tr><td>").append(time(event.time())).append("</td><td class=\"num\">").append(event.recordId())
                    .append("</td><td class=\"num\">").append(event.eventId()).append("</td><td>")
                    .append(escape(event.description())).append("</td></tr>\n");
        }
        html.append("</table>\n");
    }

    private static void sources(StringBuilder html, List<SourceStatus.Snapshot> sources) {
        html.append("<h2>Event sources</h2>\n<table>\n<tr><th>Source</th><th>Up</th><th>Events read</th>")
                .append("<th>Events missed</th><th>Errors</th><th>Last event</th></tr>\n");
        for (SourceStatus.Snapshot source : sources) {
            String errors = source.errors().isEmpty() ? "none" : new TreeMap<>(source.errors()).entrySet().stream()
                    .map(e -> escape(e.getKey()) + ": " + e.getValue()).collect(Collectors.joining(", "));
            html.append("<tr><td>").append(escape(source.name())).append("</td><td>")
                    .append(source.up() ? "yes" : "<strong>no</strong>").append("</td><td class=\"num\">")
                    .append(source.eventsRead()).append("</td><td class=\"num\">").append(source.eventsMissed())
                    .append("</td><td>").append(errors).append("</td><td>")
                    .append(source.lastEventTime() == null ? "none" : time(source.lastEventTime()))
                    .append("</td></tr>\n");
        }
        html.append("</table>\n");
    }

    private static String runbookLink(String alertName) {
        return "<a href=\"" + escape(Runbooks.url(alertName)) + "\">runbook " + escape(alertName) + "</a>";
    }

    private static String since(Instant start, Instant now) {
        if (start == null) {
            return "an unknown time";
        }
        Duration elapsed = Duration.between(start, now);
        if (elapsed.isNegative()) {
            return time(start);
        }
        String length = elapsed.toDays() > 0
                ? elapsed.toDays() + " d " + elapsed.toHoursPart() + " h"
                : elapsed.toHours() + " h " + elapsed.toMinutesPart() + " min";
        return time(start) + " (" + length + ")";
    }

    private static String time(Instant instant) {
        return TIME.format(instant);
    }

    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '&' -> escaped.append("&amp;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
