package io.github.exchangevss.source;

/**
 * Where events come from: exported files, the live Windows event log, the demo script.
 *
 * <p>{@link #run} delivers events to the sink until the input is exhausted (one-shot file reading) or
 * until {@link #close} is called (following files, live subscriptions). Bad input never ends a run: it
 * is reported through {@link EventSink#error} and reading goes on. {@link SourceException} is thrown only
 * when the source cannot work at all (a missing file given by name, an unsupported platform).
 */
public interface EventSource extends AutoCloseable {

    /** The bounded label value for the {@code exchange_vss_source_*} metrics, e.g. {@code xml:C:\logs}. */
    String name();

    void run(EventSink sink) throws SourceException, InterruptedException;

    /** Stops a running {@link #run} from another thread; idempotent. */
    @Override
    void close();
}
