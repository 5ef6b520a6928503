package io.github.exchangevss.evtx;

import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.source.SourceError;
import io.github.exchangevss.source.file.EventFileReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Reads the events of an .evtx file in file order (chunk by chunk, record by record), holding one chunk's
 * events at a time. Damaged parts are reported to the error listener and skipped.
 */
public final class EvtxReader implements EventFileReader {
    private final EvtxFile file;
    private final Consumer<SourceError> errors;
    private final ArrayDeque<EventRecord> pending = new ArrayDeque<>();
    private int nextChunk;

    public EvtxReader(Path path, Consumer<SourceError> errors) throws IOException {
        this.file = EvtxFile.open(path, errors);
        this.errors = errors;
    }

    @Override
    public EventRecord next() throws IOException {
        while (pending.isEmpty() && nextChunk < file.chunkCount()) {
            file.chunk(nextChunk++).decode(pending::add, errors);
        }
        return pending.poll();
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
