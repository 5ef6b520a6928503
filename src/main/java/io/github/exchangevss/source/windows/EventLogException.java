package io.github.exchangevss.source.windows;

/** A wevtapi call failed; {@link #code()} is the Win32 error code (GetLastError). */
public class EventLogException extends Exception {
    private final int code;

    /**
     * @param call    what was attempted, e.g. {@code EvtSubscribe Application}
     * @param code    the Win32 error code
     * @param message the system's text for the code
     */
    public EventLogException(String call, int code, String message) {
        super(call + ": " + message + " (" + code + ")");
        this.code = code;
    }

    public int code() {
        return code;
    }
}
