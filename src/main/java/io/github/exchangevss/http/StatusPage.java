package io.github.exchangevss.http;

import io.github.exchangevss.lifecycle.ComputerSnapshot;
import io.github.exchangevss.lifecycle.EngineSnapshot;
import io.github.exchangevss.lifecycle.EventCount;
import io.github.exchangevss.lifecycle.ExchangeWriters;
import io.github.exchangevss.metrics.BuildInfo;
import io.github.exchangevss.source.SourceStatus;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The exporter's HTML pages: the fleet at {@code /}, one server at {@code /computer/NAME} and the shipped
 * runbooks at {@code /runbooks/NAME}. Self-contained (no external CSS or scripts, one small inline filter script
 * the pages do not need); every value from the event log is HTML-escaped.
 */
public final class StatusPage {
    /** A page to send: 200 with the page, or 404 with a page saying what was not found. */
    public record Response(int status, String html) {}

    private final Supplier<EngineSnapshot> engine;
    private final Supplier<List<SourceStatus.Snapshot>> sources;
    private final BuildInfo buildInfo;
    private final Runbooks runbooks;
    private final RunbookPages runbookPages;

    /** Pages that link the exporter's own runbooks. */
    public StatusPage(Supplier<EngineSnapshot> engine, Supplier<List<SourceStatus.Snapshot>> sources,
            BuildInfo buildInfo) {
        this(engine, sources, buildInfo, new Runbooks(Runbooks.DEFAULT_BASE_URL));
    }

    public StatusPage(Supplier<EngineSnapshot> engine, Supplier<List<SourceStatus.Snapshot>> sources,
            BuildInfo buildInfo, Runbooks runbooks) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.sources = Objects.requireNonNull(sources, "sources");
        this.buildInfo = Objects.requireNonNull(buildInfo, "buildInfo");
        this.runbooks = Objects.requireNonNull(runbooks, "runbooks");
        this.runbookPages = new RunbookPages(buildInfo);
    }

    /**
     * The page for a request.
     *
     * @param path          the decoded path
     * @param rawQuery      the query as sent, null when none
     * @param telemetryPath where the metrics are, linked from the fleet page
     */
    public Response respond(String path, String rawQuery, String telemetryPath) {
        if (path.equals("/")) {
            return new Response(200, FleetPage.render(engine.get(), sources.get(), FleetFilter.parse(rawQuery),
                    telemetryPath, runbooks, buildInfo));
        }
        if (path.startsWith(ComputerPage.PREFIX)) {
            String name = path.substring(ComputerPage.PREFIX.length());
            EngineSnapshot snapshot = engine.get();
            Optional<ComputerSnapshot> computer =
                    snapshot.computers().stream().filter(c -> c.computer().equals(name)).findFirst();
            if (computer.isPresent()) {
                return new Response(200, ComputerPage.render(computer.get(), snapshot.evaluatedAt(), runbooks, buildInfo));
            }
            List<EventCount> counted = snapshot.events().stream().filter(e -> e.computer().equals(name)).toList();
            if (ExchangeWriters.replicationOnly(counted).contains(name)) {
                return new Response(200, ComputerPage.renderReplicationOnly(name, counted, snapshot.evaluatedAt(),
                        runbooks, buildInfo));
            }
            return notFound("No Exchange VSS writer events were read for a server named " + name + ".");
        }
        if (path.startsWith(RunbookPages.PREFIX)) {
            String name = path.substring(RunbookPages.PREFIX.length());
            return runbookPages.page(name).map(html -> new Response(200, html))
                    .orElseGet(() -> notFound("No runbook is named " + name + "."));
        }
        return notFound("Nothing is served at " + path + ".");
    }

    private Response notFound(String what) {
        StringBuilder html = Html.open("Not found · Exchange VSS", Html.Reload.NEVER).append("<h1>Not found</h1>\n<p>")
                .append(Html.escape(what)).append(" <a href=\"/\">All servers</a></p>\n");
        return new Response(404, Html.close(html, buildInfo));
    }
}
