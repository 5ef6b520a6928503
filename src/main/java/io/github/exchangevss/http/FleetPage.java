package io.github.exchangevss.http;

import io.github.exchangevss.lifecycle.ComputerSnapshot;
import io.github.exchangevss.lifecycle.EngineSnapshot;
import io.github.exchangevss.lifecycle.EventCount;
import io.github.exchangevss.lifecycle.ExchangeWriters;
import io.github.exchangevss.lifecycle.Remediation;
import io.github.exchangevss.lifecycle.VssEvents;
import io.github.exchangevss.metrics.BuildInfo;
import io.github.exchangevss.source.SourceStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The page at {@code /}: a summary of the fleet (also in the title), then one row per server, stuck first, with
 * a filter that works with or without scripts, then the event sources. Servers whose writer events are all
 * MSExchangeRepl (Exchange 2013 and later) have rows too, in their own state, so that they are not silently absent.
 */
final class FleetPage {
    static final Duration REFUSED_WINDOW = Duration.ofHours(24);
    /** Stuck servers first, then those with a backup in progress, then by {@link ServerState}; by name within each. */
    private static final Comparator<Row> ORDER = Comparator.comparing(Row::state).thenComparing(Row::name);
    /**
     * Hides the rows that do not match as the user types, keeps the filter in the address for the reload, and
     * reloads the page (the {@code <noscript>} refresh does it with scripts off).
     */
    private static final String FILTER_SCRIPT = """
            (function () {
              var form = document.getElementById('filter'), rows = document.querySelectorAll('#servers tbody tr');
              var shown = document.getElementById('shown');
              function apply() {
                var text = form.q.value.trim(), needle = text.toLowerCase(), state = form.state.value, count = 0;
                for (var i = 0; i < rows.length; i++) {
                  var match = rows[i].dataset.name.indexOf(needle) >= 0 && (!state || rows[i].dataset.state === state);
                  rows[i].hidden = !match;
                  if (match) count++;
                }
                shown.textContent = count;
                var query = new URLSearchParams();
                if (text) query.set('q', text);
                if (state) query.set('state', state);
                history.replaceState(null, '', query.toString() ? '?' + query : location.pathname);
              }
              form.q.addEventListener('input', apply);
              form.state.addEventListener('change', apply);
              form.addEventListener('submit', function (event) { event.preventDefault(); apply(); });
              // A reload while typing would take the cursor out of the box: wait until it is left.
              setInterval(function () {
                if (document.activeElement !== form.q) location.reload();
              }, %d);
            })();
            """.formatted(Html.REFRESH_SECONDS * 1000);

    private FleetPage() {}

    /**
     * One row: a server the lifecycle follows ({@code computer} set), or one whose writer events are all
     * MSExchangeRepl, which only has a last event.
     */
    private record Row(String name, ServerState state, ComputerSnapshot computer, Instant lastEvent) {
        static Row of(ComputerSnapshot computer) {
            return new Row(computer.computer(), ServerState.of(computer), computer, computer.lastEventTime());
        }
    }

    static String render(EngineSnapshot snapshot, List<SourceStatus.Snapshot> sources, FleetFilter filter,
            String telemetryPath, Runbooks runbooks, BuildInfo buildInfo) {
        Instant now = snapshot.evaluatedAt();
        List<Row> rows = rows(snapshot);
        long stuck = rows.stream().filter(r -> r.state() == ServerState.STUCK).count();
        StringBuilder html = Html.open(stuck + " stuck · Exchange VSS", Html.Reload.BY_SCRIPT)
                .append("<h1>Exchange VSS writer: ").append(stuck).append(" stuck</h1>\n");
        summary(html, rows, refusedRecently(snapshot), sources);
        html.append("<p class=\"note\">State as of ").append(Html.time(now)).append("; this page reloads every ")
                .append(Html.REFRESH_SECONDS).append(" s (not while you type in the filter). <a href=\"").append(Html.escape(telemetryPath))
                .append("\">Metrics</a> &middot; <a href=\"").append(RunbookPages.PREFIX)
                .append("\">Runbooks</a></p>\n");
        if (rows.isEmpty()) {
            html.append("<p>No Exchange VSS writer events (MSExchangeIS or MSExchangeRepl) read yet.</p>\n");
        } else {
            table(html, rows, filter, now, runbooks);
        }
        sources(html, sources, now);
        return Html.close(html, buildInfo);
    }

    /** The servers the lifecycle follows and those only the MSExchangeRepl counters watch, stuck first. */
    private static List<Row> rows(EngineSnapshot snapshot) {
        Set<String> replicationOnly = ExchangeWriters.replicationOnly(snapshot.events());
        Map<String, Instant> lastEvents = new HashMap<>();
        for (EventCount count : snapshot.events()) {
            if (count.lastTimestamp() != null && replicationOnly.contains(count.computer())) {
                lastEvents.merge(count.computer(), count.lastTimestamp(), (a, b) -> a.isAfter(b) ? a : b);
            }
        }
        List<Row> rows = new ArrayList<>(snapshot.computers().size() + replicationOnly.size());
        snapshot.computers().forEach(c -> rows.add(Row.of(c)));
        replicationOnly.forEach(c -> rows.add(new Row(c, ServerState.REPLICATION, null, lastEvents.get(c))));
        rows.sort(ORDER);
        return rows;
    }

    /** Servers that logged a 9607 "Backup in progress" refusal within {@link #REFUSED_WINDOW}. */
    private static long refusedRecently(EngineSnapshot snapshot) {
        Instant since = snapshot.evaluatedAt().minus(REFUSED_WINDOW);
        return snapshot.events().stream()
                .filter(e -> e.eventId() == VssEvents.PREPARE_REFUSED && VssEvents.PROVIDER.equalsIgnoreCase(e.provider()))
                .filter(e -> e.lastTimestamp() != null && e.lastTimestamp().isAfter(since))
                .map(EventCount::computer).distinct().count();
    }

    private static void summary(StringBuilder html, List<Row> rows, long refused, List<SourceStatus.Snapshot> sources) {
        Map<ServerState, Long> byState = new EnumMap<>(ServerState.class);
        rows.forEach(r -> byState.merge(r.state(), 1L, Long::sum));
        long up = sources.stream().filter(SourceStatus.Snapshot::up).count();
        html.append("<ul class=\"summary\">")
                .append("<li><b>").append(rows.size()).append("</b> servers watched</li>");
        summaryFilter(html, ServerState.STUCK, byState, "stuck");
        summaryFilter(html, ServerState.RUNNING, byState, "backup in progress");
        html.append("<li><b>").append(refused).append("</b> refused a backup in the last 24 h</li>");
        summaryFilter(html, ServerState.REPLICATION, byState, "Exchange 2013+, not followed by KB 910250");
        html.append("<li><b>").append(up).append(" of ").append(sources.size()).append("</b> sources up</li>")
                .append("</ul>\n");
    }

    /** A count that links the fleet filtered to its state. */
    private static void summaryFilter(StringBuilder html, ServerState state, Map<ServerState, Long> byState,
            String what) {
        html.append("<li><a href=\"/?state=").append(state.key).append("\"><b>").append(byState.getOrDefault(state, 0L))
                .append("</b> ").append(what).append("</a></li>");
    }

    private static void table(StringBuilder html, List<Row> servers, FleetFilter filter, Instant now,
            Runbooks runbooks) {
        StringBuilder rows = new StringBuilder(servers.size() * 640);
        int shown = 0;
        for (Row server : servers) {
            boolean match = filter.matches(server.name(), server.state());
            shown += match ? 1 : 0;
            row(rows, server, match, now, runbooks);
        }
        html.append("<h2>Servers</h2>\n<form id=\"filter\" method=\"get\" action=\"/\">")
                .append("<label>Server name contains <input type=\"search\" name=\"q\" value=\"")
                .append(Html.escape(filter.text())).append("\"></label> <label>State <select name=\"state\">")
                .append("<option value=\"\"").append(filter.state().isEmpty() ? " selected" : "").append(">all</option>");
        for (ServerState state : ServerState.values()) {
            html.append("<option value=\"").append(state.key).append('"')
                    .append(filter.state().orElse(null) == state ? " selected" : "").append('>')
                    .append(state.label).append("</option>");
        }
        html.append("</select></label> <button type=\"submit\">Filter</button> Showing <span id=\"shown\">")
                .append(shown).append("</span> of ").append(servers.size()).append(" servers.</form>\n")
                .append("<table id=\"servers\"><thead><tr><th>Server</th><th>State</th><th>KB 910250 method</th>")
                .append("<th>backupInProgress set since</th><th>Last good backup</th><th>Last event</th></tr></thead>")
                .append("\n<tbody>\n").append(rows).append("</tbody></table>\n<script>").append(FILTER_SCRIPT)
                .append("</script>\n");
    }

    private static void row(StringBuilder html, Row server, boolean shown, Instant now, Runbooks runbooks) {
        String name = server.name();
        html.append("<tr data-name=\"").append(Html.escape(FleetFilter.key(name))).append("\" data-state=\"")
                .append(server.state().key).append('"').append(shown ? "" : " hidden").append("><td><a href=\"")
                .append(Html.escape(Html.computerPath(name))).append("\">").append(Html.escape(name))
                .append("</a></td><td>").append(server.state().badge()).append("</td><td class=\"method\">");
        ComputerSnapshot computer = server.computer();
        if (computer == null) {
            html.append("none: MSExchangeRepl events counted, writer errors alerted (<a href=\"")
                    .append(Html.escape(runbooks.url(Runbooks.REPLICATION_WRITER_ERROR)))
                    .append("\">runbook</a>)</td><td>not followed</td><td>not followed</td><td>");
        } else {
            Remediation remediation = computer.remediation();
            if (remediation != null) {
                html.append("Method ").append(remediation.method()).append(": ").append(remediation.summary())
                        .append(" (<a href=\"").append(Html.escape(runbooks.url(Runbooks.alertName(remediation))))
                        .append("\">runbook</a>)");
            }
            html.append("</td><td>").append(Html.timeAndAge(computer.inProgressSince(), now, ""))
                    .append("</td><td>").append(Html.timeAndAge(computer.lastSuccessfulBackup(), now, "none seen"))
                    .append("</td><td>");
        }
        html.append(Html.timeAndAge(server.lastEvent(), now, "none")).append("</td></tr>\n");
    }

    private static void sources(StringBuilder html, List<SourceStatus.Snapshot> sources, Instant now) {
        html.append("<h2>Event sources</h2>\n<table>\n<tr><th>Source</th><th>Up</th><th>Events read</th>")
                .append("<th>Events missed</th><th>Errors</th><th>Last event</th></tr>\n");
        for (SourceStatus.Snapshot source : sources) {
            String errors = source.errors().isEmpty() ? "none" : new TreeMap<>(source.errors()).entrySet().stream()
                    .map(e -> Html.escape(e.getKey()) + ": " + e.getValue()).collect(Collectors.joining(", "));
            html.append("<tr><td>").append(Html.escape(source.name())).append("</td><td>")
                    .append(source.up() ? "yes" : "<strong>no</strong>").append("</td><td class=\"num\">")
                    .append(source.eventsRead()).append("</td><td class=\"num\">").append(source.eventsMissed())
                    .append("</td><td>").append(errors).append("</td><td>")
                    .append(Html.timeAndAge(source.lastEventTime(), now, "none"))
                    .append("</td></tr>\n");
        }
        html.append("</table>\n");
    }
}
