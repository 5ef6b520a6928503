package io.github.exchangevss.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.github.exchangevss.config.ConfigException;
import io.github.exchangevss.config.Durations;
import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.lifecycle.EngineSnapshot;
import io.github.exchangevss.lifecycle.EventCounting;
import io.github.exchangevss.lifecycle.EventOrder;
import io.github.exchangevss.lifecycle.LifecycleEngine;
import io.github.exchangevss.lifecycle.LifecycleSettings;
import io.github.exchangevss.lifecycle.VssEvents;
import io.github.exchangevss.source.SourceError;
import io.github.exchangevss.source.file.EventFileReader;
import io.github.exchangevss.source.file.LogFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Offline diagnosis of exported logs: replays them through the engine judged by the log's own clock, so the
 * answer is what was true when the newest event was written.
 */
@Command(name = "diagnose", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Read exported event logs (.xml from wevtutil/PowerShell/Event Viewer, or .evtx) and print,",
                "per computer, whether the Exchange VSS writer's backupInProgress flag is stuck and which",
                "method of KB 910250 applies, with the events that show it.",
                "Exit code: 0 when every file was read (damaged events are skipped and listed), 1 when a file",
                "could not be read at all, 2 for wrong arguments."})
final class DiagnoseCommand implements Callable<Integer> {
    enum Format { text, json }

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Exported logs; XML or EVTX is told by content.")
    List<Path> files;

    @Option(names = "--format", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--backup.active-timeout", paramLabel = "DURATION", defaultValue = "30m",
            description = "An attempt with progress within this long is still running (default: ${DEFAULT-VALUE}).")
    String activeTimeout;

    @Option(names = "--backup.stuck-after", paramLabel = "DURATION", defaultValue = "6h",
            description = "A set flag with no progress for this long is stuck (default: ${DEFAULT-VALUE}).")
    String stuckAfter;

    @Override
    public Integer call() throws ConfigException, IOException {
        LifecycleSettings settings = new LifecycleSettings(
                Durations.parsePositive("--backup.active-timeout", activeTimeout),
                Durations.parsePositive("--backup.stuck-after", stuckAfter));
        PrintWriter err = spec.commandLine().getErr();
        List<SourceError> errors = new ArrayList<>();
        List<DiagnoseReport.FileSummary> summaries = new ArrayList<>();
        List<EventRecord> lifecycleEvents = new ArrayList<>();
        LifecycleEngine engine = new LifecycleEngine(settings, Instant::now);
        boolean unreadable = false;
        // The log's clock is its newest event of any provider: a writer that went quiet is judged by the time
        // the rest of the log went on to.
        Instant logClock = null;
        for (Path file : files) {
            List<SourceError> fileErrors = new ArrayList<>();
            long count = 0;
            try (EventFileReader reader = LogFiles.open(file, fileErrors::add)) {
                for (EventRecord e = reader.next(); e != null; e = reader.next()) {
                    count++;
                    if (logClock == null || e.timeCreated().isAfter(logClock)) {
                        logClock = e.timeCreated();
                    }
                    // Only the writers' events are kept: an exported Application log can be large. MSExchangeRepl
                    // events tell an Exchange 2013 or later writer, which the KB's lifecycle does not follow.
                    if (VssEvents.isLifecycleEvent(e) || EventCounting.REPLICATION_PROVIDER.equalsIgnoreCase(e.provider())) {
                        lifecycleEvents.add(e);
                    }
                }
            } catch (IOException e) {
                unreadable = true;
                String why = LogFiles.describe(e);
                fileErrors.add(new SourceError("unreadable_file", file.toString(), why));
                err.println("diagnose: cannot read " + file + ": " + why);
            }
            summaries.add(new DiagnoseReport.FileSummary(file.toString(), count, fileErrors.size()));
            errors.addAll(fileErrors);
        }
        EventOrder.sort(lifecycleEvents).forEach(engine::apply);
        EngineSnapshot snapshot = engine.snapshotAt(logClock == null ? Instant.now() : logClock);
        DiagnoseReport report = DiagnoseReport.of(snapshot, summaries, errors);
        PrintWriter out = spec.commandLine().getOut();
        if (format == Format.json) {
            out.println(json().writeValueAsString(report));
        } else {
            out.print(report.toText());
        }
        out.flush();
        return unreadable ? 1 : 0;
    }

    private static ObjectMapper json() {
        return new ObjectMapper().registerModule(new JavaTimeModule())
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(SerializationFeature.INDENT_OUTPUT);
    }
}
