package io.github.exchangevss.http;

import io.github.exchangevss.lifecycle.ComputerSnapshot;
import io.github.exchangevss.lifecycle.EventCount;
import io.github.exchangevss.lifecycle.EvidenceEvent;
import io.github.exchangevss.lifecycle.ExchangeWriters;
import io.github.exchangevss.lifecycle.Remediation;
import io.github.exchangevss.metrics.BuildInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The page at {@code /computer/NAME}: one server's state, the remedy in full with its warnings, the events of the
 * current incident (newest first, the attempt that set the flag marked) and the earlier history; for a server whose
 * writer events are all MSExchangeRepl, why KB 910250 does not apply and what is watched instead.
 */
final class ComputerPage {
    static final String PREFIX = "/computer/";

    private ComputerPage() {}

    static String render(ComputerSnapshot computer, Instant now, Runbooks runbooks, BuildInfo buildInfo) {
        String name = Html.escape(computer.computer());
        ServerState state = ServerState.of(computer);
        StringBuilder html = Html.open(computer.computer() + ": " + state.label + " · Exchange VSS", Html.Reload.ALWAYS)
                .append("<p><a href=\"/\">All servers</a></p>\n<h1>").append(name).append(' ')
                .append(state.badge()).append("</h1>\n<p class=\"note\">State as of ").append(Html.time(now))
                .append("; this page reloads every ").append(Html.REFRESH_SECONDS).append(" s.</p>\n<p>");
        if (computer.backupInProgress()) {
            html.append("The writer's backupInProgress flag has been set since ")
                    .append(Html.timeAndAge(computer.inProgressSince(), now, "an unknown time")).append(".<br>");
        }
        if (computer.stuck()) {
            html.append("<strong>Stuck:</strong> ").append(Html.escape(computer.stuckReason())).append(" (<a href=\"")
                    .append(Html.escape(runbooks.url(Runbooks.BACKUP_STUCK))).append("\">runbook ")
                    .append(Runbooks.BACKUP_STUCK).append("</a>)<br>");
        }
        html.append("Last good backup: ").append(Html.timeAndAge(computer.lastSuccessfulBackup(), now, "none seen"))
                .append("<br>Last event: ").append(Html.timeAndAge(computer.lastEventTime(), now, "none"))
                .append("<br>Backup attempts: ").append(computer.attempts().entrySet().stream()
                        .sorted(Map.Entry.comparingByKey())
                        .map(e -> Html.escape(e.getKey().label()) + " " + e.getValue())
                        .collect(Collectors.joining(", ")))
                .append("</p>\n");
        remedy(html, computer, runbooks);
        events(html, "Current incident", "from the attempt that set the flag, newest first", computer.incident(), now);
        events(html, "History", "earlier events, newest first", computer.history(), now);
        return Html.close(html, buildInfo);
    }

    /**
     * A server whose writer events are all MSExchangeRepl: why KB 910250 does not follow it and what watches it
     * instead, with the events counted for it.
     */
    static String renderReplicationOnly(String computer, List<EventCount> counted, Instant now, Runbooks runbooks,
            BuildInfo buildInfo) {
        ServerState state = ServerState.REPLICATION;
        StringBuilder html = Html.open(computer + ": " + state.label + " · Exchange VSS", Html.Reload.ALWAYS)
                .append("<p><a href=\"/\">All servers</a></p>\n<h1>").append(Html.escape(computer)).append(' ')
                .append(state.badge()).append("</h1>\n<p class=\"note\">State as of ").append(Html.time(now))
                .append("; this page reloads every ").append(Html.REFRESH_SECONDS).append(" s.</p>\n")
                .append("<p><strong>Not followed by KB 910250:</strong> ")
                .append(Html.escape(ExchangeWriters.REPLICATION_ONLY)).append("</p>\n")
                .append("<h2>What watches it instead</h2>\n<p>The alert ")
                .append("<a href=\"").append(Html.escape(runbooks.url(Runbooks.REPLICATION_WRITER_ERROR))).append("\">")
                .append(Runbooks.REPLICATION_WRITER_ERROR).append("</a> and the counters below")
                .append(" (<code>exchange_vss_events_total</code>).</p>\n")
                .append("<table><caption>Events counted, by provider and event ID</caption>\n")
                .append("<tr><th>Provider</th><th>Event ID</th><th>Level</th><th>Events</th><th>Last</th></tr>\n");
        for (EventCount count : counted) {
            html.append("<tr><td>").append(Html.escape(count.provider())).append("</td><td class=\"num\">")
                    .append(count.eventId()).append("</td><td class=\"num\">")
                    .append(count.level() == null ? "" : count.level()).append("</td><td class=\"num\">")
                    .append(count.count()).append("</td><td>").append(Html.timeAndAge(count.lastTimestamp(), now, "none"))
                    .append("</td></tr>\n");
        }
        html.append("</table>\n");
        return Html.close(html, buildInfo);
    }

    private static void remedy(StringBuilder html, ComputerSnapshot computer, Runbooks runbooks) {
        Remediation remediation = computer.remediation();
        if (remediation == null) {
            return;
        }
        html.append("<h2>What to do: KB 910250 ").append(Html.escape(remediation.kbTitle())).append("</h2>\n<p>")
                .append(Html.escape(remediation.remedy())).append("</p>\n");
        if (!remediation.warning().isEmpty()) {
            html.append("<p class=\"warning\"><strong>Warning:</strong> ").append(Html.escape(remediation.warning()))
                    .append("</p>\n");
        }
        if (computer.diagnosis() != null) {
            html.append("<p><strong>Why this method:</strong> ").append(Html.escape(computer.diagnosis()))
                    .append("</p>\n");
        }
        String alert = Runbooks.alertName(remediation);
        html.append("<p>Runbook: <a href=\"").append(Html.escape(runbooks.url(alert))).append("\">").append(alert)
                .append("</a></p>\n");
    }

    private static void events(StringBuilder html, String title, String order, List<EvidenceEvent> events,
            Instant now) {
        html.append("<h2>").append(title).append("</h2>\n");
        if (events.isEmpty()) {
            html.append("<p>None.</p>\n");
            return;
        }
        html.append("<table><caption>MSExchangeIS events, ").append(order).append("</caption>\n")
                .append("<tr><th>Time</th><th>Record ID</th><th>Event ID</th><th>Description</th></tr>\n");
        for (EvidenceEvent event : events) {
            html.append(event.flagSetter() ? "<tr class=\"setter\"><td>" : "<tr><td>")
                    .append(Html.timeAndAge(event.time(), now, "")).append("</td><td class=\"num\">")
                    .append(event.recordId()).append("</td><td class=\"num\">").append(event.eventId())
                    .append("</td><td>").append(Html.escape(event.description()))
                    .append(event.flagSetter() ? " <strong>(the attempt that set the flag)</strong>" : "")
                    .append("</td></tr>\n");
        }
        html.append("</table>\n");
    }
}
