package io.github.exchangevss.http;

import io.github.exchangevss.metrics.BuildInfo;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** What the exporter's HTML pages share: escaping, times with their age, the page frame and its style. */
final class Html {
    static final int REFRESH_SECONDS = 15;
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    private static final String STYLE = """
            body{font-family:system-ui,sans-serif;margin:1em;color:#222}
            h1{font-size:1.4em}h2{font-size:1.2em;margin-top:1.5em}
            .summary{display:flex;flex-wrap:wrap;gap:.6em;padding:0;list-style:none}
            .summary li{border:1px solid #ccc;border-radius:6px;padding:.4em .9em}.summary b{font-size:1.3em}
            .state{display:inline-block;padding:.1em .5em;border-radius:4px;font-weight:bold;color:#fff;white-space:nowrap}
            .ok{background:#2e7d32}.running{background:#ef6c00}.stuck{background:#c62828}.replication{background:#546e7a;white-space:normal}
            .warning{border-left:4px solid #c62828;background:#fdecea;padding:.4em .8em}
            table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ddd;padding:.2em .6em;text-align:left;vertical-align:top}
            th{background:#f4f4f4}td.num{text-align:right}td time{white-space:nowrap}.age{color:#555;white-space:nowrap}
            td .age{display:block}td.method{min-width:14em}caption{text-align:left}
            tr.setter td{background:#fff4e5}footer,.note{color:#666;font-size:.9em}footer{margin-top:2em}
            """;

    private Html() {}

    /** How a page keeps itself current. */
    enum Reload {
        NEVER,
        /** The browser reloads the page every {@link #REFRESH_SECONDS}. */
        ALWAYS,
        /** The page's own script reloads it (and may wait); with scripts off the browser does. */
        BY_SCRIPT
    }

    /** The start of a page up to and including {@code <body>}. */
    static StringBuilder open(String title, Reload reload) {
        StringBuilder html = new StringBuilder(16384);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width\">");
        String refresh = "<meta http-equiv=\"refresh\" content=\"" + REFRESH_SECONDS + "\">";
        switch (reload) {
            case ALWAYS -> html.append(refresh);
            case BY_SCRIPT -> html.append("<noscript>").append(refresh).append("</noscript>");
            case NEVER -> { }
        }
        return html.append("<title>").append(escape(title)).append("</title><style>").append(STYLE)
                .append("</style></head><body>\n");
    }

    static String close(StringBuilder html, BuildInfo buildInfo) {
        return html.append("<footer>exchange-vss-exporter ").append(escape(buildInfo.version())).append(" (revision ")
                .append(escape(buildInfo.revision())).append(")</footer>\n</body></html>\n").toString();
    }

    /** The path of a computer's page; the name is percent-encoded so that any name makes one path segment. */
    static String computerPath(String computer) {
        return "/computer/" + URLEncoder.encode(computer, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String time(Instant instant) {
        return TIME.format(instant);
    }

    /** A UTC time and beside it how long ago it was at {@code now}; {@code none} when there is no time. */
    static String timeAndAge(Instant instant, Instant now, String none) {
        if (instant == null) {
            return none;
        }
        return "<time datetime=\"" + instant + "\">" + time(instant) + "</time> <span class=\"age\">"
                + ago(instant, now) + "</span>";
    }

    /** "3 h 12 min ago"; a time after {@code now} (a server clock ahead) reads "in 2 min". */
    static String ago(Instant instant, Instant now) {
        Duration elapsed = Duration.between(instant, now);
        return elapsed.isNegative() ? "in " + length(elapsed.negated()) : length(elapsed) + " ago";
    }

    /** A length in its two largest units: "45 s", "12 min", "3 h 12 min", "7 d 3 h". */
    static String length(Duration duration) {
        if (duration.toDays() > 0) {
            return duration.toDays() + " d " + duration.toHoursPart() + " h";
        }
        if (duration.toHours() > 0) {
            return duration.toHours() + " h " + duration.toMinutesPart() + " min";
        }
        if (duration.toMinutes() > 0) {
            return duration.toMinutes() + " min";
        }
        return duration.toSeconds() + " s";
    }

    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder escaped = null;
        for (int i = 0; i < text.length(); i++) {
            String replacement = switch (text.charAt(i)) {
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '&' -> "&amp;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                default -> null;
            };
            if (replacement != null && escaped == null) {
                escaped = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (escaped != null) {
                if (replacement != null) {
                    escaped.append(replacement);
                } else {
                    escaped.append(text.charAt(i));
                }
            }
        }
        return escaped == null ? text : escaped.toString();
    }
}
