package io.github.exchangevss.source.xml;

import com.fasterxml.aalto.AsyncByteArrayFeeder;
import com.fasterxml.aalto.AsyncXMLStreamReader;
import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.source.SourceError;
import io.github.exchangevss.source.file.EventFileReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.io.UnsupportedEncodingException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.util.StreamReaderDelegate;

/**
 * Reads exported event XML in every shape Windows writes: {@code wevtutil qe /f:xml} and {@code /f:RenderedXml}
 * (a rootless sequence of {@code <Event>} elements), PowerShell's {@code ToXml()} lines, and Event Viewer's
 * "Save as XML" ({@code <Events>} root, often UTF-16).
 *
 * <p>A UTF-8 file's bytes go straight to one continuous non-blocking parser while its events are plain
 * ({@link DirectParse}). Anything else (a damaged or unusual event, text that is not between events, UTF-16 and
 * single-byte files) goes to a small scanner that only looks for {@code <Event} and {@code </Event>} tags, cuts
 * the event out and hands it to the file's parser for single events ({@link EventStreamParser}). So a file needs
 * no root element, memory stays bounded by one event ({@link #MAX_EVENT_BYTES}), and a broken event costs only
 * itself: it is reported as {@code malformed_event} with its {@code file:line:column} and reading goes on with
 * the next one. Everything outside {@code <Event>} elements (declaration, DOCTYPE, root tags) is passed over, so
 * no DTD is ever read.
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
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long LOW_7_BITS = 0x7F7F7F7F7F7F7F7FL;
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
    private final DirectParse directParse = new DirectParse();
    private final Consumer<SourceError> errors;
    private final boolean growing;
    private final Charset charset;
    /** Bytes per code unit: 2 for UTF-16, 1 for UTF-8 and the single-byte charsets. */
    private final int width;
    /** Whether the scanner's bytes go to the parser as they are, or are converted to UTF-8 first. */
    private final boolean utf8;
    /** Whether plain events go straight to the continuous parser ({@link DirectParse}): UTF-8 files. */
    private boolean direct;
    private final boolean bigEndian;

    /** Grows (up to about twice {@link #MAX_EVENT_BYTES}) only while the fast way holds a large event. */
    private byte[] buffer = new byte[BUFFER_BYTES];
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
        direct = utf8;
        bigEndian = charset.equals(StandardCharsets.UTF_16BE);
        position = new Position(offset, line, column, charset.name());
    }

    /** A reader that cuts every event with the scanner: what the fast way must read alike, for tests. */
    static XmlEventReader scannerOnly(InputStream in, String location, Consumer<SourceError> errors) throws IOException {
        XmlEventReader reader = new XmlEventReader(in, location, errors);
        reader.direct = false;
        return reader;
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
        while (true) {
            if (direct) {
                EventRecord event = directParse.next();
                if (event != null) {
                    return event;
                }
            }
            // The scanner takes the next event: an unusual one, a damaged one, or the end of the input.
            EventStart start = cutNextEvent();
            if (start == null) {
                return null;
            }
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
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /**
     * The fast way through a UTF-8 file: its bytes go straight to one continuous non-blocking parser, with no
     * scanner in front. It takes only plain events, whose bytes the scanner would cut and parse exactly alike:
     * nothing but text between them, no comment, CDATA section, processing instruction or nested {@code <Event>}
     * inside, well-formed, complete and valid, at most {@link #MAX_EVENT_BYTES} from the previous event's end.
     * At anything else it gives up without consuming a byte (the buffer keeps everything from the last event's
     * end), and the scanner reads the next event as it always has; the following one is tried here again.
     */
    private final class DirectParse {
        private AsyncXMLStreamReader<AsyncByteArrayFeeder> stream;
        private final PlainEvents plain = new PlainEvents();
        /** Bytes fed to {@link #stream} before its current input (the parser counts offsets from its first byte). */
        private long fedBefore;
        private int fedLength;

        /** The next event, or null when the scanner must take over at the current position. */
        EventRecord next() throws IOException {
            try {
                if (stream == null) {
                    open();
                }
                int token;
                while ((token = plain.next()) != XMLStreamConstants.START_ELEMENT) {
                    if (token != XMLStreamConstants.CHARACTERS && token != XMLStreamConstants.SPACE) {
                        return giveUp();
                    }
                }
                if (stream.isEmptyElement()) {
                    return giveUp();
                }
                EventRecord event = EventXmlParser.readEvent(plain);
                long end = stream.getLocationInfo().getEndingByteOffset() - fedBefore;
                if (end <= bufferPos || end > bufferLimit || end - bufferPos > MAX_EVENT_BYTES
                        || buffer[(int) end - 1] != '>') {
                    return giveUp();
                }
                passOver((int) end);
                position = here();
                return event;
            } catch (UncheckedIOException e) {
                stream = null;
                throw e.getCause();
            } catch (XMLStreamException | MalformedEventException | RuntimeException e) {
                return giveUp();
            }
        }

        private EventRecord giveUp() {
            stream = null;
            return null;
        }

        private void open() throws XMLStreamException, IOException {
            stream = EventStreamParser.openInsideRoot();
            plain.setParent(stream);
            fedBefore = EventStreamParser.ROOT_BYTES;
            fedLength = bufferLimit - bufferPos;
            stream.getInputFeeder().feedInput(buffer, bufferPos, fedLength);
        }

        /**
         * Reads more of the file and feeds it; false at the end of the input or when the bytes since the last
         * event's end reach the bound. The parser has consumed all it was fed, so the buffer may be compacted.
         */
        private boolean feedMore() throws XMLStreamException, IOException {
            if (endOfInput || bufferLimit - bufferPos >= MAX_EVENT_BYTES) {
                return false;
            }
            int kept = bufferLimit - bufferPos;
            if (bufferPos > 0) {
                System.arraycopy(buffer, bufferPos, buffer, 0, kept);
                bufferPos = 0;
                bufferLimit = kept;
            }
            if (bufferLimit == buffer.length) {
                buffer = Arrays.copyOf(buffer, buffer.length * 2);
            }
            int read;
            do {
                read = in.read(buffer, bufferLimit, buffer.length - bufferLimit);
            } while (read == 0);
            if (read < 0) {
                endOfInput = true;
                return false;
            }
            fedBefore += fedLength;
            fedLength = read;
            stream.getInputFeeder().feedInput(buffer, bufferLimit, read);
            bufferLimit += read;
            return true;
        }

        /** The parser's tokens, fed as it asks; any token a plain event does not have ends the fast way. */
        private final class PlainEvents extends StreamReaderDelegate {
            @Override
            public int next() throws XMLStreamException {
                int token;
                try {
                    while ((token = super.next()) == AsyncXMLStreamReader.EVENT_INCOMPLETE) {
                        if (!feedMore()) {
                            throw new XMLStreamException("end of the input or of the bound");
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                boolean plainToken = switch (token) {
                    case XMLStreamConstants.START_ELEMENT -> !getLocalName().equals(EVENT) || stream.getDepth() == 2;
                    case XMLStreamConstants.END_ELEMENT, XMLStreamConstants.CHARACTERS, XMLStreamConstants.SPACE -> true;
                    default -> false;
                };
                if (!plainToken) {
                    throw new XMLStreamException("not a plain event");
                }
                return token;
            }
        }
    }

    /**
     * Moves the position on to {@code end} in the buffer, counting lines and characters as the scanner does
     * ({@code '\n'} ends a line, UTF-8 continuation bytes are no characters). Eight bytes at a time: this runs
     * over every byte of the file.
     */
    private void passOver(int end) {
        byte[] bytes = buffer;
        int from = bufferPos;
        long newlines = 0;
        int lastNewline = -1;
        // Continuation bytes after the last line end (or since {@code from}).
        long continuations = 0;
        int i = from;
        for (; i + Long.BYTES <= end; i += Long.BYTES) {
            long word = (long) LONGS.get(bytes, i);
            long continuationBits = word & ~(word << 1) & HIGH_BITS;
            long newlineBits = word ^ 0x0A0A0A0A0A0A0A0AL;
            // The high bit of exactly the bytes that were '\n'.
            newlineBits = ~(((newlineBits & LOW_7_BITS) + LOW_7_BITS) | newlineBits | LOW_7_BITS);
            if (newlineBits == 0) {
                continuations += Long.bitCount(continuationBits);
            } else {
                newlines += Long.bitCount(newlineBits);
                int lastBit = 63 - Long.numberOfLeadingZeros(newlineBits);
                lastNewline = i + lastBit / Byte.SIZE;
                continuations = Long.bitCount(continuationBits & (-1L << lastBit));
            }
        }
        for (; i < end; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                newlines++;
                lastNewline = i;
                continuations = 0;
            } else if ((b & 0xC0) == 0x80) {
                continuations++;
            }
        }
        column = lastNewline < 0 ? column + (end - from) - continuations : end - lastNewline - continuations;
        line += newlines;
        offset += end - from;
        bufferPos = end;
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
