import io.github.exchangevss.event.EventData;
import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.evtx.EvtxReader;
import io.github.exchangevss.source.SourceError;
import io.github.exchangevss.source.file.EventFileReader;
import io.github.exchangevss.source.xml.XmlEventReader;
import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamReader;

/**
 * Throughput of {@link XmlEventReader} on a generated {@code wevtutil qe /f:RenderedXml} export of MSExchangeIS
 * events, against a plain JDK StAX pass over the same bytes that only counts {@code <Event>} start elements (the
 * floor for any StAX-based reader); then of {@link EvtxReader} on the same events written as .evtx by the test
 * tree's EvtxWriter, when {@code target/test-classes} is on the class path. Median pass after warm-up.
 *
 * <pre>
 * mvn -q -o test-compile
 * java -cp target/classes:target/test-classes bench/XmlReaderBenchmark.java [EVENTS] [ROUNDS]
 * </pre>
 */
public class XmlReaderBenchmark {
    private static final String EVTX_WRITER = "io.github.exchangevss.evtx.EvtxWriter";
    private static final DateTimeFormatter SYSTEM_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final Instant START = Instant.parse("2026-03-01T22:00:00.1234567Z");
    /** A night's backup per server: the KB's successful sequence, and now and then an abort and a refusal. */
    private static final int[] SEQUENCE = {9604, 9606, 9608, 9610, 9612, 9648, 9616, 9604, 9614, 9607};
    private static final byte[] BACKUP_IN_PROGRESS = "Backup in progress.\0".getBytes(StandardCharsets.US_ASCII);

    record Run(String name, double seconds, long bytes, long events) {
        double mbPerSecond() {
            return bytes / 1e6 / seconds;
        }

        double eventsPerSecond() {
            return events / seconds;
        }
    }

    @FunctionalInterface
    interface Pass {
        long run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
        Path dir = Files.createTempDirectory("xml-reader-bench");
        try {
            run(dir, count, rounds);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }

    private static void run(Path dir, int count, int rounds) throws Exception {
        Path xml = dir.resolve("application-rendered.xml");
        Path evtx = dir.resolve("application.evtx");
        boolean haveEvtx = generate(count, xml, evtx);
        long xmlBytes = Files.size(xml);
        System.out.printf("%d events; RenderedXml %.1f MB (%.0f bytes per event)%s; %d rounds after warm-up; %d cores; %s%n",
                count, xmlBytes / 1e6, (double) xmlBytes / count,
                haveEvtx ? String.format("; EVTX %.1f MB", Files.size(evtx) / 1e6) : "",
                rounds, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name") + " " + Runtime.version());

        List<Run> runs = new ArrayList<>();
        runs.add(measure("XmlEventReader -> EventRecord", xml, count, rounds, () -> readAll(xmlReader(xml))));
        runs.add(measure("JDK StAX, count <Event> only", xml, count, rounds, () -> countEventElements(xml)));
        if (haveEvtx) {
            runs.add(measure("EvtxReader -> EventRecord", evtx, count, rounds,
                    () -> readAll(new EvtxReader(evtx, XmlReaderBenchmark::fail))));
        } else {
            System.out.println("EVTX part skipped: " + EVTX_WRITER + " is not on the class path (add target/test-classes"
                    + " after mvn test-compile)");
        }

        Run stax = runs.get(1);
        System.out.printf("%n| %-30s | %9s | %7s | %9s | %13s |%n", "reader", "median s", "MB/s", "events/s", "vs StAX count");
        System.out.println("|--------------------------------|----------:|--------:|----------:|--------------:|");
        for (Run r : runs) {
            String ratio = r.name().startsWith("Evtx") ? "-" : String.format("%.2f", stax.seconds() / r.seconds());
            System.out.printf("| %-30s | %9.3f | %7.1f | %9.0f | %13s |%n", r.name(), r.seconds(), r.mbPerSecond(),
                    r.eventsPerSecond(), ratio);
        }
    }

    /** Warm-up, then the median of {@code rounds} passes: the machine is shared, so means and minima mislead. */
    private static Run measure(String name, Path file, int expected, int rounds, Pass pass) throws Exception {
        for (int i = 0; i < 3; i++) {
            check(name, expected, pass.run());
        }
        double[] seconds = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            long start = System.nanoTime();
            long events = pass.run();
            seconds[i] = (System.nanoTime() - start) / 1e9;
            check(name, expected, events);
        }
        Arrays.sort(seconds);
        double median = rounds % 2 == 1 ? seconds[rounds / 2] : (seconds[rounds / 2 - 1] + seconds[rounds / 2]) / 2;
        return new Run(name, median, Files.size(file), expected);
    }

    private static void check(String name, long expected, long actual) {
        if (actual != expected) {
            throw new IllegalStateException(name + " read " + actual + " events, expected " + expected);
        }
    }

    private static void fail(SourceError error) {
        throw new IllegalStateException("generated input reported as damaged: " + error);
    }

    private static EventFileReader xmlReader(Path xml) throws IOException {
        return new XmlEventReader(Files.newInputStream(xml), xml.getFileName().toString(), XmlReaderBenchmark::fail);
    }

    private static long readAll(EventFileReader reader) throws IOException {
        long events = 0;
        try (reader) {
            for (EventRecord e = reader.next(); e != null; e = reader.next()) {
                events++;
            }
        }
        return events;
    }

    /** The reference: the JDK's StAX parser with the project's safe settings, over the export given a root. */
    private static long countEventElements(Path xml) throws Exception {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        long events = 0;
        try (InputStream in = new SequenceInputStream(new SequenceInputStream(
                new ByteArrayInputStream("<Events>".getBytes(StandardCharsets.UTF_8)), Files.newInputStream(xml)),
                new ByteArrayInputStream("</Events>".getBytes(StandardCharsets.UTF_8)))) {
            XMLStreamReader reader = factory.createXMLStreamReader(in, "UTF-8");
            while (reader.hasNext()) {
                if (reader.next() == XMLStreamConstants.START_ELEMENT && reader.getLocalName().equals("Event")) {
                    events++;
                }
            }
            reader.close();
        }
        return events;
    }

    /** Writes the export, and the .evtx when the writer is reachable; returns whether it was. */
    private static boolean generate(int count, Path xml, Path evtx) throws Exception {
        Object evtxWriter = null;
        Method add = null;
        Method write = null;
        try {
            Class<?> writerClass = Class.forName(EVTX_WRITER);
            evtxWriter = writerClass.getConstructor().newInstance();
            add = writerClass.getMethod("add", EventRecord.class);
            write = writerClass.getMethod("write", Path.class);
        } catch (ClassNotFoundException e) {
            // Reported by the caller: the EVTX part is optional.
        }
        try (BufferedWriter out = Files.newBufferedWriter(xml, StandardCharsets.UTF_8)) {
            for (int i = 0; i < count; i++) {
                EventRecord event = event(i);
                out.write(renderedXml(event));
                out.write("\r\n");
                if (evtxWriter != null) {
                    add.invoke(evtxWriter, event);
                }
            }
        }
        if (evtxWriter != null) {
            write.invoke(evtxWriter, evtx);
        }
        return evtxWriter != null;
    }

    /** Event {@code i}: eight servers in turn, each going through {@link #SEQUENCE}, a few seconds apart. */
    private static EventRecord event(int i) {
        int server = i % 8 + 1;
        int eventId = SEQUENCE[(i / 8) % SEQUENCE.length];
        int level = eventId == 9607 ? 2 : eventId == 9614 ? 3 : 4;
        String computer = String.format("EXCH%02d.mail.contoso.local", server);
        String instance = String.format("%08x-5c1d-4f2e-9b6a-%012x:%d", 0x2c8d7f1e + server, 0x41d2a7c3e9L + server, i / 80 % 40 + 1);
        String storageGroup = "SG" + (i % 4 + 1) + " (" + computer.substring(0, 6) + ")";
        List<EventData> data = List.of(
                EventData.unnamed(instance),
                EventData.unnamed(storageGroup),
                EventData.unnamed("Mailbox Database " + (i % 4 * 3 + 1) + "; Mailbox Database " + (i % 4 * 3 + 2)
                        + "; Public Folder Database " + (i % 4 + 1)),
                EventData.unnamed("E:\\Exchange Server\\Mailbox\\" + storageGroup + "\\Logs\\E0" + (i % 4) + ".log"),
                EventData.unnamed(eventId == 9607 ? "0x50d" : eventId == 9614 && i / 8 % 2 == 0
                        ? "Abort ignored" : "Exchange VSS Snapshot prepared for Snapshot successfully"),
                EventData.unnamed("Full"),
                EventData.unnamed(Integer.toString(i)));
        return EventRecord.builder().channel("Application").provider("MSExchangeIS").eventId(eventId)
                .qualifiers(level == 2 ? 0xC000 : level == 3 ? 0x8000 : 0x4000).level(level).task(296)
                .timeCreated(START.plusSeconds(7L * i)).recordId(4_100_000L + i).computer(computer).data(data)
                .binary(eventId == 9607 ? BACKUP_IN_PROGRESS : null)
                .message(message(eventId, instance, storageGroup, data)).build();
    }

    /** The rendered message: what the provider's message file makes of the inserts, so about a KB. */
    private static String message(int eventId, String instance, String storageGroup, List<EventData> data) {
        String what = switch (eventId) {
            case 9604 -> "has started a backup of the storage group";
            case 9606 -> "is preparing the volume snapshot (Volume snap occurring) for the storage group";
            case 9607 -> "failed with error code 0x50d when preparing for backup of the storage group";
            case 9608 -> "has prepared for a snapshot of the storage group";
            case 9610, 9612 -> "is in the snapshot phase for the storage group";
            case 9614 -> "has processed an abort request for the storage group";
            case 9616 -> "has processed the backup complete notification (OnBackupComplete) for the storage group";
            default -> "has processed the backup shutdown notification (OnBackupShutdown) for the storage group";
        };
        return "Exchange VSS Writer (instance " + instance + ") " + what + " '" + storageGroup + "'. Databases involved: "
                + data.get(2).value() + ". Transaction logs: " + data.get(3).value() + ". Backup type: "
                + data.get(5).value() + ". Writer status: " + data.get(4).value() + ".\r\n\r\nFor more information, "
                + "see the backup application's log for the same time and the Exchange VSS writer state reported by "
                + "'vssadmin list writers'. If backups of this storage group keep failing with 'Backup in progress', "
                + "see Microsoft Knowledge Base article 910250.";
    }

    /** One event as {@code wevtutil qe Application /f:RenderedXml} prints it: one line, single quotes. */
    private static String renderedXml(EventRecord e) {
        StringBuilder b = new StringBuilder(2048);
        b.append("<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>")
                .append("<Provider Name='").append(e.provider()).append("'/>")
                .append("<EventID Qualifiers='").append(e.qualifiers()).append("'>").append(e.eventId()).append("</EventID>")
                .append("<Level>").append(e.level()).append("</Level><Task>").append(e.task()).append("</Task>")
                .append("<Keywords>0x80000000000000</Keywords>")
                .append("<TimeCreated SystemTime='").append(SYSTEM_TIME.format(e.timeCreated())).append("'/>")
                .append("<EventRecordID>").append(e.recordId()).append("</EventRecordID>")
                .append("<Channel>").append(e.channel()).append("</Channel>")
                .append("<Computer>").append(e.computer()).append("</Computer><Security/></System><EventData>");
        for (EventData d : e.data()) {
            b.append("<Data>").append(escape(d.value())).append("</Data>");
        }
        if (e.hasBinary()) {
            b.append("<Binary>").append(HexFormat.of().withUpperCase().formatHex(e.binary())).append("</Binary>");
        }
        String levelName = e.level() == 2 ? "Error" : e.level() == 3 ? "Warning" : "Information";
        return b.append("</EventData><RenderingInfo Culture='en-US'><Message>").append(escape(e.message()))
                .append("</Message><Level>").append(levelName).append("</Level><Task>Exchange VSS Writer</Task>")
                .append("<Opcode>Info</Opcode><Channel>Application</Channel><Provider>MSExchangeIS</Provider>")
                .append("<Keywords><Keyword>Classic</Keyword></Keywords></RenderingInfo></Event>").toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;");
    }
}
