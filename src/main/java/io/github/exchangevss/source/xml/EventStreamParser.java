package io.github.exchangevss.source.xml;

import com.fasterxml.aalto.AsyncByteArrayFeeder;
import com.fasterxml.aalto.AsyncXMLInputFactory;
import com.fasterxml.aalto.AsyncXMLStreamReader;
import com.fasterxml.aalto.stax.InputFactoryImpl;
import io.github.exchangevss.event.EventRecord;
import java.nio.charset.StandardCharsets;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;

/**
 * The parser of the events a file's scanner cuts out: a single Aalto non-blocking reader, opened inside a made-up
 * root element ({@link #openInsideRoot}, which also opens the reader of a file's fast way) and fed the UTF-8 bytes
 * of one {@code <Event>} after the other. Nothing is set up per event. After a malformed event the reader is in
 * an unknown state, so it is replaced: the next event starts afresh and nothing around the broken one is lost.
 * DTDs and entities are off, and only the events' own bytes reach this reader, so a file's DOCTYPE is never
 * even seen.
 */
final class EventStreamParser {
    private static final AsyncXMLInputFactory FACTORY = secureFactory();
    private static final byte[] ROOT = "<Events>".getBytes(StandardCharsets.US_ASCII);
    /** How many bytes {@link #openInsideRoot} has fed before the caller's first byte. */
    static final int ROOT_BYTES = ROOT.length;

    private AsyncXMLStreamReader<AsyncByteArrayFeeder> reader;

    /**
     * Parses one event: {@code length} bytes of {@code utf8} from {@code <Event} to the {@code >} of its end tag.
     * The array is read while this method runs and not kept.
     *
     * @throws MalformedEventException with the line and column inside the event's bytes, when known
     */
    EventRecord parse(byte[] utf8, int length) throws MalformedEventException {
        int startLine = -1;
        int startColumn = -1;
        try {
            if (reader == null) {
                reader = openInsideRoot();
            }
            reader.getInputFeeder().feedInput(utf8, 0, length);
            int token = reader.next();
            Location start = reader.getLocation();
            startLine = start.getLineNumber();
            startColumn = start.getColumnNumber();
            if (token != XMLStreamConstants.START_ELEMENT) {
                throw new MalformedEventException("no <Event> start tag");
            }
            EventRecord event = EventXmlParser.readEvent(reader);
            if (!reader.getInputFeeder().needMoreInput()) {
                throw new MalformedEventException("text after </Event>");
            }
            return event;
        } catch (XMLStreamException e) {
            reader = null;
            Location at = e.getLocation();
            throw inEvent("not well-formed XML: " + EventXmlParser.parserMessage(e), at == null ? -1 : at.getLineNumber(),
                    at == null ? -1 : at.getColumnNumber(), startLine, startColumn, e);
        } catch (MalformedEventException e) {
            reader = null;
            throw inEvent(e.getMessage(), e.line(), e.column(), startLine, startColumn, e.getCause());
        } catch (RuntimeException e) {
            reader = null;
            if (e.getCause() instanceof XMLStreamException lazy) {
                // Aalto decodes text when it is asked for and reports what it finds there unchecked.
                Location at = lazy.getLocation();
                throw inEvent("not well-formed XML: " + EventXmlParser.parserMessage(lazy),
                        at == null ? -1 : at.getLineNumber(), at == null ? -1 : at.getColumnNumber(), startLine,
                        startColumn, e);
            }
            // The parser's own failures on odd input must cost one event, not the whole file.
            throw new MalformedEventException("XML parser failed: " + e, -1, -1, e);
        }
    }

    /**
     * A new non-blocking reader that has read the start of the made-up root element ({@link #ROOT_BYTES} bytes)
     * and waits for input, so that a rootless sequence of events can follow.
     */
    static AsyncXMLStreamReader<AsyncByteArrayFeeder> openInsideRoot() throws XMLStreamException {
        AsyncXMLStreamReader<AsyncByteArrayFeeder> reader = FACTORY.createAsyncForByteArray();
        reader.getInputFeeder().feedInput(ROOT, 0, ROOT.length);
        expect(XMLStreamConstants.START_DOCUMENT, reader.next());
        expect(XMLStreamConstants.START_ELEMENT, reader.next());
        expect(AsyncXMLStreamReader.EVENT_INCOMPLETE, reader.next());
        return reader;
    }

    private static void expect(int expected, int token) throws XMLStreamException {
        if (token != expected) {
            throw new IllegalStateException("parser set-up: token " + token + ", expected " + expected);
        }
    }

    /** Turns the reader's position (counted from the made-up root) into one inside the event's own bytes. */
    private static MalformedEventException inEvent(String message, int line, int column, int startLine,
                                                   int startColumn, Throwable cause) {
        if (line < 1 || startLine < 1 || line < startLine) {
            return new MalformedEventException(message, -1, -1, cause);
        }
        int lineInEvent = line - startLine + 1;
        int columnInEvent = lineInEvent == 1 ? column - startColumn + 1 : column;
        return new MalformedEventException(message, lineInEvent, Math.max(columnInEvent, 1), cause);
    }

    private static AsyncXMLInputFactory secureFactory() {
        AsyncXMLInputFactory factory = new InputFactoryImpl();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        // Aalto has no resolver of its own to fence off (it refuses the JAXP access properties): it fetches nothing.
        return factory;
    }
}
