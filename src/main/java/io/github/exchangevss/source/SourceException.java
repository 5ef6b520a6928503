package io.github.exchangevss.source;

/** A source cannot run at all. The message is meant for the user and names what to fix. */
public class SourceException extends Exception {
    public SourceException(String message) {
        super(message);
    }

    public SourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
