import io.github.exchangevss.evtx.EvtxChunk;
import io.github.exchangevss.evtx.EvtxFile;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * Decoding throughput of the EVTX parser on a folder of .evtx files, into the event model, single-threaded
 * and with chunks spread over all cores; then, when installed, whole-process time of libevtx's
 * {@code evtxexport -f xml} and python-evtx's {@code evtx_dump.py} on the same files.
 *
 * <pre>
 * mvn -q -o compile
 * java -cp target/classes bench/EvtxBenchmark.java [DIR] [ROUNDS]
 * </pre>
 */
public class EvtxBenchmark {
    private static final int EXTERNAL_ROUNDS = 3;

    record Run(String name, double seconds, long bytes, long records, String note) {
        double mbPerSecond() {
            return bytes / 1e6 / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        Path dir = Paths.get(args.length > 0 ? args[0] : "../shared/evtx-samples");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".evtx")).sorted().toList();
        }
        long bytes = 0;
        long usedBytes = 0;
        for (Path f : files) {
            bytes += Files.size(f);
            usedBytes += nonZeroChunkBytes(Files.readAllBytes(f));
        }
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf("%d files, %.1f MB (%.1f MB in chunks that are not all zero), %d rounds after warm-up, %d cores, %s%n",
                files.size(), bytes / 1e6, usedBytes / 1e6, rounds, cores,
                System.getProperty("java.vm.name") + " " + Runtime.version());

        for (int i = 0; i < Math.max(3, rounds / 2); i++) {
            decodeAll(files, 1);
        }
        List<Run> runs = new ArrayList<>();
        runs.add(measure("java, 1 thread", files, bytes, rounds, 1));
        runs.add(measure("java, " + cores + " threads (chunks)", files, bytes, rounds, cores));
        runs.add(external("libevtx evtxexport -f xml", files, bytes, "evtxexport", "-f", "xml"));
        runs.add(external("python-evtx evtx_dump.py", files, bytes, "evtx_dump.py"));

        Run libevtx = runs.get(2);
        double usedShare = (double) usedBytes / bytes;
        System.out.printf("%n| %-32s | %9s | %8s | %14s | %11s | %10s | %s%n", "parser", "seconds", "MB/s",
                "MB/s non-zero", "records/s", "vs libevtx", "note");
        System.out.println("|----------------------------------|-----------|----------|----------------|-------------|------------|------");
        for (Run r : runs) {
            if (r.seconds() <= 0) {
                System.out.printf("| %-32s | %9s | %8s | %14s | %11s | %10s | %s%n", r.name(), "-", "-", "-", "-", "-", r.note());
                continue;
            }
            String ratio = libevtx.seconds() > 0 ? String.format("%.1fx", libevtx.seconds() / r.seconds()) : "-";
            String recordsPerSecond = r.records() >= 0 ? String.format("%.0f", r.records() / r.seconds()) : "-";
            System.out.printf("| %-32s | %9.3f | %8.1f | %14.1f | %11s | %10s | %s%n",
                    r.name(), r.seconds(), r.mbPerSecond(), r.mbPerSecond() * usedShare, recordsPerSecond, ratio, r.note());
        }
    }

    private static long nonZeroChunkBytes(byte[] file) {
        long used = Math.min(file.length, EvtxFile.HEADER_BLOCK_SIZE);
        for (int at = EvtxFile.HEADER_BLOCK_SIZE; at < file.length; at += EvtxChunk.SIZE) {
            int end = Math.min(file.length, at + EvtxChunk.SIZE);
            for (int i = at; i < end; i++) {
                if (file[i] != 0) {
                    used += end - at;
                    break;
                }
            }
        }
        return used;
    }

    /** The median pass of {@code rounds}: this machine is shared, so means and minima mislead. */
    private static Run measure(String name, List<Path> files, long bytes, int rounds, int threads) throws Exception {
        double[] seconds = new double[rounds];
        long records = 0;
        for (int i = 0; i < rounds; i++) {
            long start = System.nanoTime();
            records = decodeAll(files, threads);
            seconds[i] = (System.nanoTime() - start) / 1e9;
        }
        return new Run(name, median(seconds), bytes, records, "in-process, median pass over all files");
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** Decodes every chunk of every file into EventRecords; returns the number of records. */
    private static long decodeAll(List<Path> files, int threads) throws Exception {
        LongAdder records = new LongAdder();
        List<EvtxFile> open = new ArrayList<>();
        try {
            for (Path f : files) {
                open.add(EvtxFile.open(f, e -> { }));
            }
            if (threads == 1) {
                for (EvtxFile f : open) {
                    for (int c = 0; c < f.chunkCount(); c++) {
                        f.chunk(c).decode(r -> records.increment(), e -> { });
                    }
                }
                return records.sum();
            }
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> tasks = new ArrayList<>();
                for (EvtxFile f : open) {
                    for (int c = 0; c < f.chunkCount(); c++) {
                        int index = c;
                        tasks.add(pool.submit(() -> {
                            EvtxChunk chunk = f.chunk(index);
                            chunk.decode(r -> records.increment(), e -> { });
                            return null;
                        }));
                    }
                }
                for (Future<?> t : tasks) {
                    t.get();
                }
            } finally {
                pool.shutdown();
            }
            return records.sum();
        } finally {
            for (EvtxFile f : open) {
                f.close();
            }
        }
    }

    /** Whole-process time over all files, median of {@link #EXTERNAL_ROUNDS} passes. */
    private static Run external(String name, List<Path> files, long bytes, String... command) throws Exception {
        if (!onPath(command[0])) {
            return new Run(name, 0, bytes, -1, command[0] + " not installed");
        }
        int failures = 0;
        double[] seconds = new double[EXTERNAL_ROUNDS];
        for (int round = 0; round < EXTERNAL_ROUNDS; round++) {
            failures = 0;
            long start = System.nanoTime();
            for (Path f : files) {
                List<String> cmd = new ArrayList<>(List.of(command));
                cmd.add(f.toString());
                Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                if (p.waitFor() != 0) {
                    failures++;
                }
            }
            seconds[round] = (System.nanoTime() - start) / 1e9;
        }
        return new Run(name, median(seconds), bytes, -1, "whole process per file, median of " + EXTERNAL_ROUNDS
                + " passes; " + failures + " of " + files.size() + " exited non-zero");
    }

    private static boolean onPath(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Paths.get(d, program))) {
                return true;
            }
        }
        return false;
    }
}
