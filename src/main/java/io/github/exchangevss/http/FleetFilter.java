package io.github.exchangevss.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * The fleet table's filter from {@code ?q=TEXT&state=KEY}: a part of the server name (any case) and a state.
 * The page's script applies the same rule live; this is what a browser without scripts gets.
 */
record FleetFilter(String text, Optional<ServerState> state) {
    static final FleetFilter NONE = new FleetFilter("", Optional.empty());

    /** Unknown parameters, an unknown state and malformed escapes are ignored: a filter never fails the page. */
    static FleetFilter parse(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return NONE;
        }
        String text = "";
        Optional<ServerState> state = Optional.empty();
        for (String parameter : rawQuery.split("&")) {
            int equals = parameter.indexOf('=');
            String name = equals < 0 ? parameter : parameter.substring(0, equals);
            String value;
            try {
                value = equals < 0 ? "" : URLDecoder.decode(parameter.substring(equals + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException malformed) {
                continue;
            }
            switch (name) {
                case "q" -> text = value.strip();
                case "state" -> state = ServerState.byKey(value);
                default -> { }
            }
        }
        return new FleetFilter(text, state);
    }

    /** The name as the filter compares it, also written into each row for the script. */
    static String key(String computer) {
        return computer.toLowerCase(Locale.ROOT);
    }

    boolean matches(String computer, ServerState computerState) {
        return state.map(s -> s == computerState).orElse(true)
                && key(computer).contains(text.toLowerCase(Locale.ROOT));
    }
}
