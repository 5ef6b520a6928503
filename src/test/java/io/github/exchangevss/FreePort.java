package io.github.exchangevss;

import java.io.IOException;
import java.net.ServerSocket;

/** A port for a process of a test to listen on: never a fixed one, since other builds run tests at the same time. */
public final class FreePort {
    private FreePort() {}

    /** A port free right now. */
    public static int get() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
