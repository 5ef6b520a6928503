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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamReader;

/**
 * Throughput of {@link XmlEventReader} on a generated Windows Event Forwarding export: {@code SERVERS} Exchange
 * servers, {@code NIGHTS} nights of backups each (the KB's successful sequence, now and then an abort or a refusal,
 * and on a few servers a flag left set), and as many events again from other providers, written as
 * {@code wevtutil qe ForwardedEvents /f:RenderedXml} writes them. In the same JVM and on the same bytes it times:
 * the reader of an earlier build ({@code --baseline DIR}: that build's {@code target/classes}), plain one-pass StAX
 * counts of the {@code <Event>} start elements with the JDK's parser, Aalto and (when on the class path) Woodstox,
 * and {@link EvtxReader} on the same events as .evtx when the test tree's writer is on the class path.
 * Median pass after warm-up, the readers taking turns. {@code --keep FILE} keeps the export (for {@code diagnose} runs);
 * {@code --write FILE} only writes the export there and measures nothing (for {@code bench/fleet-serve.sh}).
 *
 * <pre>
 * mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp
 * java -cp target/classes:target/test-classes:$(cat target/bench.cp) bench/XmlReaderBenchmark.java \
 *     [SERVERS] [NIGHTS] [ROUNDS] [--baseline DIR] [--keep FILE] [--no-evtx] [--write FILE]
 * </pre>
 * {@code bench/xml-input.sh} builds the baseline and runs all of it, with {@code diagnose}'s RSS.
 */
public class XmlReaderBenchmark {
    private static final String EVTX_WRITER = "io.github.exchangevss.evtx.EvtxWriter";
    private static final String JDK_COUNT = "JDK StAX, count <Event> only";
    private static final DateTimeFormatter SYSTEM_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final Instant START = Instant.parse("2026-03-01T22:00:00.1234567Z");
    /** A night's backup: the KB's successful sequence; now and then an abort, or a refusal that leaves the flag set. */
    private static final int[] GOOD_NIGHT = {9604, 9606, 9608, 9610, 9612, 9648, 9616};
    private static final int[] ABORTED_NIGHT = {9604, 9606, 9608, 9614, 9616};
    private static final int[] REFUSED_NIGHT = {9604, 9606, 9608, 9610, 9607};
    private static final String[][] OTHER_PROVIDERS = {
            {"MSExchangeRepl", "2074", "4"}, {"ESE", "326", "4"}, {"MSExchange ADAccess", "2080", "4"},
            {"Microsoft-Windows-Security-SPP", "16384", "4"}, {"MSExchangeTransport", "12014", "3"},
            {"Microsoft-Windows-Winlogon", "6003", "4"}, {"MSExchangeFastSearch", "1009", "2"}};
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
        List<String> positional = new ArrayList<>();
        Path baseline = null;
        Path keep = null;
        boolean evtx = true;
        Path write = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--write" -> write = Path.of(args[++i]);
                case "--baseline" -> baseline = Path.of(args[++i]);
                case "--keep" -> keep = Path.of(args[++i]);
                case "--no-evtx" -> evtx = false;
                default -> positional.add(args[i]);
            }
        }
        int servers = positional.size() > 0 ? Integer.parseInt(positional.get(0)) : 1000;
        int nights = positional.size() > 1 ? Integer.parseInt(positional.get(1)) : 14;
        int rounds = positional.size() > 2 ? Integer.parseInt(positional.get(2)) : 7;
        if (write != null) {
            System.out.printf("%d servers x %d nights: %d events written to %s%n", servers, nights,
                    generate(servers, nights, write, null), write);
            return;
        }
        Path dir = Files.createTempDirectory("xml-reader-bench");
        try {
            run(dir, servers, nights, rounds, baseline, keep, evtx);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }

    private static void run(Path dir, int servers, int nights, int rounds, Path baseline, Path keep, boolean withEvtx)
            throws Exception {
        Path xml = dir.resolve("forwarded-events.xml");
        Path evtx = dir.resolve("forwarded-events.evtx");
        int count = generate(servers, nights, xml, withEvtx ? evtx : null);
        boolean haveEvtx = Files.exists(evtx);
        long xmlBytes = Files.size(xml);
        System.out.printf("%d servers x %d nights: %d events; RenderedXml %.1f MB (%.0f bytes per event)%s; %d rounds"
                        + " after warm-up; %d cores; %s%n", servers, nights, count, xmlBytes / 1e6, (double) xmlBytes / count,
                haveEvtx ? String.format("; EVTX %.1f MB", Files.size(evtx) / 1e6) : "",
                rounds, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name") + " " + Runtime.version());

        Map<String, Path> files = new LinkedHashMap<>();
        Map<String, Pass> passes = new LinkedHashMap<>();
        if (baseline != null) {
            Reader earlier = Reader.load(baseline);
            passes.put("XmlEventReader, baseline", () -> earlier.readAll(xml));
        }
        Reader current = Reader.load(null);
        passes.put("XmlEventReader -> EventRecord", () -> current.readAll(xml));
        passes.put(JDK_COUNT, () -> countEventElements(xml, jdkFactory()));
        passes.put("Aalto StAX, count <Event> only", () -> countEventElements(xml, new com.fasterxml.aalto.stax.InputFactoryImpl()));
        XMLInputFactory woodstox = woodstoxFactory();
        if (woodstox != null) {
            passes.put("Woodstox StAX, count <Event> only", () -> countEventElements(xml, woodstox));
        } else {
            System.out.println("Woodstox row skipped: com.ctc.wstx is not on the class path");
        }
        passes.keySet().forEach(name -> files.put(name, xml));
        if (haveEvtx) {
            passes.put("EvtxReader -> EventRecord", () -> readAll(new EvtxReader(evtx, XmlReaderBenchmark::fail)));
            files.put("EvtxReader -> EventRecord", evtx);
        } else if (withEvtx) {
            System.out.println("EVTX part skipped: " + EVTX_WRITER + " is not on the class path (add target/test-classes"
                    + " after mvn test-compile)");
        }
        List<Run> runs = measure(passes, files, count, rounds);
        Run jdk = runs.stream().filter(r -> r.name().equals(JDK_COUNT)).findFirst().orElseThrow();
        if (keep != null) {
            Files.copy(xml, keep, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            System.out.println("export kept as " + keep);
        }

        Run reference = baseline != null ? runs.get(0) : null;
        System.out.printf("%n| %-33s | %9s | %7s | %9s | %13s | %11s |%n", "reader", "median s", "MB/s", "events/s",
                "vs JDK count", "vs baseline");
        System.out.println("|-----------------------------------|----------:|--------:|----------:|--------------:|------------:|");
        for (Run r : runs) {
            String ratio = r.name().startsWith("Evtx") ? "-" : String.format("%.2f", jdk.seconds() / r.seconds());
            String vsBaseline = reference == null || r.name().startsWith("Evtx") ? "-"
                    : String.format("%.2f", reference.seconds() / r.seconds());
            System.out.printf("| %-33s | %9.3f | %7.1f | %9.0f | %13s | %11s |%n", r.name(), r.seconds(), r.mbPerSecond(),
                    r.eventsPerSecond(), ratio, vsBaseline);
        }
    }

    /**
     * An {@code XmlEventReader} of this build (null) or of the build whose classes are in a directory, loaded
     * apart from this one with the same libraries, and driven by reflection so that both run in one JVM.
     */
    record Reader(java.lang.reflect.Constructor<?> constructor, Method next, Method close) {
        static Reader load(Path classes) throws Exception {
            ClassLoader loader = XmlReaderBenchmark.class.getClassLoader();
            if (classes != null) {
                List<java.net.URL> urls = new ArrayList<>(List.of(classes.toUri().toURL()));
                for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
                    if (entry.endsWith(".jar")) {
                        urls.add(Path.of(entry).toUri().toURL());
                    }
                }
                loader = new java.net.URLClassLoader(urls.toArray(java.net.URL[]::new), ClassLoader.getPlatformClassLoader());
            }
            Class<?> type = Class.forName("io.github.exchangevss.source.xml.XmlEventReader", true, loader);
            return new Reader(type.getConstructor(InputStream.class, String.class, java.util.function.Consumer.class),
                    type.getMethod("next"), type.getMethod("close"));
        }

        long readAll(Path xml) throws Exception {
            java.util.function.Consumer<Object> errors = error -> {
                throw new IllegalStateException("generated input reported as damaged: " + error);
            };
            Object reader = constructor.newInstance(Files.newInputStream(xml), xml.getFileName().toString(), errors);
            long events = 0;
            try {
                while (next.invoke(reader) != null) {
                    events++;
                }
            } finally {
                close.invoke(reader);
            }
            return events;
        }
    }

    /**
     * Warm-up, then the median of {@code rounds} passes of each, taken in turns (one pass of every reader per
     * round) so that load from elsewhere on a shared machine falls on all of them alike.
     */
    private static List<Run> measure(Map<String, Pass> passes, Map<String, Path> files, int expected, int rounds)
            throws Exception {
        for (int i = 0; i < 2; i++) {
            for (Map.Entry<String, Pass> pass : passes.entrySet()) {
                check(pass.getKey(), expected, pass.getValue().run());
            }
        }
        Map<String, double[]> seconds = new LinkedHashMap<>();
        passes.keySet().forEach(name -> seconds.put(name, new double[rounds]));
        for (int i = 0; i < rounds; i++) {
            for (Map.Entry<String, Pass> pass : passes.entrySet()) {
                long start = System.nanoTime();
                long events = pass.getValue().run();
                seconds.get(pass.getKey())[i] = (System.nanoTime() - start) / 1e9;
                check(pass.getKey(), expected, events);
            }
        }
        List<Run> runs = new ArrayList<>();
        for (Map.Entry<String, double[]> entry : seconds.entrySet()) {
            double[] s = entry.getValue();
            Arrays.sort(s);
            double median = rounds % 2 == 1 ? s[rounds / 2] : (s[rounds / 2 - 1] + s[rounds / 2]) / 2;
            runs.add(new Run(entry.getKey(), median, Files.size(files.get(entry.getKey())), expected));
        }
        return runs;
    }

    private static void check(String name, long expected, long actual) {
        if (actual != expected) {
            throw new IllegalStateException(name + " read " + actual + " events, expected " + expected);
        }
    }

    private static void fail(SourceError error) {
        throw new IllegalStateException("generated input reported as damaged: " + error);
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

    private static XMLInputFactory jdkFactory() {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        return factory;
    }

    private static XMLInputFactory woodstoxFactory() {
        try {
            return (XMLInputFactory) Class.forName("com.ctc.wstx.stax.WstxInputFactory").getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    /** The reference: one StAX pass with safe settings over the export given a root, counting {@code <Event>}s. */
    private static long countEventElements(Path xml, XMLInputFactory factory) throws Exception {
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
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

    /**
     * Writes the export night by night, each server's events in its own record order, and the .evtx when asked
     * and the writer is reachable; returns the number of events.
     */
    private static int generate(int servers, int nights, Path xml, Path evtx) throws Exception {
        Object evtxWriter = null;
        Method add = null;
        Method write = null;
        if (evtx != null) {
            try {
                Class<?> writerClass = Class.forName(EVTX_WRITER);
                evtxWriter = writerClass.getConstructor().newInstance();
                add = writerClass.getMethod("add", EventRecord.class);
                write = writerClass.getMethod("write", Path.class);
            } catch (ClassNotFoundException e) {
                // Reported by the caller: the EVTX part is optional.
            }
        }
        long[] recordIds = new long[servers];
        java.util.Random random = new java.util.Random(910250);
        int count = 0;
        try (BufferedWriter out = Files.newBufferedWriter(xml, StandardCharsets.UTF_8)) {
            for (int night = 0; night < nights; night++) {
                for (int server = 0; server < servers; server++) {
                    String computer = String.format("EXCH%04d.mail.contoso.local", server + 1);
                    Instant start = START.plus(java.time.Duration.ofDays(night)).plusSeconds(server * 13L % 7200);
                    // A few servers end with a refusal that leaves the flag set; others abort now and then.
                    int[] sequence = night == nights - 1 && server % 50 == 7 ? REFUSED_NIGHT
                            : random.nextInt(20) == 0 ? ABORTED_NIGHT : GOOD_NIGHT;
                    for (int step = 0; step < sequence.length; step++) {
                        Instant time = start.plusSeconds(40L * step);
                        EventRecord writer = writerEvent(computer, sequence[step], time, ++recordIds[server], night);
                        EventRecord other = otherEvent(computer, random, time.plusSeconds(20), ++recordIds[server]);
                        for (EventRecord event : List.of(writer, other)) {
                            out.write(renderedXml(event));
                            out.write("\r\n");
                            if (evtxWriter != null) {
                                add.invoke(evtxWriter, event);
                            }
                            count++;
                        }
                    }
                }
            }
        }
        if (evtxWriter != null) {
            write.invoke(evtxWriter, evtx);
        }
        return count;
    }

    private static EventRecord writerEvent(String computer, int eventId, Instant time, long recordId, int night) {
        int level = eventId == 9607 ? 2 : eventId == 9614 ? 3 : 4;
        int server = computer.hashCode() & 0xFFFF;
        String instance = String.format("%08x-5c1d-4f2e-9b6a-%012x:%d", 0x2c8d7f1e + server, 0x41d2a7c3e9L + server, night + 1);
        String storageGroup = "SG" + (night % 4 + 1) + " (" + computer.substring(0, 8) + ")";
        List<EventData> data = List.of(
                EventData.unnamed(instance),
                EventData.unnamed(storageGroup),
                EventData.unnamed("Mailbox Database " + (night % 4 * 3 + 1) + "; Mailbox Database " + (night % 4 * 3 + 2)
                        + "; Public Folder Database " + (night % 4 + 1)),
                EventData.unnamed("E:\\Exchange Server\\Mailbox\\" + storageGroup + "\\Logs\\E0" + (night % 4) + ".log"),
                EventData.unnamed(eventId == 9607 ? "0x50d" : eventId == 9614
                        ? "Abort ignored" : "Exchange VSS Snapshot prepared for Snapshot successfully"),
                EventData.unnamed("Full"),
                EventData.unnamed(Long.toString(recordId)));
        return EventRecord.builder().channel("Application").provider("MSExchangeIS").eventId(eventId)
                .qualifiers(level == 2 ? 0xC000 : level == 3 ? 0x8000 : 0x4000).level(level).task(296)
                .timeCreated(time).recordId(recordId).computer(computer).data(data)
                .binary(eventId == 9607 ? BACKUP_IN_PROGRESS : null)
                .message(message(eventId, instance, storageGroup, data)).build();
    }

    /** An event of another provider of the Application log, with a message of about the same size. */
    private static EventRecord otherEvent(String computer, java.util.Random random, Instant time, long recordId) {
        String[] provider = OTHER_PROVIDERS[random.nextInt(OTHER_PROVIDERS.length)];
        List<EventData> data = List.of(EventData.unnamed(computer), EventData.unnamed(Long.toString(random.nextLong(), 16)),
                EventData.unnamed("Copy of database 'Mailbox Database " + random.nextInt(40) + "' is healthy"));
        String message = provider[0] + " reports on " + computer + ": " + data.get(2).value() + ". Context: "
                + data.get(1).value() + " No user action is required. This is an informational event"
                + " written on every pass of the service's health check; see the service's documentation for the"
                + " meaning of the context value and for the settings that control how often it is written.";
        int level = Integer.parseInt(provider[2]);
        return EventRecord.builder().channel("Application").provider(provider[0]).eventId(Integer.parseInt(provider[1]))
                .qualifiers(0).level(level).task(1).timeCreated(time).recordId(recordId).computer(computer)
                .data(data).message(message).build();
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
                .append("<Opcode>Info</Opcode><Channel>Application</Channel><Provider>").append(e.provider()).append("</Provider>")
                .append("<Keywords><Keyword>Classic</Keyword></Keywords></RenderingInfo></Event>").toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;");
    }
}
