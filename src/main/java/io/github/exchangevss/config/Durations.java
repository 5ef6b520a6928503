package io.github.exchangevss.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations written as Prometheus writes them: {@code 90s}, {@code 30m}, {@code 6h}, {@code 7d}, {@code 1h30m}. */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d|w)");

    private Durations() {}

    public static Duration parse(String key, String text) throws ConfigException {
        String s = text == null ? "" : text.trim();
        Matcher m = PART.matcher(s);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n;
            try {
                n = Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                throw new ConfigException(key + ": '" + text + "' is too large");
            }
            try {
                total = total.plus(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    case "d" -> Duration.ofDays(n);
                    default -> Duration.ofDays(Math.multiplyExact(7, n));
                });
            } catch (ArithmeticException e) {
                throw new ConfigException(key + ": '" + text + "' is too large");
            }
            end = m.end();
        }
        if (s.isEmpty() || end != s.length()) {
            throw new ConfigException(key + ": '" + text + "' is not a duration (examples: 90s, 30m, 6h, 7d, 1h30m)");
        }
        return total;
    }

    public static Duration parsePositive(String key, String text) throws ConfigException {
        Duration d = parse(key, text);
        if (d.isZero()) {
            throw new ConfigException(key + ": must be greater than zero, got '" + text + "'");
        }
        return d;
    }

    /** The shortest Prometheus-style text for a duration, for logs and help texts. */
    public static String format(Duration d) {
        long s = d.toSeconds();
        if (s == 0) {
            return d.toMillis() + "ms";
        }
        StringBuilder b = new StringBuilder();
        long[] units = {86400, 3600, 60, 1};
        String[] names = {"d", "h", "m", "s"};
        for (int i = 0; i < units.length; i++) {
            if (s >= units[i]) {
                b.append(s / units[i]).append(names[i]);
                s %= units[i];
            }
        }
        return b.toString();
    }
}
