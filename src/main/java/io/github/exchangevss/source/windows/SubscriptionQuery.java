package io.github.exchangevss.source.windows;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What one subscription selects: the events of one channel matching any of the XPath queries, optionally
 * only those not older than {@code lookback}.
 *
 * <p>The time limit goes into a {@code <Suppress>} element of a structured query rather than into the
 * user's XPath, so any query the user writes keeps its meaning and nothing has to rewrite it.
 */
public record SubscriptionQuery(String channel, List<String> xpaths, Duration lookback) {
    public SubscriptionQuery {
        Objects.requireNonNull(channel, "channel");
        xpaths = List.copyOf(xpaths);
        if (xpaths.isEmpty()) {
            throw new IllegalArgumentException("at least one XPath query is needed");
        }
    }

    /** The structured XML query (QueryList) EvtSubscribe takes when its channel path argument is null. */
    public String toXml() {
        StringBuilder xml = new StringBuilder("<QueryList><Query Id=\"0\" Path=\"").append(escape(channel)).append("\">");
        for (String xpath : xpaths) {
            xml.append("<Select Path=\"").append(escape(channel)).append("\">").append(escape(xpath)).append("</Select>");
        }
        if (lookback != null) {
            xml.append("<Suppress Path=\"").append(escape(channel)).append("\">")
                    .append(escape("*[System[TimeCreated[timediff(@SystemTime) > " + lookback.toMillis() + "]]]"))
                    .append("</Suppress>");
        }
        return xml.append("</Query></QueryList>").toString();
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
