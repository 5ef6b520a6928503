package io.github.exchangevss.source.xml;

import com.fasterxml.aalto.AsyncXMLStreamReader;
import io.github.exchangevss.event.EventData;
import io.github.exchangevss.event.EventRecord;
import java.io.Reader;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.xml.stream.Location;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.codehaus.stax2.XMLStreamReader2;

/**
 * Maps the XML of one event (the {@code <Event>} element Windows renders) to an {@link EventRecord}.
 * Elements are matched by local name, so the event namespace may be declared or not.
 */
final class EventXmlParser {
    /** ISO-8601 with 0 to 9 fractional digits; the offset is optional because SystemTime is UTC by definition. */
    private static final DateTimeFormatter SYSTEM_TIME = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .optionalStart().appendOffsetId().optionalEnd()
            .toFormatter();

    private EventXmlParser() {}

    static EventRecord parse(Reader xml) throws MalformedEventException {
        XMLStreamReader reader = null;
        try {
            reader = SafeXml.reader(xml);
            return readDocument(reader);
        } catch (XMLStreamException e) {
            Location at = e.getLocation();
            throw new MalformedEventException("not well-formed XML: " + parserMessage(e),
                    at == null ? -1 : at.getLineNumber(), at == null ? -1 : at.getColumnNumber(), e);
        } catch (RuntimeException e) {
            // The parser's own failures on odd input must cost one event, not the whole file.
            throw new MalformedEventException("XML parser failed: " + e, -1, -1, e);
        } finally {
            if (reader != null) {
                try {
                    reader.close();
                } catch (XMLStreamException ignored) {
                    // closing a reader over an in-memory string cannot lose anything
                }
            }
        }
    }

    /**
     * The parser's message without the location, which is reported separately: the JDK prefixes it with
     * "ParseError at [row,col]:[..] Message: ", Aalto appends "at [row,col ...]" on a line of its own.
     */
    static String parserMessage(XMLStreamException e) {
        String message = String.valueOf(e.getMessage());
        int start = message.indexOf("Message: ");
        if (start >= 0) {
            message = message.substring(start + "Message: ".length());
        }
        int locationLine = message.indexOf("\n at [");
        return (locationLine >= 0 ? message.substring(0, locationLine) : message).strip();
    }

    private static EventRecord readDocument(XMLStreamReader r) throws XMLStreamException, MalformedEventException {
        if (!nextChild(r)) {
            throw new MalformedEventException("no <Event> element");
        }
        EventRecord event = readEvent(r);
        // Reading on to the end makes the parser check that nothing but comments or whitespace follows.
        while (r.hasNext()) {
            r.next();
        }
        return event;
    }

    /**
     * Reads the element the reader is on, which must be an {@code <Event>}, up to its end tag and no further.
     * A reader fed only part of the input ({@link AsyncXMLStreamReader}) that runs out of it inside the event
     * makes the event malformed.
     */
    static EventRecord readEvent(XMLStreamReader r) throws XMLStreamException, MalformedEventException {
        if (!r.getLocalName().equals("Event")) {
            throw new MalformedEventException("root element is <" + r.getLocalName() + ">, expected <Event>");
        }
        Fields fields = new Fields();
        while (nextChild(r)) {
            switch (r.getLocalName()) {
                case "System" -> readSystem(r, fields);
                case "EventData" -> readEventData(r, fields);
                case "UserData" -> {
                    fields.userData = true;
                    skipElement(r);
                }
                case "RenderingInfo" -> readRenderingInfo(r, fields);
                default -> skipElement(r);
            }
        }
        return fields.toRecord();
    }

    private static void readSystem(XMLStreamReader r, Fields f) throws XMLStreamException, MalformedEventException {
        while (nextChild(r)) {
            switch (r.getLocalName()) {
                case "Provider" -> {
                    f.provider = attribute(r, "Name");
                    if (f.provider == null || f.provider.isEmpty()) {
                        f.provider = attribute(r, "EventSourceName");
                    }
                    skipElement(r);
                }
                case "EventID" -> {
                    Location at = endOfStartTag(r);
                    f.qualifiers = optionalInt("EventID/@Qualifiers", attribute(r, "Qualifiers"), 0, 0xFFFF, at);
                    f.eventId = number("EventID", text(r), 0, 0xFFFF_FFFFL, at);
                }
                case "Level" -> {
                    Location at = endOfStartTag(r);
                    f.level = optionalInt("Level", text(r), 0, 0xFF, at);
                }
                case "Task" -> {
                    Location at = endOfStartTag(r);
                    f.task = optionalInt("Task", text(r), 0, 0xFFFF, at);
                }
                case "TimeCreated" -> {
                    Location at = endOfStartTag(r);
                    String time = attribute(r, "SystemTime");
                    f.timeCreated = time == null ? null : parseSystemTime(time, at);
                    skipElement(r);
                }
                case "EventRecordID" -> {
                    Location at = endOfStartTag(r);
                    f.recordId = number("EventRecordID", text(r), 0, Long.MAX_VALUE, at);
                }
                case "Channel" -> f.channel = text(r);
                case "Computer" -> f.computer = text(r);
                default -> skipElement(r);
            }
        }
    }

    private static void readEventData(XMLStreamReader r, Fields f) throws XMLStreamException, MalformedEventException {
        while (nextChild(r)) {
            switch (r.getLocalName()) {
                case "Data" -> {
                    String name = attribute(r, "Name");
                    f.data.add(new EventData(name, text(r)));
                }
                case "Binary" -> {
                    Location at = endOfStartTag(r);
                    f.binary = hex(text(r), at);
                }
                default -> skipElement(r);
            }
        }
    }

    private static void readRenderingInfo(XMLStreamReader r, Fields f) throws XMLStreamException {
        while (nextChild(r)) {
            if (r.getLocalName().equals("Message")) {
                f.message = text(r);
            } else {
                skipElement(r);
            }
        }
    }

    /**
     * Moves to the next child element of the current element (true) or to the current element's end (false),
     * passing over text, comments and processing instructions.
     */
    private static boolean nextChild(XMLStreamReader r) throws XMLStreamException {
        while (r.hasNext()) {
            int event = next(r);
            if (event == XMLStreamConstants.START_ELEMENT) {
                return true;
            }
            if (event == XMLStreamConstants.END_ELEMENT || event == XMLStreamConstants.END_DOCUMENT) {
                return false;
            }
        }
        return false;
    }

    /**
     * The text of the current element and its descendants; leaves the reader on the element's end tag. Text
     * in one piece, as it mostly is, is returned as the parser made it, without copying it again.
     */
    private static String text(XMLStreamReader r) throws XMLStreamException {
        String first = null;
        StringBuilder joined = null;
        int depth = 1;
        while (depth > 0) {
            switch (next(r)) {
                case XMLStreamConstants.START_ELEMENT -> depth++;
                case XMLStreamConstants.END_ELEMENT -> depth--;
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                    if (first == null) {
                        first = r.getText();
                    } else {
                        if (joined == null) {
                            joined = new StringBuilder(first);
                        }
                        joined.append(r.getText());
                    }
                }
                default -> { }
            }
        }
        return joined != null ? joined.toString() : first != null ? first : "";
    }

    private static void skipElement(XMLStreamReader r) throws XMLStreamException {
        int depth = 1;
        while (depth > 0) {
            int event = next(r);
            if (event == XMLStreamConstants.START_ELEMENT) {
                depth++;
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                depth--;
            }
        }
    }

    /**
     * The next token; input that ends before the event does, and a reference to an entity no DTD declared, are
     * errors like any other well-formedness error.
     */
    private static int next(XMLStreamReader r) throws XMLStreamException {
        int event = r.next();
        if (event == AsyncXMLStreamReader.EVENT_INCOMPLETE) {
            throw new XMLStreamException("the event ends inside an element, a comment or a CDATA section",
                    r.getLocation());
        }
        if (event == XMLStreamConstants.ENTITY_REFERENCE) {
            // Only the five predefined entities exist without a DTD; a parser that reports others unexpanded
            // would otherwise turn them into silently empty values.
            throw new XMLStreamException("undeclared entity '&" + r.getLocalName() + ";' (DTDs are not read)",
                    r.getLocation());
        }
        return event;
    }

    /** Where a value starts: just after its element's start tag, as the JDK's reader reports it for START_ELEMENT. */
    private static Location endOfStartTag(XMLStreamReader r) throws XMLStreamException {
        return r instanceof XMLStreamReader2 r2 ? r2.getLocationInfo().getEndLocation() : r.getLocation();
    }

    private static String attribute(XMLStreamReader r, String localName) {
        for (int i = 0; i < r.getAttributeCount(); i++) {
            if (r.getAttributeLocalName(i).equals(localName)) {
                return r.getAttributeValue(i);
            }
        }
        return null;
    }

    /** Absent or empty means absent; anything else must be a decimal number in range. */
    private static Integer optionalInt(String field, String value, int min, int max, Location at)
            throws MalformedEventException {
        return value == null || value.isBlank() ? null : (int) number(field, value, min, max, at);
    }

    private static long number(String field, String value, long min, long max, Location at)
            throws MalformedEventException {
        long number;
        try {
            number = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw malformed(field + " '" + value.strip() + "' is not a decimal number", at);
        }
        if (number < min || number > max) {
            throw malformed(field + " '" + value.strip() + "' is out of range " + min + ".." + max, at);
        }
        return number;
    }

    private static byte[] hex(String text, Location at) throws MalformedEventException {
        String digits = text.replaceAll("\\s+", "");
        try {
            return HexFormat.of().parseHex(digits);
        } catch (IllegalArgumentException e) {
            String shown = digits.length() > 40 ? digits.substring(0, 40) + "..." : digits;
            throw malformed("Binary '" + shown + "' is not hex text: " + e.getMessage(), at);
        }
    }

    private static MalformedEventException malformed(String message, Location at) {
        return new MalformedEventException(message, at.getLineNumber(), at.getColumnNumber(), null);
    }

    private static Instant parseSystemTime(String value, Location at) throws MalformedEventException {
        try {
            String text = value.strip();
            Instant instant = windowsSystemTime(text);
            if (instant == null) {
                TemporalAccessor parsed = SYSTEM_TIME.parseBest(text, OffsetDateTime::from, LocalDateTime::from);
                instant = parsed instanceof OffsetDateTime odt
                        ? odt.toInstant()
                        : ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC);
            }
            // FILETIME has 100 ns ticks: finer digits (always zero in Windows output) are dropped.
            return instant.minusNanos(instant.getNano() % 100);
        } catch (DateTimeException e) {
            throw malformed("TimeCreated/@SystemTime '" + value + "' is not an ISO-8601 time", at);
        }
    }

    /**
     * The shape Windows always writes ({@code 2024-03-06T01:10:00.1234567Z}, 0 to 9 fraction digits) read
     * directly, or null for anything else: the general formatter costs more than the rest of the event.
     */
    private static Instant windowsSystemTime(String t) {
        int length = t.length();
        int fractionDigits = length - 21;
        if (length < 20 || t.charAt(length - 1) != 'Z' || t.charAt(4) != '-' || t.charAt(7) != '-'
                || t.charAt(10) != 'T' || t.charAt(13) != ':' || t.charAt(16) != ':'
                || (length > 20 && (t.charAt(19) != '.' || fractionDigits < 1 || fractionDigits > 9))) {
            return null;
        }
        int year = digits(t, 0, 4);
        int month = digits(t, 5, 7);
        int day = digits(t, 8, 10);
        int hour = digits(t, 11, 13);
        int minute = digits(t, 14, 16);
        int second = digits(t, 17, 19);
        int fraction = length > 20 ? digits(t, 20, length - 1) : 0;
        if ((year | month | day | hour | minute | second | fraction) < 0) {
            return null;
        }
        int nanos = fraction;
        for (int i = Math.max(fractionDigits, 0); i < 9; i++) {
            nanos *= 10;
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** The decimal number in {@code t[from, to)}, or -1 when a character there is not an ASCII digit. */
    private static int digits(String t, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /** The raw values as read; checked and converted once the whole event is known. */
    private static final class Fields {
        String provider;
        Long eventId;
        Integer qualifiers;
        Integer level;
        Integer task;
        Instant timeCreated;
        Long recordId;
        String channel;
        String computer;
        final List<EventData> data = new ArrayList<>();
        boolean userData;
        byte[] binary;
        String message;

        EventRecord toRecord() throws MalformedEventException {
            if (eventId == null) {
                throw new MalformedEventException("System/EventID is missing");
            }
            if (timeCreated == null) {
                throw new MalformedEventException("System/TimeCreated/@SystemTime is missing");
            }
            if (recordId == null) {
                throw new MalformedEventException("System/EventRecordID is missing");
            }
            // A full legacy event ID (qualifiers in the high word) written without the Qualifiers attribute.
            Integer effectiveQualifiers = qualifiers == null && eventId > 0xFFFF
                    ? Integer.valueOf((int) (eventId >>> 16)) : qualifiers;
            return EventRecord.builder()
                    .provider(provider)
                    .eventId((int) (eventId & 0xFFFF))
                    .qualifiers(effectiveQualifiers)
                    .level(level)
                    .task(task)
                    .timeCreated(timeCreated)
                    .recordId(recordId)
                    .channel(channel == null ? null : channel.strip())
                    .computer(computer == null ? null : computer.strip())
                    .data(userData ? List.of() : data)
                    .userData(userData)
                    .binary(binary)
                    .message(message)
                    .build();
        }
    }
}
