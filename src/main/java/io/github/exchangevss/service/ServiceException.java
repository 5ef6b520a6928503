package io.github.exchangevss.service;

/** A Service Control Manager call failed; the message names the call, the service and the Win32 error. */
public final class ServiceException extends Exception {
    private final int code;

    public ServiceException(String message, int code) {
        super(message);
        this.code = code;
    }

    /** The Win32 error code, 0 when the failure is not one. */
    public int code() {
        return code;
    }
}
