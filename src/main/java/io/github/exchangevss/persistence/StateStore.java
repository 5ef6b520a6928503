package io.github.exchangevss.persistence;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@link PersistedState} in {@code <storage.path>/state.json}: written to a temp file, fsynced and renamed
 * into place, so a crash leaves either the old or the new file, never half of one.
 */
public final class StateStore {
    public static final String FILE_NAME = "state.json";
    /**
     * A channel copies a heap buffer into a temporary direct buffer of the same size and keeps that per thread: the
     * state of a large fleet written in one piece would hold its whole size (tens of MB) outside the heap for good.
     */
    private static final int WRITE_SLICE = 256 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(StateStore.class);

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    /** Leaves the file open after the value, so that it can still be fsynced. */
    private static final ObjectWriter STREAMING = MAPPER.writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    private final Path file;

    public StateStore(Path directory) {
        this.file = directory.resolve(FILE_NAME);
    }

    public Path file() {
        return file;
    }

    /**
     * The saved state, or empty when there is none or it cannot be used. A corrupt or unreadable file gives one
     * log line naming it and is set aside as {@code state.json.corrupt} for inspection; it never stops the exporter.
     */
    public Optional<PersistedState> load() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            PersistedState state = MAPPER.readValue(file.toFile(), PersistedState.class);
            if (state == null || state.engine() == null) {
                throw new IOException("no lifecycle state in it");
            }
            if (state.version() != PersistedState.CURRENT_VERSION) {
                throw new IOException("version " + state.version() + " is not " + PersistedState.CURRENT_VERSION);
            }
            return Optional.of(state);
        } catch (IOException | RuntimeException e) {
            Path aside = file.resolveSibling(FILE_NAME + ".corrupt");
            String moved;
            try {
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
                moved = "moved to " + aside;
            } catch (IOException moveFailure) {
                moved = "could not be moved aside: " + moveFailure.getMessage();
            }
            LOG.error("State file {} is unusable ({}); starting with a fresh state. The file was {}.",
                    file, oneLine(e), moved);
            return Optional.empty();
        }
    }

    /**
     * Serialises now (call it while the state cannot change), so {@link #write} can run outside any lock. Not
     * indented: a fleet's state is tens of MB, built under the engine's lock, and indentation made it 40 % larger.
     */
    public static byte[] serialize(PersistedState state) {
        try {
            return MAPPER.writeValueAsBytes(state);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise the lifecycle state", e);
        }
    }

    public void write(byte[] json) throws IOException {
        writeAtomically(out -> {
            for (int offset = 0; offset < json.length; offset += WRITE_SLICE) {
                out.write(json, offset, Math.min(WRITE_SLICE, json.length - offset));
            }
        });
    }

    /**
     * Serialises the state straight into the file: a fleet's state built as bytes first would need its size twice
     * in the heap (the growing buffer and its copy), 50 MB for 5,000 servers, and with {@code -Xmx128m} that failed.
     */
    public void write(PersistedState state) throws IOException {
        writeAtomically(out -> STREAMING.writeValue(out, state));
    }

    @FunctionalInterface
    private interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Into a temp file in slices of at most {@link #WRITE_SLICE}, fsynced, then renamed over the state file. */
    private void writeAtomically(Content content) throws IOException {
        Files.createDirectories(file.getParent());
        Path temp = file.resolveSibling(FILE_NAME + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), WRITE_SLICE);
            content.writeTo(out);
            out.flush();
            channel.force(true);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replaceAll("\\s+", " ");
    }
}
