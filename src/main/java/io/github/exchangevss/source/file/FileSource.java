package io.github.exchangevss.source.file;

import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.lifecycle.EventOrder;
import io.github.exchangevss.lifecycle.VssEvents;
import io.github.exchangevss.source.EventSink;
import io.github.exchangevss.source.EventSource;
import io.github.exchangevss.source.SourceError;
import io.github.exchangevss.source.SourceException;
import io.github.exchangevss.source.xml.XmlEventReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exported log files: {@code xml:PATH} or {@code evtx:PATH}, where PATH is one file or a directory (its regular,
 * non-hidden files in name order). The format of each file is told by its content ({@link LogFiles}).
 *
 * <p>Without follow every file is read once. With follow the source polls: it reads what was appended to
 * growing files and new files, and re-reads a file that was replaced (a new file identity, a smaller size, or
 * other leading bytes), then skipping the record IDs it already delivered from that file for each channel and
 * computer. After each file's batch it hands its per-file progress to {@link EventSink#checkpoint} as JSON;
 * given back to the constructor, that JSON resumes reading without delivering an event twice.
 */
public final class FileSource implements EventSource {
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(FileSource.class);
    /** A checkpoint also inside a long file, so that a restart does not start it over. */
    private static final int CHECKPOINT_EVERY_EVENTS = 10_000;
    private static final int HEAD_BYTES = 1024;

    private final String name;
    private final Path path;
    private final boolean follow;
    private final Duration pollInterval;
    /** Keyed by the file's absolute path; sorted so that checkpoints list files in a stable order. */
    private final Map<String, TrackedFile> files = new TreeMap<>();
    private final CountDownLatch closed = new CountDownLatch(1);

    /**
     * @param spec         {@code xml:PATH} or {@code evtx:PATH}; also the source's name
     * @param follow       keep polling for appended and new files until {@link #close}
     * @param pollInterval time between polls when following
     * @param checkpoint   the last JSON this source gave {@link EventSink#checkpoint}, or null to read from the start
     * @throws IllegalArgumentException when the spec has no known prefix or no path
     */
    public FileSource(String spec, boolean follow, Duration pollInterval, String checkpoint) {
        this.name = Objects.requireNonNull(spec, "spec");
        this.path = pathOf(spec);
        this.follow = follow;
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("poll interval must be positive: " + pollInterval);
        }
        if (checkpoint != null && !checkpoint.isBlank()) {
            restore(checkpoint);
        }
    }

    private static Path pathOf(String spec) {
        int colon = spec.indexOf(':');
        String kind = colon < 0 ? "" : spec.substring(0, colon);
        if (!kind.equals("xml") && !kind.equals("evtx")) {
            throw new IllegalArgumentException("file source '" + spec + "' must start with xml: or evtx:");
        }
        String file = spec.substring(colon + 1);
        if (file.isBlank()) {
            throw new IllegalArgumentException("file source '" + spec + "' names no path");
        }
        return Path.of(file).toAbsolutePath().normalize();
    }

    /** A damaged checkpoint costs a re-read, not the start: reading everything again is the safe side. */
    private void restore(String json) {
        try {
            for (Checkpoint.FileProgress progress : Checkpoint.fromJson(json).files()) {
                files.put(progress.path(), TrackedFile.from(progress));
            }
        } catch (IllegalArgumentException e) {
            files.clear();
            LOG.warn("{}: ignoring the saved position, reading from the start: {}", name, e.getMessage());
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void run(EventSink sink) throws SourceException, InterruptedException {
        boolean missingReported = false;
        do {
            List<Path> current = listFiles(sink);
            if (current == null) {
                sink.up(false);
                if (!follow) {
                    throw new SourceException(name + ": no such file or directory: " + path);
                }
                if (!missingReported) {
                    sink.error(new SourceError("file_missing", path.toString(), "no such file or directory"));
                    missingReported = true;
                }
            } else {
                missingReported = false;
                sink.up(true);
                carryOverRenamedFiles(current);
                // A one-shot read of several files applies their events in order, as diagnose does: exports
                // named out of time order would otherwise be skipped as out of order.
                OrderingSink ordered = follow || current.size() < 2 ? null : new OrderingSink(sink);
                for (Path file : current) {
                    if (isClosed()) {
                        return;
                    }
                    readFile(file, ordered == null ? sink : ordered);
                }
                if (ordered != null) {
                    ordered.deliver();
                }
            }
            sink.caughtUp();
        } while (follow && !closed.await(pollInterval.toMillis(), TimeUnit.MILLISECONDS));
    }

    @Override
    public void close() {
        closed.countDown();
    }

    private boolean isClosed() {
        return closed.getCount() == 0;
    }

    /** The files to read now, or null when the path does not exist. */
    private List<Path> listFiles(EventSink sink) throws SourceException {
        if (!Files.isDirectory(path)) {
            return Files.isRegularFile(path) ? List.of(path) : null;
        }
        try {
            return LogFiles.list(path);
        } catch (IOException e) {
            if (!follow) {
                throw new SourceException(name + ": cannot list directory " + path + ": " + LogFiles.describe(e), e);
            }
            sink.error(new SourceError("read_error", path.toString(), "cannot list directory: " + LogFiles.describe(e)));
            return List.of();
        }
    }

    /**
     * A file renamed by log rotation keeps what was read from it under its new name, so that it is not read
     * again as a new file. Its new name holds its identity, and its old name holds another file or none.
     */
    private void carryOverRenamedFiles(List<Path> listing) {
        Map<String, String> identities = new HashMap<>();
        for (Path file : listing) {
            try {
                identities.put(file.toString(), identity(Files.readAttributes(file, BasicFileAttributes.class)));
            } catch (IOException e) {
                // read (and reported) with the file itself
            }
        }
        Map<String, TrackedFile> renamed = new HashMap<>();
        for (Map.Entry<String, String> entry : identities.entrySet()) {
            TrackedFile own = files.get(entry.getKey());
            if (own != null && own.identity.equals(entry.getValue())) {
                continue;
            }
            files.values().stream()
                    .filter(old -> old.identity.equals(entry.getValue()))
                    .filter(old -> !entry.getValue().equals(identities.get(old.path)))
                    .findFirst()
                    .ifPresent(old -> renamed.put(entry.getKey(), old));
        }
        renamed.forEach((newPath, tracked) -> {
            LOG.info("{}: {} was renamed to {}", name, tracked.path, newPath);
            files.remove(tracked.path);
            tracked.path = newPath;
            tracked.dirty = true;
            files.put(newPath, tracked);
        });
    }

    private void readFile(Path file, EventSink sink) {
        String key = file.toString();
        TrackedFile tracked = files.get(key);
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException vanished) {
            return;
        } catch (IOException e) {
            reportOnce(tracked, sink, file, e);
            return;
        }
        String identity = identity(attributes);
        long size = attributes.size();
        try {
            if (tracked != null && tracked.identity.equals(identity) && tracked.size == size) {
                return;
            }
            boolean replaced = tracked != null && (!tracked.identity.equals(identity) || size < tracked.size
                    || !tracked.headMatches(file));
            if (tracked == null) {
                tracked = new TrackedFile(key);
                files.put(key, tracked);
            }
            if (replaced) {
                LOG.info("{}: {} was replaced, reading it again", name, file);
                tracked.position = null;
                tracked.headLength = 0;
            }
            // Without a byte position (a replaced file, a format read from the start) record IDs tell what is new.
            boolean skipDelivered = tracked.position == null && !tracked.lastRecordIds.isEmpty();
            tracked.identity = identity;
            if (readEvents(file, tracked, skipDelivered, sink)) {
                // Only a file read to its end counts as read up to this size; a stop half-way resumes later.
                tracked.size = size;
            }
            tracked.rememberHead(file, size);
            tracked.lastError = null;
            tracked.dirty = true;
        } catch (IOException e) {
            reportOnce(tracked, sink, file, e);
        } finally {
            if (tracked != null && tracked.dirty) {
                checkpoint(sink);
            }
        }
    }

    /** True when the file was read to its end, false when {@link #close} stopped it. */
    private boolean readEvents(Path file, TrackedFile tracked, boolean skipDelivered, EventSink sink) throws IOException {
        Map<SourceKey, Long> delivered = skipDelivered ? new HashMap<>(tracked.lastRecordIds) : Map.of();
        int sinceCheckpoint = 0;
        try (EventFileReader reader = LogFiles.open(file, sink::error, tracked.position, follow)) {
            EventRecord event;
            while (!isClosed() && (event = reader.next()) != null) {
                if (reader instanceof XmlEventReader xml) {
                    tracked.position = xml.position();
                }
                tracked.dirty = true;
                SourceKey source = new SourceKey(event.channel(), event.computer());
                Long last = delivered.get(source);
                if (last != null && event.recordId() <= last) {
                    continue;
                }
                sink.accept(event);
                tracked.lastRecordIds.merge(source, event.recordId(), Math::max);
                if (++sinceCheckpoint == CHECKPOINT_EVERY_EVENTS) {
                    checkpoint(sink);
                    sinceCheckpoint = 0;
                }
            }
            if (reader instanceof XmlEventReader xml && !xml.position().equals(tracked.position)) {
                // Broken events at the end moved the position without delivering anything.
                tracked.position = xml.position();
                tracked.dirty = true;
            }
        }
        return !isClosed();
    }

    private void reportOnce(TrackedFile tracked, EventSink sink, Path file, IOException e) {
        String message = LogFiles.describe(e);
        if (tracked == null || !message.equals(tracked.lastError)) {
            sink.error(new SourceError("read_error", file.toString(), message));
        }
        if (tracked != null) {
            tracked.lastError = message;
        }
    }

    private void checkpoint(EventSink sink) {
        List<Checkpoint.FileProgress> progress = new ArrayList<>(files.size());
        for (TrackedFile tracked : files.values()) {
            progress.add(tracked.toProgress());
            tracked.dirty = false;
        }
        sink.checkpoint(new Checkpoint(Checkpoint.VERSION, progress).toJson());
    }

    /** The file key (device and inode) where the file system has one, else the creation time (Windows). */
    private static String identity(BasicFileAttributes attributes) {
        Object fileKey = attributes.fileKey();
        return fileKey != null ? "key:" + fileKey : "created:" + attributes.creationTime();
    }

    private record SourceKey(String channel, String computer) {}

    /** Holds a one-shot read's events and its last checkpoint until every file is read. */
    private final class OrderingSink implements EventSink {
        private final EventSink sink;
        private final List<EventRecord> events = new ArrayList<>();
        private String checkpoint;

        OrderingSink(EventSink sink) {
            this.sink = sink;
        }

        /** Other providers' events move only positions and clocks: their data is not kept while waiting. */
        @Override
        public void accept(EventRecord event) {
            events.add(VssEvents.PROVIDER.equalsIgnoreCase(event.provider()) ? event
                    : event.toBuilder().data(List.of()).binary(null).message(null).build());
        }

        @Override
        public void checkpoint(String position) {
            checkpoint = position;
        }

        @Override
        public void error(SourceError error) {
            sink.error(error);
        }

        @Override
        public void up(boolean up) {
            sink.up(up);
        }

        @Override
        public void missed(long count) {
            sink.missed(count);
        }

        /** Stops at close, without the checkpoint: what was not delivered is read again next time. */
        void deliver() {
            for (EventRecord event : EventOrder.sort(events)) {
                if (isClosed()) {
                    return;
                }
                sink.accept(event);
            }
            events.clear();
            if (checkpoint != null) {
                sink.checkpoint(checkpoint);
            }
        }
    }

    /** What is known about one file between polls. */
    private static final class TrackedFile {
        String path;
        String identity = "";
        long size;
        int headLength;
        long headCrc;
        XmlEventReader.Position position;
        final Map<SourceKey, Long> lastRecordIds = new HashMap<>();
        String lastError;
        boolean dirty;

        TrackedFile(String path) {
            this.path = path;
        }

        static TrackedFile from(Checkpoint.FileProgress progress) {
            TrackedFile tracked = new TrackedFile(progress.path());
            tracked.identity = Objects.requireNonNullElse(progress.identity(), "");
            tracked.size = progress.size();
            tracked.headLength = progress.headLength();
            tracked.headCrc = progress.headCrc();
            tracked.position = progress.position();
            if (progress.lastRecordIds() != null) {
                for (Checkpoint.LastRecord last : progress.lastRecordIds()) {
                    tracked.lastRecordIds.put(new SourceKey(last.channel(), last.computer()), last.recordId());
                }
            }
            return tracked;
        }

        Checkpoint.FileProgress toProgress() {
            List<Checkpoint.LastRecord> last = lastRecordIds.entrySet().stream()
                    .map(e -> new Checkpoint.LastRecord(e.getKey().channel(), e.getKey().computer(), e.getValue()))
                    .sorted(Comparator.comparing((Checkpoint.LastRecord r) -> String.valueOf(r.channel()))
                            .thenComparing(r -> String.valueOf(r.computer())))
                    .toList();
            return new Checkpoint.FileProgress(path, identity, size, headLength, headCrc, position, last);
        }

        boolean headMatches(Path file) throws IOException {
            return headLength == 0 || crcOfHead(file, headLength) == headCrc;
        }

        void rememberHead(Path file, long size) throws IOException {
            int length = (int) Math.min(size, HEAD_BYTES);
            if (length > headLength) {
                long crc = crcOfHead(file, length);
                headLength = length;
                headCrc = crc;
            }
        }

        /** CRC-32 of the first {@code length} bytes, or -1 when the file is shorter now. */
        private static long crcOfHead(Path file, int length) throws IOException {
            try (InputStream in = Files.newInputStream(file)) {
                byte[] head = in.readNBytes(length);
                if (head.length < length) {
                    return -1;
                }
                CRC32 crc = new CRC32();
                crc.update(head);
                return crc.getValue();
            }
        }
    }
}
