package io.github.exchangevss.source.file;

import io.github.exchangevss.event.EventRecord;
import java.io.Closeable;
import java.io.IOException;

/**
 * Reads the events of one exported log file (XML or EVTX) in file order, in constant memory.
 * Damaged parts are reported to the error listener given when it was opened and skipped.
 */
public interface EventFileReader extends Closeable {

    /** The next event, or null at the end of the file. */
    EventRecord next() throws IOException;
}
