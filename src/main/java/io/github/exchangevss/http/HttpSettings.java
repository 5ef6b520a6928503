package io.github.exchangevss.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * Where and how the exporter serves HTTP: {@code --web.listen-address}, {@code --web.telemetry-path} and the loaded
 * {@code --web.config.file}.
 */
public record HttpSettings(InetSocketAddress listenAddress, String telemetryPath, WebConfig webConfig) {
    public static final String DEFAULT_LISTEN_ADDRESS = ":19607";
    public static final String DEFAULT_TELEMETRY_PATH = "/metrics";

    public HttpSettings {
        Objects.requireNonNull(listenAddress, "listenAddress");
        Objects.requireNonNull(webConfig, "webConfig");
        requireTelemetryPath(telemetryPath);
    }

    /**
     * Parses {@code HOST:PORT}; an empty host ({@code :19607}) means all interfaces, an IPv6 host is written in
     * brackets ({@code [::1]:19607}) and port 0 asks for any free port.
     *
     * @throws IllegalArgumentException naming {@code web.listen-address} and what is wrong
     */
    public static InetSocketAddress parseListenAddress(String value) {
        int colon = value == null ? -1 : value.lastIndexOf(':');
        if (colon < 0) {
            throw invalidAddress(value, "expected HOST:PORT, or :PORT for all interfaces");
        }
        String host = value.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw invalidAddress(value, "the port is not a number");
        }
        if (port < 0 || port > 65535) {
            throw invalidAddress(value, "the port must be 0-65535");
        }
        if (host.isEmpty()) {
            return new InetSocketAddress(port);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw invalidAddress(value, "write an IPv6 address in brackets, e.g. [::1]:19607");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw invalidAddress(value, "unknown host " + host);
        }
    }

    private static IllegalArgumentException invalidAddress(String value, String problem) {
        return new IllegalArgumentException("web.listen-address \"" + value + "\": " + problem);
    }

    /** The status page owns {@code /} and the probes own {@code /-/}, so metrics must live elsewhere. */
    private static void requireTelemetryPath(String path) {
        if (path == null || !path.startsWith("/") || path.equals("/") || path.startsWith("/-/")) {
            throw new IllegalArgumentException("web.telemetry-path \"" + path
                    + "\": must start with / and be neither / nor under /-/ (e.g. /metrics)");
        }
    }
}
