package io.github.exchangevss.evtx;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.exchangevss.event.EventData;
import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.evtx.binxml.ValueType;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutates generated fixtures and (when present) the shared samples, and checks that reading never throws,
 * finishes within a time bound and allocates within a bound per file. The run is deterministic (fixed
 * seed); {@code -Devtx.fuzz.iterations=N} runs longer, {@code -Devtx.fuzz.seed=S} varies it. Every failure of
 * a run is collected and reported with its seed and iteration, not only the first.
 */
class EvtxFuzzTest {
    private static final int ITERATIONS = Integer.getInteger("evtx.fuzz.iterations", 1500);
    /** Iterations before this one are generated (the mutations depend on them) but not read. */
    private static final int FROM = Integer.getInteger("evtx.fuzz.from", 0);
    private static final long SEED = Long.getLong("evtx.fuzz.seed", 910250L);
    private static final Duration TIME_PER_FILE = Duration.ofSeconds(10);
    /** Allocation allowed per input byte: decoding makes strings and records, never buffers sized by a length field. */
    private static final long ALLOCATION_PER_BYTE = 40;
    private static final long ALLOCATION_BASE = 16L << 20;
    private static final int[] EXTREMES = {0, 1, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0xFFFF, 0x1_0000, 0x200};

    @TempDir
    Path dir;

    private final ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "evtx-fuzz");
        thread.setDaemon(true);
        return thread;
    });

    @AfterEach
    void stop() {
        reader.shutdownNow();
    }

    @Test
    void mutatedFilesNeverThrowHangOrAllocateWithoutBound() throws Exception {
        List<byte[]> seeds = seedFiles();
        Random random = new Random(SEED);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Path file = dir.resolve("fuzz.evtx");
        List<String> failures = new ArrayList<>();
        long errorsSeen = 0;
        for (int i = 0; i < FROM + ITERATIONS; i++) {
            byte[] input = seeds.get(random.nextInt(seeds.size()));
            byte[] mutated = mutate(input, random);
            if (i < FROM) {
                continue;
            }
            Files.write(file, mutated);
            String iteration = "seed " + SEED + " iteration " + i + " (" + mutated.length + " bytes)";
            Future<long[]> run = reader.submit(() -> {
                long before = threads.getCurrentThreadAllocatedBytes();
                long[] c = readAll(file);
                c[2] = threads.getCurrentThreadAllocatedBytes() - before;
                return c;
            });
            long[] counts;
            try {
                counts = run.get(TIME_PER_FILE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                run.cancel(true);
                failures.add(iteration + ": no end within " + TIME_PER_FILE.toSeconds() + " s");
                continue;
            } catch (ExecutionException e) {
                failures.add(iteration + ": " + e.getCause());
                continue;
            }
            long bound = ALLOCATION_BASE + ALLOCATION_PER_BYTE * mutated.length;
            if (counts[2] >= bound) {
                failures.add(iteration + ": allocated " + counts[2] + " bytes, bound " + bound);
            }
            if (counts[0] > mutated.length / 28) {
                failures.add(iteration + ": " + counts[0] + " records, more than their minimum size allows");
            }
            if (counts[3] > 0) {
                failures.add(iteration + ": " + counts[3] + " decoder failures (not format errors)");
            }
            errorsSeen += counts[1];
        }
        assertThat(failures).as("%d of %d iterations failed; rerun one with -Devtx.fuzz.seed=S -Devtx.fuzz.from=I"
                + " -Devtx.fuzz.iterations=1", failures.size(), ITERATIONS).isEmpty();
        assertThat(errorsSeen).as("mutations were detected as damage").isPositive();
    }

    /** Records, errors, (allocated bytes, filled in by the caller), decoder failures. */
    private static long[] readAll(Path file) throws IOException {
        long[] counts = new long[4];
        try (EvtxReader reader = new EvtxReader(file, e -> {
            counts[1]++;
            if (e.message().contains("decoder failure")) {
                counts[3]++;
            }
        })) {
            while (reader.next() != null) {
                counts[0]++;
            }
        }
        return counts;
    }

    private List<byte[]> seedFiles() throws IOException {
        List<byte[]> seeds = new ArrayList<>();
        Instant t0 = Instant.parse("2024-05-01T00:00:00Z");
        EvtxWriter kb = new EvtxWriter();
        Stream.of(KbEvtxFixtures.goodBackup(t0, 1), KbEvtxFixtures.method2(t0, 8), KbEvtxFixtures.method3(t0, 11))
                .flatMap(List::stream).forEach(kb::add);
        seeds.add(kb.toBytes());
        EvtxWriter typed = new EvtxWriter();
        EventRecord base = KbEvtxFixtures.goodBackup(t0, 1).get(0);
        for (int i = 0; i < 600; i++) {
            typed.add(base.toBuilder().recordId(100 + i).build(), List.of(
                    new EvtxWriter.TypedData("Items", ValueType.STRING | ValueType.ARRAY, EvtxWriter.utf16("a\0bb\0")),
                    new EvtxWriter.TypedData("Count", ValueType.UINT32, new byte[] {1, 2, 3, 4}),
                    new EvtxWriter.TypedData(null, ValueType.STRING, EvtxWriter.utf16("text " + i))));
        }
        seeds.add(typed.toBytes());
        seeds.add(new EvtxWriter().add(base.toBuilder().data(List.of(new EventData("x", "y"))).build()).toBytes());
        Path samples = GoldenSamplesTest.samplesDir();
        if (Files.isDirectory(samples)) {
            for (String name : List.of("security.evtx", "sample_with_a_bad_chunk_magic.evtx",
                    "E_Windows_system32_winevt_logs_Microsoft-Windows-CAPI2-Operational.evtx", "Application_no_crc32.evtx")) {
                Path p = samples.resolve(name);
                if (Files.isRegularFile(p)) {
                    seeds.add(Files.readAllBytes(p));
                }
            }
        }
        return seeds;
    }

    static byte[] mutate(byte[] input, Random random) {
        byte[] b = input.clone();
        switch (random.nextInt(5)) {
            case 0 -> {
                int flips = 1 + random.nextInt(32);
                for (int i = 0; i < flips; i++) {
                    int at = random.nextInt(b.length);
                    b[at] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> b = Arrays.copyOf(b, random.nextInt(b.length));
            case 2 -> {
                int chunks = (b.length - EvtxFile.HEADER_BLOCK_SIZE) / EvtxChunk.SIZE;
                if (chunks >= 2) {
                    int x = random.nextInt(chunks);
                    int y = random.nextInt(chunks);
                    byte[] tmp = Arrays.copyOfRange(b, offsetOf(x), offsetOf(x) + EvtxChunk.SIZE);
                    System.arraycopy(b, offsetOf(y), b, offsetOf(x), EvtxChunk.SIZE);
                    System.arraycopy(tmp, 0, b, offsetOf(y), EvtxChunk.SIZE);
                } else {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
            }
            default -> {
                // Length and offset fields at extremes: anywhere, or in the first record's header.
                int fields = 1 + random.nextInt(8);
                for (int i = 0; i < fields; i++) {
                    int at = random.nextBoolean() ? random.nextInt(Math.max(1, b.length - 4))
                            : EvtxFile.HEADER_BLOCK_SIZE + 0x200 + 4 * random.nextInt(8);
                    int value = EXTREMES[random.nextInt(EXTREMES.length)];
                    int width = random.nextBoolean() ? 4 : 2;
                    for (int k = 0; k < width && at + k < b.length; k++) {
                        b[at + k] = (byte) (value >>> (8 * k));
                    }
                }
            }
        }
        return b;
    }

    private static int offsetOf(int chunk) {
        return EvtxFile.HEADER_BLOCK_SIZE + chunk * EvtxChunk.SIZE;
    }
}
