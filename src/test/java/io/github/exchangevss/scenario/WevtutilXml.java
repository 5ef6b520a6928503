package io.github.exchangevss.scenario;

import io.github.exchangevss.event.EventData;
import io.github.exchangevss.event.EventRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes events the way {@code wevtutil qe Application /f:xml} prints them: one {@code <Event>} per line, no root
 * element and no XML declaration, single-quoted attributes, seven-digit fractions of a second, binary data as
 * uppercase hex in {@code <EventData><Binary>}.
 */
public final class WevtutilXml {
    private static final DateTimeFormatter SYSTEM_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'").withZone(ZoneOffset.UTC);

    private WevtutilXml() {}

    public static String render(List<EventRecord> events) {
        StringBuilder b = new StringBuilder();
        events.forEach(e -> b.append(render(e)).append("\r\n"));
        return b.toString();
    }

    public static String render(EventRecord e) {
        StringBuilder b = new StringBuilder("<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>");
        b.append("<Provider Name='").append(escape(e.provider())).append("'/>");
        b.append("<EventID");
        if (e.qualifiers() != null) {
            b.append(" Qualifiers='").append(e.qualifiers()).append('\'');
        }
        b.append('>').append(e.eventId()).append("</EventID>");
        b.append("<Level>").append(e.level() == null ? 0 : e.level()).append("</Level>");
        b.append("<Task>").append(e.task() == null ? 0 : e.task()).append("</Task>");
        b.append("<Keywords>0x80000000000000</Keywords>");
        b.append("<TimeCreated SystemTime='").append(SYSTEM_TIME.format(e.timeCreated())).append("'/>");
        b.append("<EventRecordID>").append(e.recordId()).append("</EventRecordID>");
        b.append("<Channel>").append(escape(e.channel())).append("</Channel>");
        b.append("<Computer>").append(escape(e.computer())).append("</Computer>");
        b.append("<Security/></System>");
        if (e.data().isEmpty() && !e.hasBinary()) {
            b.append("<EventData/>");
        } else {
            b.append("<EventData>");
            for (EventData d : e.data()) {
                b.append(d.name() == null ? "<Data>" : "<Data Name='" + escape(d.name()) + "'>")
                        .append(escape(d.value())).append("</Data>");
            }
            if (e.hasBinary()) {
                b.append("<Binary>").append(HexFormat.of().withUpperCase().formatHex(e.binary())).append("</Binary>");
            }
            b.append("</EventData>");
        }
        return b.append("</Event>").toString();
    }

    public static Path write(Path file, List<EventRecord> events) throws IOException {
        return Files.writeString(file, render(events), StandardCharsets.UTF_8);
    }

    /** Appends, as wevtutil run again with a later query would, for tests that follow a growing file. */
    public static void append(Path file, List<EventRecord> events) throws IOException {
        Files.writeString(file, render(events), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;");
    }
}
