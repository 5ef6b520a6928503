package io.github.exchangevss.http;

import io.github.exchangevss.lifecycle.ComputerSnapshot;
import io.github.exchangevss.lifecycle.EngineSnapshot;
import io.github.exchangevss.lifecycle.EventCount;
import io.github.exchangevss.lifecycle.Remediation;
import io.github.exchangevss.lifecycle.VssEvents;
import io.github.exchangevss.metrics.BuildInfo;
import io.github.exchangevss.source.SourceStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The page at {@code /}: a summary of the fleet (also in the title), then one row per server, stuck first, with
 * a filter that works with or without scripts, then the event sources.
 */
final class FleetPage {
    static final Duration REFUSED_WINDOW = Duration.ofHours(24);
    /** Stuck servers first, then those with a backup in progress, then the rest; by name within each group. */
    private static final Comparator<ComputerSnapshot> ORDER = Comparator
            .comparing(ServerState::of).thenComparing(ComputerSnapshot::computer);
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

    static String render(EngineSnapshot snapshot, List<SourceStatus.Snapshot> sources, FleetFilter filter,
            String telemetryPath, Runbooks runbooks, BuildInfo buildInfo) {
        Instant now = snapshot.evaluatedAt();
        List<ComputerSnapshot> computers = snapshot.computers().stream().sorted(ORDER).toList();
        long stuck = computers.stream().filter(ComputerSnapshot::stuck).count();
        StringBuilder html = Html.open(stuck + " stuck · Exchange VSS", Html.Reload.BY_SCRIPT)
                .append("<h1>Exchange VSS writer: ").append(stuck).append(" stuck</h1>\n");
        summary(html, computers, stuck, refusedRecently(snapshot), sources);
        html.append("<p class=\"note\">State as of ").append(Html.time(now)).append("; this page reloads every ")
                .append(Html.REFRESH_SECONDS).append(" s (not while you type in the filter). <a href=\"").append(Html.escape(telemetryPath))
                .append("\">Metrics</a> &middot; <a href=\"").append(RunbookPages.PREFIX)
                .append("\">Runbooks</a></p>\n");
        if (computers.isEmpty()) {
            html.append("<p>No MSExchangeIS VSS writer events read yet.</p>\n");
        } else {
            table(html, computers, filter, now, runbooks);
        }
        sources(html, sources, now);
        return Html.close(html, buildInfo);
    }

    /** Servers that logged a 9607 "Backup in progress" refusal within {@link #REFUSED_WINDOW}. */
    private static long refusedRecently(EngineSnapshot snapshot) {
        Instant since = snapshot.evaluatedAt().minus(REFUSED_WINDOW);
        return snapshot.events().stream()
                .filter(e -> e.eventId() == VssEvents.PREPARE_REFUSED && VssEvents.PROVIDER.equalsIgnoreCase(e.provider()))
                .filter(e -> e.lastTimestamp() != null && e.lastTimestamp().isAfter(since))
                .map(EventCount::computer).distinct().count();
    }

    private static void summary(StringBuilder html, List<ComputerSnapshot> computers, long stuck, long refused,
            List<SourceStatus.Snapshot> sources) {
        long running = computers.stream().filter(c -> ServerState.of(c) == ServerState.RUNNING).count();
        long up = sources.stream().filter(SourceStatus.Snapshot::up).count();
        html.append("<ul class=\"summary\">")
                .append("<li><b>").append(computers.size()).append("</b> servers watched</li>")
                .append("<li><a href=\"/?state=").append(ServerState.STUCK.key).append("\"><b>").append(stuck)
                .append("</b> stuck</a></li>")
                .append("<li><a href=\"/?state=").append(ServerState.RUNNING.key).append("\"><b>").append(running)
                .append("</b> backup in progress</a></li>")
                .append("<li><b>").append(refused).append("</b> refused a backup in the last 24 h</li>")
                .append("<li><b>").append(up).append(" of ").append(sources.size()).append("</b> sources up</li>")
                .append("</ul>\n");
    }

    private static void table(StringBuilder html, List<ComputerSnapshot> computers, FleetFilter filter, Instant now,
            Runbooks runbooks) {
        StringBuilder rows = new StringBuilder(computers.size() * 640);
        int shown = 0;
        for (ComputerSnapshot computer : computers) {
            ServerState state = ServerState.of(computer);
            boolean match = filter.matches(computer, state);
            shown += match ? 1 : 0;
            row(rows, computer, state, match, now, runbooks);
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
                .append(shown).append("</span> of ").append(computers.size()).append(" servers.</form>\n")
                .append("<table id=\"servers\"><thead><tr><th>Server</th><th>State</th><th>KB 910250 method</th>")
                .append("<th>backupInProgress set since</th><th>Last good backup</th><th>Last event</th></tr></thead>")
                .append("\n<tbody>\n").append(rows).append("</tbody></table>\n<script>").append(FILTER_SCRIPT)
                .append("</script>\n");
    }

    private static void row(StringBuilder html, ComputerSnapshot computer, ServerState state, boolean shown,
            Instant now, Runbooks runbooks) {
        String name = computer.computer();
        html.append("<tr data-name=\"").append(Html.escape(FleetFilter.key(name))).append("\" data-state=\"")
                .append(state.key).append('"').append(shown ? "" : " hidden").append("><td><a href=\"")
                .append(Html.escape(Html.computerPath(name))).append("\">").append(Html.escape(name))
                .append("</a></td><td>").append(state.badge()).append("</td><td class=\"method\">");
        Remediation remediation = computer.remediation();
        if (remediation != null) {
            html.append("Method ").append(remediation.method()).append(": ").append(remediation.summary())
                    .append(" (<a href=\"").append(Html.escape(runbooks.url(Runbooks.alertName(remediation))))
                    .append("\">runbook</a>)");
        }
        html.append("</td><td>").append(Html.timeAndAge(computer.inProgressSince(), now, ""))
                .append("</td><td>").append(Html.timeAndAge(computer.lastSuccessfulBackup(), now, "none seen"))
                .append("</td><td>").append(Html.timeAndAge(computer.lastEventTime(), now, "none"))
                .append("</td></tr>\n");
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
