package io.github.exchangevss.source.xml;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.source.SourceError;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Seeded damage to XML exports: whatever the bytes, reading ends (within a time bound) with events, per-event
 * errors, or an {@link IOException} that names what is wrong with the file, and never with another exception.
 * Every failure of a run is collected and reported with the seed that reproduces it. Longer runs:
 * {@code mvn test -Dtest=XmlFuzzTest -Dxml.fuzz.iterations=20000 -Dxml.fuzz.seed=910250}.
 */
class XmlFuzzTest {
    private static final int ITERATIONS = Integer.getInteger("xml.fuzz.iterations", 2000);
    private static final long SEED = Long.getLong("xml.fuzz.seed", 910250L);
    private static final long SECONDS_PER_INPUT = 10;
    private static final String NS = "http://schemas.microsoft.com/win/2004/08/events/event";
    private static final String[] RESOURCES = {"wevtutil-application.xml", "wevtutil-rendered.xml",
            "get-winevent-toxml.xml", "event-viewer-saved.xml", "malformed-middle.xml"};
    /** Declarations that lie, name what Java cannot encode, or what is not ASCII-compatible; and honest ones. */
    private static final String[] ENCODINGS = {"ISO-2022-CN", "x-JISAutoDetect", "UTF-32", "UTF-16", "UTF-16BE",
            "cp037", "x-no-such-charset", "windows-1252", "ISO-8859-1", "UTF-8", "Shift_JIS", "GB18030", "UTF-7",
            "ISO-2022-JP", "x-IBM300", "KOI8-R"};
    private static final String[] FRAGMENTS = {"<Event>", "</Event>", "<Event xmlns='" + NS + "'>", "<![CDATA[",
            "]]>", "<!--", "-->", "&xxe;", "&#0;", "&#x110000;", "&amp", "<?pi ?>", "<!DOCTYPE Event [<!ENTITY a 'aaaa'>]>",
            "<ev:Event xmlns:ev='x'>", "</ev:Event>", "\u0000", "\uFFFE", "<", ">", "'", "\"", "<EventID>", "</System>",
            "<Data Name='a' Name='b'>", "<a:b:c>", "\uD800"};

    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "xml-fuzz");
        thread.setDaemon(true);
        return thread;
    });

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void damagedExportsNeverEscapeOrHang() throws Exception {
        List<byte[]> seeds = seeds();
        List<String> failures = new ArrayList<>();
        long errorsSeen = 0;
        long fileErrors = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            long seed = SEED + i;
            Random random = new Random(seed);
            byte[] input = mutate(seeds.get(random.nextInt(seeds.size())), random);
            Future<long[]> run = executor.submit(() -> readAll(input));
            try {
                long[] counts = run.get(SECONDS_PER_INPUT, TimeUnit.SECONDS);
                errorsSeen += counts[1];
                fileErrors += counts[2];
            } catch (TimeoutException e) {
                run.cancel(true);
                failures.add("seed " + seed + ": no end within " + SECONDS_PER_INPUT + " s");
            } catch (ExecutionException e) {
                failures.add("seed " + seed + ": " + e.getCause());
            }
        }
        assertThat(failures).as("%d of %d inputs failed (reproduce one with -Dxml.fuzz.seed=SEED"
                + " -Dxml.fuzz.iterations=1)", failures.size(), ITERATIONS).isEmpty();
        assertThat(errorsSeen).as("damage was reported as malformed events").isPositive();
        assertThat(fileErrors).as("unreadable encodings were reported as file errors").isPositive();
    }

    /** One damaged event costs itself only: every event whose bytes were not touched is read. */
    @Test
    void oneDamagedEventCostsOnlyItself() throws Exception {
        Random random = new Random(SEED);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < Math.max(ITERATIONS / 4, 100); i++) {
            long seed = SEED + i;
            random.setSeed(seed);
            int count = 3 + random.nextInt(20);
            int damaged = random.nextInt(count);
            StringBuilder xml = new StringBuilder(random.nextBoolean() ? "<?xml version='1.0'?>\r\n<Events>" : "");
            for (int k = 0; k < count; k++) {
                String event = event(k + 1);
                if (k == damaged) {
                    String fragment = FRAGMENTS[random.nextInt(FRAGMENTS.length)];
                    // Inside the event: after its start tag, before its end tag.
                    int at = event.indexOf('>') + 1 + random.nextInt(event.length() - event.indexOf('>') - 9);
                    event = event.substring(0, at) + fragment + event.substring(at);
                }
                xml.append(event).append(random.nextBoolean() ? "\r\n" : "");
            }
            List<SourceError> errors = new ArrayList<>();
            Set<Long> read = new HashSet<>();
            try (XmlEventReader reader = new XmlEventReader(
                    new ByteArrayInputStream(xml.toString().getBytes(StandardCharsets.UTF_8)), "fuzz.xml", errors::add)) {
                for (EventRecord e = reader.next(); e != null; e = reader.next()) {
                    read.add(e.recordId());
                }
            }
            for (long id = 1; id <= count; id++) {
                if (id != damaged + 1 && !read.contains(id)) {
                    failures.add("seed " + seed + ": event " + id + " lost (damaged: " + (damaged + 1) + ", errors "
                            + errors + ")");
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    /**
     * UTF-8 files take a fast way (the file's bytes straight to one parser) that must read exactly what the
     * scanner cutting every event reads: the same events, errors with the same locations, the same positions.
     * The file arrives in reads of random sizes, so events and names are split anywhere.
     */
    @Test
    void fastWayReadsWhatTheScannerReads() throws Exception {
        List<byte[]> seeds = seeds();
        // Characters of two to four UTF-8 bytes and line ends inside events, for the columns and lines.
        StringBuilder accented = new StringBuilder();
        for (int i = 1; i <= 30; i++) {
            accented.append(event(i).replace("<Data>x</Data>", "<Data>Données\r\n€ 𝄞 ü</Data>")
                    .replace("<System>", i % 3 == 0 ? "\n<System>" : "<System>")).append(i % 2 == 0 ? "\r\n" : "\n");
        }
        seeds.add(accented.toString().getBytes(StandardCharsets.UTF_8));
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < ITERATIONS; i++) {
            long seed = SEED + i;
            Random random = new Random(seed);
            byte[] input = random.nextInt(4) == 0 ? seeds.get(random.nextInt(seeds.size()))
                    : mutate(seeds.get(random.nextInt(seeds.size())), random);
            long chunking = random.nextLong();
            Future<List<Object>> fast = executor.submit(() -> transcript(input, chunking, false));
            Future<List<Object>> scanner = executor.submit(() -> transcript(input, chunking, true));
            try {
                List<Object> expected = scanner.get(SECONDS_PER_INPUT, TimeUnit.SECONDS);
                List<Object> actual = fast.get(SECONDS_PER_INPUT, TimeUnit.SECONDS);
                if (!actual.equals(expected)) {
                    failures.add("seed " + seed + ": read " + actual + ", the scanner read " + expected);
                }
            } catch (TimeoutException e) {
                fast.cancel(true);
                scanner.cancel(true);
                failures.add("seed " + seed + ": no end within " + SECONDS_PER_INPUT + " s");
            } catch (ExecutionException e) {
                failures.add("seed " + seed + ": " + e.getCause());
            }
        }
        assertThat(failures).as("%d of %d inputs failed (reproduce one with -Dxml.fuzz.seed=SEED"
                + " -Dxml.fuzz.iterations=1)", failures.size(), ITERATIONS).isEmpty();
    }

    /** Every event, the position after it and every error, in the order the reader gave them. */
    private static List<Object> transcript(byte[] input, long chunking, boolean scannerOnly) throws IOException {
        List<Object> seen = new ArrayList<>();
        InputStream in = new RandomReads(input, new Random(chunking));
        try (XmlEventReader reader = scannerOnly ? XmlEventReader.scannerOnly(in, "fuzz.xml", seen::add)
                : new XmlEventReader(in, "fuzz.xml", seen::add)) {
            for (EventRecord e = reader.next(); e != null; e = reader.next()) {
                seen.add(e);
                seen.add(reader.position());
            }
            seen.add(reader.position());
        } catch (IOException fileError) {
            seen.add("file error: " + fileError.getMessage());
        }
        return seen;
    }

    /** A stream that hands out its bytes in reads of 1 to 8,192 bytes. */
    private static final class RandomReads extends ByteArrayInputStream {
        private final Random random;

        RandomReads(byte[] bytes, Random random) {
            super(bytes);
            this.random = random;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, 1 + random.nextInt(random.nextBoolean() ? 16 : 8192)));
        }
    }

    private static long[] readAll(byte[] input) {
        long[] counts = new long[3];
        try (XmlEventReader reader = new XmlEventReader(new ByteArrayInputStream(input), "fuzz.xml", error -> {
            assertThat(error.kind()).isEqualTo("malformed_event");
            assertThat(error.location()).startsWith("fuzz.xml:");
            counts[1]++;
        })) {
            while (reader.next() != null) {
                counts[0]++;
            }
        } catch (IOException fileError) {
            assertThat(fileError.getMessage()).as("a file error says what is wrong").isNotBlank();
            counts[2]++;
        }
        return counts;
    }

    private static String event(long recordId) {
        return "<Event xmlns='" + NS + "'><System><Provider Name='MSExchangeIS'/><EventID Qualifiers='16384'>9604"
                + "</EventID><Level>4</Level><Task>296</Task><TimeCreated SystemTime='2024-03-05T01:00:00.0000000Z'/>"
                + "<EventRecordID>" + recordId + "</EventRecordID><Channel>Application</Channel>"
                + "<Computer>EXCH01</Computer></System><EventData><Data>x</Data><Data>y &amp; z</Data></EventData></Event>";
    }

    private static List<byte[]> seeds() throws IOException {
        List<byte[]> seeds = new ArrayList<>();
        for (String name : RESOURCES) {
            try (InputStream in = XmlFuzzTest.class.getResourceAsStream("/xml/" + name)) {
                assertThat(in).as("test resource %s", name).isNotNull();
                seeds.add(in.readAllBytes());
            }
        }
        StringBuilder many = new StringBuilder();
        for (int i = 1; i <= 50; i++) {
            many.append(event(i)).append("\r\n");
        }
        seeds.add(many.toString().getBytes(StandardCharsets.UTF_8));
        return seeds;
    }

    static byte[] mutate(byte[] input, Random random) {
        byte[] b = input.clone();
        int rounds = 1 + random.nextInt(4);
        for (int r = 0; r < rounds && b.length > 0; r++) {
            switch (random.nextInt(7)) {
                case 0 -> {
                    for (int flips = 1 + random.nextInt(16); flips > 0; flips--) {
                        b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                case 1 -> b = Arrays.copyOf(b, random.nextInt(b.length));
                case 2 -> b = insert(b, random.nextInt(b.length + 1),
                        FRAGMENTS[random.nextInt(FRAGMENTS.length)].getBytes(StandardCharsets.UTF_8));
                case 3 -> {
                    String declaration = "<?xml version='1.0' encoding='" + ENCODINGS[random.nextInt(ENCODINGS.length)] + "'?>";
                    b = insert(b, 0, declaration.getBytes(StandardCharsets.US_ASCII));
                }
                case 4 -> {
                    byte[][] marks = {{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, {(byte) 0xFF, (byte) 0xFE},
                            {(byte) 0xFE, (byte) 0xFF}, {0, 0, (byte) 0xFE, (byte) 0xFF}};
                    b = insert(b, 0, marks[random.nextInt(marks.length)]);
                }
                case 5 -> {
                    int from = random.nextInt(b.length);
                    int to = Math.min(b.length, from + random.nextInt(4096));
                    b = insert(b, random.nextInt(b.length + 1), Arrays.copyOfRange(b, from, to));
                }
                default -> {
                    byte[] noise = new byte[1 + random.nextInt(64)];
                    random.nextBytes(noise);
                    b = insert(b, random.nextInt(b.length + 1), noise);
                }
            }
        }
        return b;
    }

    private static byte[] insert(byte[] b, int at, byte[] what) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + what.length);
        out.write(b, 0, at);
        out.write(what, 0, what.length);
        out.write(b, at, b.length - at);
        return out.toByteArray();
    }
}
