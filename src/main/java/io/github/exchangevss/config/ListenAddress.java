package io.github.exchangevss.config;

import java.net.InetSocketAddress;

/** {@code --web.listen-address}: {@code :19607} (every interface), {@code 127.0.0.1:19607}, {@code [::1]:19607}. */
public final class ListenAddress {
    private ListenAddress() {}

    public static InetSocketAddress parse(String key, String text) throws ConfigException {
        int colon = text == null ? -1 : text.lastIndexOf(':');
        if (colon < 0) {
            throw new ConfigException(key + ": '" + text + "' must be HOST:PORT or :PORT, e.g. :19607");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ConfigException(key + ": port in '" + text + "' is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException(key + ": port " + port + " is out of range 0-65535");
        }
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }
}
