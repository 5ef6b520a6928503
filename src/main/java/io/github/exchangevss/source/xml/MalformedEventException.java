package io.github.exchangevss.source.xml;

/**
 * One event's XML cannot be turned into an {@link io.github.exchangevss.event.EventRecord}: not well-formed,
 * a required field missing, a number or hex text that does not parse.
 */
public class MalformedEventException extends Exception {
    private final int line;
    private final int column;

    /** A problem without a position inside the event's XML (a missing field, a bad value). */
    public MalformedEventException(String message) {
        this(message, -1, -1, null);
    }

    /**
     * @param line   1-based line inside the event's XML, or -1 when unknown
     * @param column 1-based column inside the event's XML, or -1 when unknown
     */
    public MalformedEventException(String message, int line, int column, Throwable cause) {
        super(message, cause);
        this.line = line;
        this.column = column;
    }

    /** The 1-based line inside the event's XML, or -1 when the problem has no position. */
    public int line() {
        return line;
    }

    /** The 1-based column inside the event's XML, or -1 when the problem has no position. */
    public int column() {
        return column;
    }
}
