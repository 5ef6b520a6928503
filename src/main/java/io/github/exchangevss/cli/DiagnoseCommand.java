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
import io.github.exchangevss.source.xml.XmlEventReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
                "A directory stands for its visible files, in name order, as with --source xml:DIR.",
                "Exit code: 0 when every file was read (damaged events are skipped and listed), 1 when a file",
                "could not be read at all or is not an event log, 2 for wrong arguments."})
final class DiagnoseCommand implements Callable<Integer> {
    enum Format { text, json }

    private static final String UNREADABLE = "unreadable_file";
    private static final String NOT_AN_EVENT_LOG = "not_an_event_log";
    /** Problems that cost a whole file (exit code 1), unlike damaged events, which are skipped. */
    private static final Set<String> FILE_ERRORS = Set.of(UNREADABLE, NOT_AN_EVENT_LOG);

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE",
            description = "Exported logs or directories of them; XML or EVTX is told by content.")
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
        List<SourceError> listingErrors = new ArrayList<>();
        List<Path> toRead = expand(listingErrors);
        Pass pass = read(toRead, settings, Set.of());
        if (!pass.disordered.isEmpty()) {
            // Some computer's events came out of order: read again, sorting only that computer's events.
            pass = read(toRead, settings, pass.disordered);
        }
        List<SourceError> errors = new ArrayList<>(listingErrors);
        errors.addAll(pass.errors);
        PrintWriter err = spec.commandLine().getErr();
        for (SourceError e : errors) {
            if (e.kind().equals(UNREADABLE)) {
                err.println("diagnose: cannot read " + e.location() + ": " + e.message());
            } else if (e.kind().equals(NOT_AN_EVENT_LOG)) {
                err.println("diagnose: " + e.location() + " is " + e.message());
            }
        }
        EngineSnapshot snapshot = pass.engine.snapshotAt(pass.logClock == null ? Instant.now() : pass.logClock);
        DiagnoseReport report = DiagnoseReport.of(snapshot, pass.summaries, errors);
        PrintWriter out = spec.commandLine().getOut();
        if (format == Format.json) {
            out.println(json().writeValueAsString(report));
        } else {
            out.print(report.toText());
        }
        out.flush();
        return errors.stream().anyMatch(e -> FILE_ERRORS.contains(e.kind())) ? 1 : 0;
    }

    /** The files given, with each directory replaced by its files as {@code --source xml:DIR} reads them. */
    private List<Path> expand(List<SourceError> errors) {
        List<Path> expanded = new ArrayList<>();
        for (Path file : files) {
            if (!Files.isDirectory(file)) {
                expanded.add(file);
                continue;
            }
            try {
                List<Path> inside = LogFiles.list(file);
                if (inside.isEmpty()) {
                    errors.add(new SourceError(UNREADABLE, file.toString(), "the directory holds no files"));
                }
                expanded.addAll(inside);
            } catch (IOException e) {
                errors.add(new SourceError(UNREADABLE, file.toString(), "cannot list directory: " + LogFiles.describe(e)));
            }
        }
        return expanded;
    }

    /** What one pass over the files found, in memory that grows with the computers, not with the events. */
    private static final class Pass {
        final LifecycleEngine engine;
        final List<SourceError> errors = new ArrayList<>();
        final List<DiagnoseReport.FileSummary> summaries = new ArrayList<>();
        /** Computers whose writer events were not in the engine's order (record ID per channel, then time). */
        final Set<String> disordered = new HashSet<>();
        final Map<String, Instant> lastTime = new HashMap<>();
        final Map<String, Long> lastRecordId = new HashMap<>();
        /**
         * The log's clock is its newest event of any provider: a writer that went quiet is judged by the time
         * the rest of the log went on to.
         */
        Instant logClock;

        Pass(LifecycleSettings settings) {
            engine = new LifecycleEngine(settings, Instant::now);
        }

        /** Whether the event comes after every earlier one of its computer, so the engine can take it now. */
        boolean inOrder(EventRecord e) {
            String computer = String.valueOf(e.computer());
            Instant time = lastTime.get(computer);
            Long recordId = lastRecordId.get(computer + "\u0000" + e.channel());
            boolean inOrder = (time == null || !e.timeCreated().isBefore(time))
                    && (recordId == null || e.recordId() > recordId);
            if (inOrder) {
                lastTime.put(computer, e.timeCreated());
                lastRecordId.put(computer + "\u0000" + e.channel(), e.recordId());
            }
            return inOrder;
        }
    }

    /**
     * Reads every file once. Writer events go to the engine as they come while they are in order; the events
     * of the computers in {@code sorted} are collected and sorted first (only those are held in memory).
     */
    private static Pass read(List<Path> files, LifecycleSettings settings, Set<String> sorted) {
        Pass pass = new Pass(settings);
        List<EventRecord> held = new ArrayList<>();
        for (Path file : files) {
            List<SourceError> fileErrors = new ArrayList<>();
            long count = 0;
            boolean xml = false;
            try (EventFileReader reader = LogFiles.open(file, fileErrors::add)) {
                xml = reader instanceof XmlEventReader;
                for (EventRecord e = reader.next(); e != null; e = reader.next()) {
                    count++;
                    if (pass.logClock == null || e.timeCreated().isAfter(pass.logClock)) {
                        pass.logClock = e.timeCreated();
                    }
                    // Only the writers' events matter here: an exported Application log can be large. MSExchangeRepl
                    // events tell an Exchange 2013 or later writer, which the KB's lifecycle does not follow.
                    if (!VssEvents.isLifecycleEvent(e) && !EventCounting.REPLICATION_PROVIDER.equalsIgnoreCase(e.provider())) {
                        continue;
                    }
                    if (sorted.contains(String.valueOf(e.computer()))) {
                        held.add(e);
                    } else if (pass.inOrder(e)) {
                        pass.engine.apply(e);
                    } else {
                        pass.disordered.add(String.valueOf(e.computer()));
                    }
                }
                if (xml && count == 0 && fileErrors.isEmpty()) {
                    fileErrors.add(new SourceError(NOT_AN_EVENT_LOG, file.toString(), "not an event log: no <Event>"
                            + " element in it (expected XML exported from the event log, or an .evtx file)"));
                }
            } catch (IOException e) {
                fileErrors.add(new SourceError(UNREADABLE, file.toString(), LogFiles.describe(e)));
            }
            pass.summaries.add(new DiagnoseReport.FileSummary(file.toString(), count, fileErrors.size()));
            pass.errors.addAll(fileErrors);
        }
        EventOrder.sort(held).forEach(pass.engine::apply);
        return pass;
    }

    private static ObjectMapper json() {
        return new ObjectMapper().registerModule(new JavaTimeModule())
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(SerializationFeature.INDENT_OUTPUT);
    }
}
