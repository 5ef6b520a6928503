package io.github.exchangevss.source.xml;

import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.source.SourceError;
import io.github.exchangevss.source.file.EventFileReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads exported event XML in every shape Windows writes: {@code wevtutil qe /f:xml} and {@code /f:RenderedXml}
 * (a rootless sequence of {@code <Event>} elements), PowerShell's {@code ToXml()} lines, and Event Viewer's
 * "Save as XML" ({@code <Events>} root, often UTF-16).
 *
 * <p>The raw stream is cut into single events by a small scanner that only looks for {@code <Event} and
 * {@code </Event>} tags, and each event is handed to the file's one streaming parser ({@link EventStreamParser}).
 * So a file needs no root element, memory stays bounded by one event ({@link #MAX_EVENT_BYTES}), and a broken
 * event costs only itself: it is reported as
 * {@code malformed_event} with its {@code file:line:column} and reading goes on with the next one. Everything
 * outside {@code <Event>} elements (declaration, DOCTYPE, root tags) is passed over unparsed, so no DTD is
 * ever read.
 *
 * <p>The encoding comes from a byte order mark, the zero bytes of BOM-less UTF-16, or the XML declaration,
 * in that order; UTF-8 otherwise. A declared encoding that cannot be read is an {@link IOException} of the file.
 */
public final class XmlEventReader implements EventFileReader {
    /** Events bigger than this are reported and skipped: Windows events are a few KiB at most. */
    public static final int MAX_EVENT_BYTES = 1 << 20;

    private static final int BUFFER_BYTES = 64 * 1024;
    private static final int MAX_TAG_NAME = 64;
    private static final String EVENT = "Event";
    private static final Pattern DECLARED_ENCODING = Pattern.compile("^<\\?xml[^>]*?encoding\\s*=\\s*[\"']([A-Za-z0-9._-]+)[\"']");

    /**
     * Where reading can resume: just after the last event that was fully read (delivered or reported).
     * {@code line} and {@code column} are 1-based and only serve error locations after a resume.
     */
    public record Position(long offset, long line, long column, String charset) {
        public Position {
            Objects.requireNonNull(charset, "charset");
            if (offset < 0 || line < 1 || column < 1) {
                throw new IllegalArgumentException("bad position: offset " + offset + ", line " + line + ", column " + column);
            }
            if (!Charset.isSupported(charset)) {
                throw new IllegalArgumentException("unsupported charset in position: " + charset);
            }
        }
    }

    private final InputStream in;
    private final String location;
    private final EventStreamParser parser = new EventStreamParser();
    private final Consumer<SourceError> errors;
    private final boolean growing;
    private final Charset charset;
    /** Bytes per code unit: 2 for UTF-16, 1 for UTF-8 and the single-byte charsets. */
    private final int width;
    /** Whether the scanner's bytes go to the parser as they are, or are converted to UTF-8 first. */
    private final boolean utf8;
    private final boolean bigEndian;

    private final byte[] buffer = new byte[BUFFER_BYTES];
    private int bufferPos;
    private int bufferLimit;
    private boolean endOfInput;

    /** Offset, line and column of the next unit to read. */
    private long offset;
    private long line;
    private long column;

    /** The raw bytes of the event being cut out, or of the tag being looked at. */
    private byte[] chunk = new byte[8 * 1024];
    private int chunkLength;
    private boolean recording;
    /** The tag name being read: its length, the length of its local part, and whether that is a prefix of "Event". */
    private int nameLength;
    private int localLength;
    private boolean localIsEvent;

    private Position position;

    /**
     * Reads a whole stream from its start, detecting the encoding.
     *
     * @param location the file name used in error locations
     */
    public XmlEventReader(InputStream in, String location, Consumer<SourceError> errors) throws IOException {
        this(in, location, errors, null, false);
    }

    /**
     * @param in      the stream, positioned at {@code from.offset()} when {@code from} is given, else at its start
     * @param from    where an earlier reader stopped ({@link #position()}), or null to start at the beginning
     * @param growing the file may still be written: an unfinished last event is not an error but is left for
     *                the next read, which resumes at {@link #position()}
     */
    public XmlEventReader(InputStream in, String location, Consumer<SourceError> errors, Position from, boolean growing)
            throws IOException {
        this.in = Objects.requireNonNull(in, "in");
        this.location = Objects.requireNonNull(location, "location");
        this.errors = Objects.requireNonNull(errors, "errors");
        this.growing = growing;
        if (from == null) {
            offset = 0;
            line = 1;
            column = 1;
            charset = detectCharset();
        } else {
            offset = from.offset();
            line = from.line();
            column = from.column();
            charset = Charset.forName(from.charset());
        }
        width = isUtf16(charset) ? 2 : 1;
        utf8 = charset.equals(StandardCharsets.UTF_8);
        bigEndian = charset.equals(StandardCharsets.UTF_16BE);
        position = new Position(offset, line, column, charset.name());
    }

    /**
     * Parses the XML of one event as EvtRender(EvtRenderEventXml) returns it.
     *
     * @throws MalformedEventException naming what is wrong, with the line and column inside {@code xml} when known
     */
    public static EventRecord parseEvent(String xml) throws MalformedEventException {
        return EventXmlParser.parse(new StringReader(Objects.requireNonNull(xml, "xml")));
    }

    /** Where reading can resume later without reading any event twice. */
    public Position position() {
        return position;
    }

    @Override
    public EventRecord next() throws IOException {
        EventStart start;
        while ((start = cutNextEvent()) != null) {
            try {
                EventRecord event;
                if (utf8) {
                    event = parser.parse(chunk, chunkLength);
                } else {
                    byte[] converted = new String(chunk, 0, chunkLength, charset).getBytes(StandardCharsets.UTF_8);
                    event = parser.parse(converted, converted.length);
                }
                position = here();
                return event;
            } catch (MalformedEventException e) {
                position = here();
                report(start, e.line(), e.column(), e.getMessage());
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private Position here() {
        return new Position(offset, line, column, charset.name());
    }

    private record EventStart(long line, long column) {}

    /**
     * Scans to the next complete {@code <Event ...>...</Event>} and leaves its bytes in {@link #chunk}.
     * Unclosed and oversized events met on the way are reported and skipped. Null at the end of input.
     */
    private EventStart cutNextEvent() throws IOException {
        EventStart current = null;
        boolean oversized = false;
        recording = false;
        chunkLength = 0;
        int unit = readUnit();
        while (unit >= 0) {
            if (current != null && !oversized && chunkLength > MAX_EVENT_BYTES) {
                report(current, -1, -1, "event is larger than " + MAX_EVENT_BYTES + " bytes; skipped");
                // Resuming here passes over the rest of it: text outside events is ignored.
                position = here();
                oversized = true;
                recording = false;
                chunkLength = 0;
            }
            if (unit != '<') {
                unit = readUntilTagOpen();
                continue;
            }
            // '<' is never a line end, so it was on this line, one column back.
            long tagLine = line;
            long tagColumn = column - 1;
            long tagOffset = offset - width;
            int tagStartInChunk = chunkLength - width;
            if (!recording) {
                // Outside an event only the tag itself is kept, in case it opens one.
                chunkLength = 0;
                appendUnit('<');
                tagStartInChunk = 0;
            }
            boolean wasRecording = recording;
            recording = true;
            boolean endTag = false;
            unit = readUnit();
            if (unit == '/') {
                endTag = true;
                unit = readUnit();
            }
            unit = readTagName(unit);
            boolean eventTag = unit >= 0 && !isNameChar(unit) && nameIsEvent();
            if (eventTag && !endTag) {
                if (current != null && !oversized) {
                    report(current, -1, -1, "no </Event> before the next <Event>; skipped");
                }
                if (current != null) {
                    // Anything before this tag belongs to the broken event: resuming may start here.
                    position = new Position(tagOffset, tagLine, tagColumn, charset.name());
                }
                System.arraycopy(chunk, tagStartInChunk, chunk, 0, chunkLength - tagStartInChunk);
                chunkLength -= tagStartInChunk;
                current = new EventStart(tagLine, tagColumn);
                oversized = false;
                continue;
            }
            if (eventTag && current != null) {
                while (unit >= 0 && unit != '>') {
                    unit = readUnit();
                }
                if (unit < 0) {
                    break;
                }
                if (!oversized) {
                    recording = false;
                    return current;
                }
                position = here();
                current = null;
                oversized = false;
                recording = false;
                chunkLength = 0;
                unit = readUnit();
                continue;
            }
            recording = wasRecording && !oversized;
            if (!recording) {
                chunkLength = 0;
            }
            // The unit that ended the name is looked at again: it may be the '<' of the next tag.
        }
        recording = false;
        if (current != null && !oversized && !growing) {
            report(current, -1, -1, "no </Event> before the end of the file; skipped");
        }
        return null;
    }

    private void report(EventStart start, int lineInEvent, int columnInEvent, String message) {
        long reportedLine = start.line();
        long reportedColumn = start.column();
        if (lineInEvent > 0) {
            reportedColumn = lineInEvent == 1 ? start.column() + Math.max(columnInEvent, 1) - 1 : columnInEvent;
            reportedLine = start.line() + lineInEvent - 1;
        }
        errors.accept(new SourceError("malformed_event", location + ":" + reportedLine + ":" + reportedColumn, message));
    }

    private static boolean isNameChar(int unit) {
        return (unit >= 'a' && unit <= 'z') || (unit >= 'A' && unit <= 'Z') || (unit >= '0' && unit <= '9')
                || unit == ':' || unit == '_' || unit == '-' || unit == '.' || unit >= 0x80;
    }

    /**
     * The next code unit (a byte, or a UTF-16 char), or -1 at the end of input. Its bytes are appended to the
     * chunk while recording. Only ASCII values matter to the scanner; UTF-8 never uses them inside a
     * multi-byte sequence, so comparing units with ASCII characters is exact.
     */
    private int readUnit() throws IOException {
        if (bufferLimit - bufferPos < width && !fill()) {
            return -1;
        }
        int unit;
        if (width == 1) {
            unit = buffer[bufferPos] & 0xFF;
        } else {
            int first = buffer[bufferPos] & 0xFF;
            int second = buffer[bufferPos + 1] & 0xFF;
            unit = bigEndian ? (first << 8) | second : (second << 8) | first;
        }
        if (recording) {
            if (width == 1 && chunkLength < chunk.length) {
                chunk[chunkLength++] = buffer[bufferPos];
            } else {
                appendBytes(buffer, bufferPos, width);
            }
        }
        bufferPos += width;
        offset += width;
        if (unit == '\n') {
            line++;
            column = 1;
        } else if (!isContinuation(unit)) {
            column++;
        }
        return unit;
    }

    /**
     * Reads a tag's name starting with {@code unit} (already read) and returns the unit after it; {@link
     * #nameIsEvent} then tells whether its local name is {@code Event}. The name is matched as it is read, without
     * building it: this runs for every tag of the file, so for one-byte units it reads from the buffer directly.
     */
    private int readTagName(int unit) throws IOException {
        nameLength = 0;
        localLength = 0;
        localIsEvent = true;
        while (unit >= 0 && isNameChar(unit) && nameLength <= MAX_TAG_NAME) {
            matchNameChar(unit);
            if (width == 1) {
                int i = bufferPos;
                long columns = 0;
                while (i < bufferLimit && nameLength <= MAX_TAG_NAME && isNameChar(buffer[i] & 0xFF)) {
                    int b = buffer[i++] & 0xFF;
                    matchNameChar(b);
                    // Name characters are never line ends.
                    if (!utf8 || (b & 0xC0) != 0x80) {
                        columns++;
                    }
                }
                int passed = i - bufferPos;
                if (recording) {
                    appendBytes(buffer, bufferPos, passed);
                }
                bufferPos = i;
                offset += passed;
                column += columns;
            }
            unit = readUnit();
        }
        return unit;
    }

    private void matchNameChar(int unit) {
        if (unit == ':') {
            localLength = 0;
            localIsEvent = true;
        } else {
            localIsEvent &= localLength < EVENT.length() && EVENT.charAt(localLength) == unit;
            localLength++;
        }
        nameLength++;
    }

    private boolean nameIsEvent() {
        return localIsEvent && localLength == EVENT.length();
    }

    /**
     * Reads on up to and including the next {@code '<'} (returned), or to the end of input (-1), like
     * {@link #readUnit} in a loop. Most of a file is text between tags, so for one-byte units this scans the
     * buffer directly and records what it passed in one copy.
     */
    private int readUntilTagOpen() throws IOException {
        if (width != 1) {
            int unit;
            do {
                unit = readUnit();
            } while (unit >= 0 && unit != '<');
            return unit;
        }
        while (bufferPos < bufferLimit || fill()) {
            byte[] bytes = buffer;
            int start = bufferPos;
            int end = bufferLimit;
            long lineHere = line;
            long columnHere = column;
            int i = start;
            while (i < end && bytes[i] != '<') {
                byte b = bytes[i++];
                if (b == '\n') {
                    lineHere++;
                    columnHere = 1;
                } else if (!utf8 || (b & 0xC0) != 0x80) {
                    columnHere++;
                }
            }
            boolean found = i < end;
            int passed = (found ? i + 1 : i) - start;
            if (recording) {
                appendBytes(bytes, start, passed);
            }
            bufferPos = start + passed;
            offset += passed;
            line = lineHere;
            column = found ? columnHere + 1 : columnHere;
            if (found) {
                return '<';
            }
        }
        return -1;
    }

    /** A unit that does not start a character: a UTF-8 continuation byte or a UTF-16 low surrogate. */
    private boolean isContinuation(int unit) {
        return width == 1 ? utf8 && (unit & 0xC0) == 0x80 : unit >= 0xDC00 && unit <= 0xDFFF;
    }

    private void appendUnit(char ascii) {
        if (width == 1) {
            appendBytes(new byte[] {(byte) ascii}, 0, 1);
        } else {
            byte[] unit = bigEndian ? new byte[] {0, (byte) ascii} : new byte[] {(byte) ascii, 0};
            appendBytes(unit, 0, 2);
        }
    }

    private void appendBytes(byte[] source, int from, int length) {
        if (chunkLength + length > chunk.length) {
            chunk = Arrays.copyOf(chunk, Math.max(chunk.length * 2, chunkLength + length));
        }
        System.arraycopy(source, from, chunk, chunkLength, length);
        chunkLength += length;
    }

    /** Makes at least one whole unit available; false at the end of input (a trailing half unit is ignored). */
    private boolean fill() throws IOException {
        int remaining = bufferLimit - bufferPos;
        System.arraycopy(buffer, bufferPos, buffer, 0, remaining);
        bufferPos = 0;
        bufferLimit = remaining;
        while (!endOfInput && bufferLimit < width) {
            int read = in.read(buffer, bufferLimit, buffer.length - bufferLimit);
            if (read < 0) {
                endOfInput = true;
            } else {
                bufferLimit += read;
            }
        }
        return bufferLimit >= width;
    }

    /** Looks at the first bytes; a byte order mark is consumed (and counted in offsets). */
    private Charset detectCharset() throws IOException {
        while (!endOfInput && bufferLimit < 256) {
            int read = in.read(buffer, bufferLimit, 256 - bufferLimit);
            if (read < 0) {
                endOfInput = true;
            } else {
                bufferLimit += read;
            }
        }
        int b0 = bufferLimit > 0 ? buffer[0] & 0xFF : -1;
        int b1 = bufferLimit > 1 ? buffer[1] & 0xFF : -1;
        int b2 = bufferLimit > 2 ? buffer[2] & 0xFF : -1;
        if (b0 == 0xEF && b1 == 0xBB && b2 == 0xBF) {
            skipBom(3);
            return StandardCharsets.UTF_8;
        }
        if (b0 == 0xFF && b1 == 0xFE) {
            skipBom(2);
            return StandardCharsets.UTF_16LE;
        }
        if (b0 == 0xFE && b1 == 0xFF) {
            skipBom(2);
            return StandardCharsets.UTF_16BE;
        }
        if (b0 == '<' && b1 == 0) {
            return StandardCharsets.UTF_16LE;
        }
        if (b0 == 0 && b1 == '<') {
            return StandardCharsets.UTF_16BE;
        }
        return declaredCharset();
    }

    private void skipBom(int length) {
        bufferPos = length;
        offset = length;
    }

    /**
     * The encoding named by the XML declaration, when it keeps ASCII as is (UTF-8, Latin-1, windows-1252...);
     * UTF-8, the default of XML, without one. A declaration that says UTF-16 over bytes that are plainly not
     * UTF-16 is a common mislabel: UTF-8 then.
     *
     * @throws UnsupportedEncodingException when the declared encoding is unknown here, can only be decoded
     *                                      (so cannot be checked), or does not write the markup as ASCII: the
     *                                      file cannot be read correctly
     */
    private Charset declaredCharset() throws UnsupportedEncodingException {
        String head = new String(buffer, bufferPos, bufferLimit - bufferPos, StandardCharsets.ISO_8859_1);
        Matcher matcher = DECLARED_ENCODING.matcher(head);
        if (!matcher.find()) {
            return StandardCharsets.UTF_8;
        }
        String name = matcher.group(1);
        Charset declared;
        try {
            declared = Charset.forName(name);
        } catch (IllegalArgumentException unknownOrUnsupported) {
            throw new UnsupportedEncodingException("the XML declaration names encoding '" + name
                    + "', which this Java runtime does not support");
        }
        if (declared.equals(StandardCharsets.UTF_16) || isUtf16(declared)) {
            return StandardCharsets.UTF_8;
        }
        String probe = "<Event></Event>";
        if (!declared.canEncode()
                || !Arrays.equals(probe.getBytes(declared), probe.getBytes(StandardCharsets.US_ASCII))) {
            throw new UnsupportedEncodingException("the XML declaration names encoding '" + name
                    + "', which does not match the file's bytes (markup in ASCII); export the events as UTF-8 or UTF-16");
        }
        return declared;
    }

    private static boolean isUtf16(Charset charset) {
        return charset.equals(StandardCharsets.UTF_16LE) || charset.equals(StandardCharsets.UTF_16BE);
    }
}
