package io.github.exchangevss.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.exchangevss.event.EventData;
import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.evtx.EvtxFile;
import io.github.exchangevss.evtx.XmlRenderer;
import io.github.exchangevss.source.SourceError;
import io.github.exchangevss.source.file.LogFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code evtx dump FILE [--format jsonl|xml]}: the records of an .evtx file, read by the built-in parser. */
@Command(name = "evtx", description = "Tools for .evtx files.", mixinStandardHelpOptions = true,
        subcommands = EvtxCommand.Dump.class)
public final class EvtxCommand {

    public enum Format { jsonl, xml }

    @Command(name = "dump", mixinStandardHelpOptions = true,
            description = "Print every record of an .evtx file; damaged parts are reported on stderr.")
    static final class Dump implements Callable<Integer> {
        private static final ObjectMapper JSON = new ObjectMapper();

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "The .evtx file.")
        Path file;

        @Option(names = "--format", defaultValue = "jsonl",
                description = "jsonl (one JSON object per record, golden-file keys) or xml. Default: ${DEFAULT-VALUE}.")
        Format format;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (!Files.isRegularFile(file)) {
                err.println("evtx dump: no such file: " + file);
                return 1;
            }
            if (LogFiles.detect(file) != LogFiles.Format.EVTX) {
                err.println("evtx dump: " + file + " is not an EVTX file: it does not start with the ElfFile header");
                return 1;
            }
            Consumer<SourceError> errors = e -> err.println(e);
            try (EvtxFile evtx = EvtxFile.open(file, errors)) {
                for (int i = 0; i < evtx.chunkCount(); i++) {
                    if (format == Format.xml) {
                        evtx.chunk(i).records(XmlRenderer.decoder(), out::println, errors);
                    } else {
                        evtx.chunk(i).decode(r -> out.println(jsonLine(r)), errors);
                    }
                }
            }
            out.flush();
            return 0;
        }

        /** The golden files' keys, in their order; {@code values_agree} and {@code source} are golden-only. */
        static String jsonLine(EventRecord r) {
            ObjectNode o = JSON.createObjectNode();
            o.put("record_id", r.recordId());
            Instant t = r.timeCreated();
            o.put("time_created_us", Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000));
            o.put("provider", r.provider());
            o.put("event_id", r.eventId());
            o.put("qualifiers", r.qualifiers());
            o.put("level", r.level());
            o.put("channel", r.channel());
            o.put("computer", r.computer());
            ArrayNode data = o.putArray("data");
            for (EventData d : r.data()) {
                data.addObject().put("name", d.name()).put("value", d.value());
            }
            o.put("user_data", r.userData());
            o.put("binary", r.binaryHex());
            try {
                return JSON.writeValueAsString(o);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
