package io.github.exchangevss.http;

/** A web config file ({@code --web.config.file}) that cannot be used; the message names the file and the key. */
public final class WebConfigException extends Exception {
    public WebConfigException(String message) {
        super(message);
    }

    public WebConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
