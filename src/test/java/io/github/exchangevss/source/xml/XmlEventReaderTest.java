package io.github.exchangevss.source.xml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.exchangevss.event.EventData;
import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.source.SourceError;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XmlEventReaderTest {
    private static final String NS = "http://schemas.microsoft.com/win/2004/08/events/event";
    private static final String BACKUP_IN_PROGRESS_HEX = "4261636B757020696E2070726F67726573732E00";

    private final List<SourceError> errors = new ArrayList<>();

    private List<EventRecord> readAll(InputStream in, String location) throws IOException {
        List<EventRecord> events = new ArrayList<>();
        try (XmlEventReader reader = new XmlEventReader(in, location, errors::add)) {
            EventRecord event;
            while ((event = reader.next()) != null) {
                events.add(event);
            }
        }
        return events;
    }

    private List<EventRecord> readResource(String name) throws IOException {
        InputStream in = XmlEventReaderTest.class.getResourceAsStream("/xml/" + name);
        assertThat(in).as("test resource %s", name).isNotNull();
        return readAll(in, name);
    }

    private List<EventRecord> readString(String xml) throws IOException {
        return readAll(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "test.xml");
    }

    private static List<Integer> ids(List<EventRecord> events) {
        return events.stream().map(EventRecord::eventId).toList();
    }

    /** A minimal event as wevtutil writes it. */
    private static String event(int id, long recordId) {
        return "<Event xmlns='" + NS + "'><System><Provider Name='MSExchangeIS'/><EventID Qualifiers='16384'>" + id
                + "</EventID><Level>4</Level><Task>296</Task><TimeCreated SystemTime='2024-03-05T01:00:00.0000000Z'/>"
                + "<EventRecordID>" + recordId + "</EventRecordID><Channel>Application</Channel>"
                + "<Computer>EXCH01.contoso.local</Computer></System><EventData><Data>x</Data></EventData></Event>";
    }

    @Nested
    class WevtutilRootless {
        @Test
        void readsEverySequentialEventWithAllSystemFields() throws IOException {
            List<EventRecord> events = readResource("wevtutil-application.xml");

            assertThat(errors).isEmpty();
            assertThat(ids(events)).containsExactly(9600, 9604, 9606, 9608, 9610, 9612, 9648, 9616, 9604, 9614, 9607, 9840);
            EventRecord first = events.get(0);
            assertThat(first.provider()).isEqualTo("MSExchangeIS");
            assertThat(first.qualifiers()).isEqualTo(16384);
            assertThat(first.level()).isEqualTo(4);
            assertThat(first.task()).isEqualTo(296);
            assertThat(first.timeCreated()).isEqualTo(Instant.parse("2024-03-05T01:00:00.1Z"));
            assertThat(first.recordId()).isEqualTo(100230);
            assertThat(first.channel()).isEqualTo("Application");
            assertThat(first.computer()).isEqualTo("EXCH01.contoso.local");
            assertThat(first.data()).containsExactly(EventData.unnamed("Initialize VSSWriter"));
            assertThat(first.userData()).isFalse();
            assertThat(first.binary()).isNull();
            assertThat(first.message()).isNull();
        }

        @Test
        void keepsTheRefusedBackupWithItsQualifiersAndBinaryData() throws IOException {
            EventRecord refused = readResource("wevtutil-application.xml").stream()
                    .filter(e -> e.eventId() == 9607).findFirst().orElseThrow();

            assertThat(refused.level()).isEqualTo(2);
            assertThat(refused.qualifiers()).isEqualTo(49152);
            assertThat(refused.data()).containsExactly(EventData.unnamed("0x50d"));
            assertThat(refused.binaryHex()).isEqualTo(BACKUP_IN_PROGRESS_HEX);
            assertThat(refused.binaryText()).isEqualTo("Backup in progress.");
        }

        @Test
        void eventWithEmptyEventDataHasNoInserts() throws IOException {
            EventRecord prepared = readResource("wevtutil-application.xml").get(1);

            assertThat(prepared.eventId()).isEqualTo(9604);
            assertThat(prepared.data()).isEmpty();
        }
    }

    @Nested
    class RenderedXml {
        @Test
        void keepsTheRenderedMessage() throws IOException {
            List<EventRecord> events = readResource("wevtutil-rendered.xml");

            assertThat(errors).isEmpty();
            assertThat(ids(events)).containsExactly(9604, 9614, 9607, 9840);
            assertThat(events.get(2).message())
                    .isEqualTo("Exchange VSS Writer (instance 2) failed with error code 0x50d when preparing for backup.");
            // RenderingInfo has its own Level and Task as text: the System values stay.
            assertThat(events.get(2).level()).isEqualTo(2);
            assertThat(events.get(2).task()).isEqualTo(296);
        }
    }

    @Nested
    class GetWinEventToXml {
        @Test
        void readsDoubleQuotedLinesAfterAUtf8Bom() throws IOException {
            List<EventRecord> events = readResource("get-winevent-toxml.xml");

            assertThat(errors).isEmpty();
            assertThat(ids(events)).containsExactly(9600, 9604, 9606, 9608, 9610, 9612, 9648, 9616);
            assertThat(events.get(3).data())
                    .containsExactly(EventData.unnamed("Exchange VSS Snapshot prepared for Snapshot successfully"));
        }
    }

    @Nested
    class EventViewerSavedXml {
        @Test
        void readsUtf16WithBomUnderAnEventsRoot() throws IOException {
            List<EventRecord> events = readResource("event-viewer-saved.xml");

            assertThat(errors).isEmpty();
            assertThat(ids(events)).containsExactly(9604, 9614, 9607, 9840);
            assertThat(events.get(2).binaryText()).isEqualTo("Backup in progress.");
            assertThat(events.get(1).data()).containsExactly(EventData.unnamed("Abort ignored"));
        }

        @Test
        void readsUtf16BigEndianAndUtf8WithTheSameResult() throws IOException {
            String document = "<?xml version=\"1.0\" encoding=\"utf-16\"?>\r\n<Events>" + event(9616, 7)
                    + "<Event xmlns='" + NS + "'><System><Provider Name='MSExchangeIS'/><EventID>9648</EventID>"
                    + "<TimeCreated SystemTime='2024-03-05T01:00:00Z'/><EventRecordID>8</EventRecordID>"
                    + "<Computer>EXCH02.contoso.local</Computer></System>"
                    + "<EventData><Data Name='Note'>Überprüfung läuft — ok</Data></EventData></Event></Events>";
            byte[] bigEndian = concat(new byte[] {(byte) 0xFE, (byte) 0xFF}, document.getBytes(StandardCharsets.UTF_16BE));
            // Declared utf-16 but written as UTF-8 without BOM: the bytes win over the declaration.
            byte[] mislabelled = document.getBytes(StandardCharsets.UTF_8);

            List<EventRecord> fromUtf16 = readAll(new ByteArrayInputStream(bigEndian), "be.xml");
            List<EventRecord> fromUtf8 = readAll(new ByteArrayInputStream(mislabelled), "utf8.xml");

            assertThat(errors).isEmpty();
            assertThat(fromUtf16).hasSize(2).isEqualTo(fromUtf8);
            assertThat(fromUtf16.get(1).data()).containsExactly(new EventData("Note", "Überprüfung läuft — ok"));
        }

        @Test
        void readsUtf16LittleEndianWithoutBom() throws IOException {
            byte[] bytes = ("<Events>" + event(9606, 3) + "</Events>").getBytes(StandardCharsets.UTF_16LE);

            assertThat(ids(readAll(new ByteArrayInputStream(bytes), "le.xml"))).containsExactly(9606);
            assertThat(errors).isEmpty();
        }
    }

    @Nested
    class SingleRenderedEvent {
        @Test
        void parsesWhatEvtRenderReturns() throws IOException, MalformedEventException {
            String xml;
            try (InputStream in = XmlEventReaderTest.class.getResourceAsStream("/xml/evtrender-9607.xml")) {
                xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }

            EventRecord refused = XmlEventReader.parseEvent(xml);

            assertThat(refused.eventId()).isEqualTo(9607);
            assertThat(refused.qualifiers()).isEqualTo(49152);
            assertThat(refused.recordId()).isEqualTo(100242);
            assertThat(refused.timeCreated()).isEqualTo(Instant.parse("2024-03-06T01:10:01.9876543Z"));
            assertThat(refused.binaryText()).isEqualTo("Backup in progress.");
        }

        @Test
        void malformedXmlGivesAClearMessageWithItsPosition() {
            String xml = "<Event xmlns='" + NS + "'>\n<System><EventID>9607</EventID></Sys>";

            assertThatThrownBy(() -> XmlEventReader.parseEvent(xml))
                    .isInstanceOfSatisfying(MalformedEventException.class, e -> {
                        assertThat(e.line()).isEqualTo(2);
                        assertThat(e.column()).isPositive();
                    })
                    .hasMessageStartingWith("not well-formed XML: ")
                    .hasMessageContaining("System");
        }

        @Test
        void missingTimeCreatedIsNamed() {
            String xml = event(9607, 1).replaceAll("<TimeCreated [^>]*/>", "");

            assertThatThrownBy(() -> XmlEventReader.parseEvent(xml))
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessage("System/TimeCreated/@SystemTime is missing");
        }

        @Test
        void otherRootElementIsRefused() {
            assertThatThrownBy(() -> XmlEventReader.parseEvent("<Events/>"))
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessageContaining("<Events>");
        }
    }

    @Nested
    class FieldMapping {
        @Test
        void providerFallsBackToEventSourceName() throws MalformedEventException {
            String xml = event(9606, 1).replace("<Provider Name='MSExchangeIS'/>",
                    "<Provider EventSourceName='MSExchangeIS'/>");

            assertThat(XmlEventReader.parseEvent(xml).provider()).isEqualTo("MSExchangeIS");
        }

        @Test
        void namedDataKeepsNamesOrderAndEmptyValues() throws MalformedEventException {
            String xml = event(9840, 1).replace("<Data>x</Data>",
                    "<Data Name='Instance'>2</Data><Data Name='Empty'/><Data></Data><Data Name='Code'>0x50d</Data>");

            assertThat(XmlEventReader.parseEvent(xml).data()).containsExactly(
                    new EventData("Instance", "2"), new EventData("Empty", ""), EventData.unnamed(""),
                    new EventData("Code", "0x50d"));
        }

        @Test
        void escapedTextIsUnescaped() throws MalformedEventException {
            String xml = event(9607, 1).replace("<Data>x</Data>", "<Data>a &lt;b&gt; &amp; &#x41;</Data>");

            assertThat(XmlEventReader.parseEvent(xml).data()).containsExactly(EventData.unnamed("a <b> & A"));
        }

        @Test
        void userDataMarksTheEventAndLeavesDataEmpty() throws MalformedEventException {
            String xml = event(9607, 1).replace("<EventData><Data>x</Data></EventData>",
                    "<UserData><VssInfo xmlns='urn:x'><Writer>Exchange</Writer></VssInfo></UserData>");

            EventRecord event = XmlEventReader.parseEvent(xml);

            assertThat(event.userData()).isTrue();
            assertThat(event.data()).isEmpty();
        }

        @Test
        void modernEventsHaveNoQualifiers() throws MalformedEventException {
            String xml = event(9607, 1).replace(" Qualifiers='16384'", "");

            assertThat(XmlEventReader.parseEvent(xml).qualifiers()).isNull();
        }

        @Test
        void fullLegacyEventIdIsSplitIntoQualifiersAndId() throws MalformedEventException {
            long legacy = (49152L << 16) | 9607;
            String xml = event(9607, 1).replace(" Qualifiers='16384'>9607<", ">" + legacy + "<");

            EventRecord event = XmlEventReader.parseEvent(xml);

            assertThat(event.eventId()).isEqualTo(9607);
            assertThat(event.qualifiers()).isEqualTo(49152);
        }

        @Test
        void absentLevelAndTaskAreNull() throws MalformedEventException {
            String xml = event(9607, 1).replace("<Level>4</Level><Task>296</Task>", "<Level/>");

            EventRecord event = XmlEventReader.parseEvent(xml);

            assertThat(event.level()).isNull();
            assertThat(event.task()).isNull();
        }
    }

    @Nested
    class TimePrecision {
        private Instant timeOf(String systemTime) throws MalformedEventException {
            return XmlEventReader.parseEvent(event(9604, 1)
                    .replace("2024-03-05T01:00:00.0000000Z", systemTime)).timeCreated();
        }

        @Test
        void keepsEvery100NanosecondTick() throws MalformedEventException {
            assertThat(timeOf("2024-03-05T01:02:03.1234567Z")).isEqualTo(Instant.parse("2024-03-05T01:02:03.123456700Z"));
            assertThat(timeOf("2024-03-05T01:02:03.0000001Z").getNano()).isEqualTo(100);
        }

        @Test
        void acceptsNineDigitsFewerDigitsAndOffsets() throws MalformedEventException {
            assertThat(timeOf("2024-03-05T01:02:03.123456700Z")).isEqualTo(Instant.parse("2024-03-05T01:02:03.1234567Z"));
            assertThat(timeOf("2024-03-05T01:02:03Z")).isEqualTo(Instant.parse("2024-03-05T01:02:03Z"));
            assertThat(timeOf("2024-03-05T02:02:03.5+01:00")).isEqualTo(Instant.parse("2024-03-05T01:02:03.5Z"));
            assertThat(timeOf("2024-03-05T01:02:03.25")).isEqualTo(Instant.parse("2024-03-05T01:02:03.25Z"));
        }

        @Test
        void refusesWhatIsNoTime() {
            assertThatThrownBy(() -> timeOf("yesterday"))
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessageContaining("'yesterday'");
        }
    }

    @Nested
    class MalformedEvents {
        @Test
        void badEventInTheMiddleIsReportedWithItsLineAndTheOthersAreKept() throws IOException {
            List<EventRecord> events = readResource("malformed-middle.xml");

            assertThat(ids(events)).containsExactly(9604, 9607);
            assertThat(errors).singleElement().satisfies(error -> {
                assertThat(error.kind()).isEqualTo("malformed_event");
                // Line 21 of the file holds <EventID Qualifiers='16384'>96x4</EventID>, indented by 4.
                assertThat(error.location()).isEqualTo("malformed-middle.xml:21:33");
                assertThat(error.message()).contains("EventID").contains("96x4");
            });
        }

        @Test
        void eachKindOfBadValueCostsOnlyItsEvent() throws IOException {
            String xml = event(9604, 1) + "\r\n"
                    + event(9614, 2).replace("<EventRecordID>2<", "<EventRecordID>two<") + "\r\n"
                    + event(9607, 3).replace("<Data>x</Data>", "<Binary>4261ZZ</Binary>") + "\r\n"
                    + event(9607, 4).replace("<Data>x</Data>", "<Binary>426</Binary>") + "\r\n"
                    + event(9648, 5).replaceAll("<TimeCreated [^>]*/>", "") + "\r\n"
                    + event(9616, 6).replace("<Level>4<", "<Level>4x<") + "\r\n"
                    + event(9606, 7) + "\r\n";

            List<EventRecord> events = readString(xml);

            assertThat(events).extracting(EventRecord::recordId).containsExactly(1L, 7L);
            // A bad value is located at the end of its element's start tag; a missing one at the event.
            assertThat(errors).extracting(SourceError::location).containsExactly(
                    "test.xml:2:" + endOfTag(xml, 2, "<EventRecordID>"), "test.xml:3:" + endOfTag(xml, 3, "<Binary>"),
                    "test.xml:4:" + endOfTag(xml, 4, "<Binary>"), "test.xml:5:1", "test.xml:6:" + endOfTag(xml, 6, "<Level>"));
            assertThat(errors).extracting(SourceError::message).satisfiesExactly(
                    m -> assertThat(m).contains("EventRecordID", "two"),
                    m -> assertThat(m).contains("Binary", "4261ZZ"),
                    m -> assertThat(m).contains("Binary", "426"),
                    m -> assertThat(m).contains("TimeCreated"),
                    m -> assertThat(m).contains("Level", "4x"));
        }

        @Test
        void tagSoupInsideOneEventIsReportedWhereItBreaks() throws IOException {
            String xml = event(9604, 1) + "\n"
                    + "<Event xmlns='" + NS + "'><System><EventID>9614</EventID>\n<Level>4</Task></System></Event>\n"
                    + event(9607, 3) + "\n";

            List<EventRecord> events = readString(xml);

            assertThat(events).extracting(EventRecord::recordId).containsExactly(1L, 3L);
            assertThat(errors).singleElement().satisfies(error -> {
                assertThat(error.location()).startsWith("test.xml:3:");
                assertThat(error.message()).startsWith("not well-formed XML: ");
            });
        }

        @Test
        void eventWithoutEndTagEndsAtTheNextEvent() throws IOException {
            String unclosed = event(9614, 2).replace("</Event>", "");
            String xml = event(9604, 1) + "\r\n" + unclosed + "\r\n" + event(9607, 3) + "\r\n";

            List<EventRecord> events = readString(xml);

            assertThat(events).extracting(EventRecord::recordId).containsExactly(1L, 3L);
            assertThat(errors).singleElement().satisfies(error -> {
                assertThat(error.location()).isEqualTo("test.xml:2:1");
                assertThat(error.message()).contains("no </Event> before the next <Event>");
            });
        }

        @Test
        void truncatedFileKeepsEverythingBeforeAndReportsTheTail() throws IOException {
            String whole = event(9604, 1) + "\r\n" + event(9614, 2) + "\r\n";
            String truncated = whole + event(9607, 3).substring(0, 150);

            List<EventRecord> events = readString("<Events>\r\n" + truncated);

            assertThat(events).extracting(EventRecord::recordId).containsExactly(1L, 2L);
            assertThat(errors).singleElement().satisfies(error -> {
                assertThat(error.location()).isEqualTo("test.xml:4:1");
                assertThat(error.message()).contains("end of the file");
            });
        }

        @Test
        void unclosedRootAndGarbageBetweenEventsAreIgnored() throws IOException {
            String xml = "\uFEFF<?xml version='1.0'?>\n<!-- export -->\n<Events>junk" + event(9604, 1) + "more junk</Foo>"
                    + event(9607, 2);

            assertThat(readString(xml)).extracting(EventRecord::recordId).containsExactly(1L, 2L);
            assertThat(errors).isEmpty();
        }

        @Test
        void oversizedEventIsSkippedAndReadingGoesOn() throws IOException {
            String huge = event(9614, 2).replace("<Data>x</Data>",
                    "<Data>" + "A".repeat(XmlEventReader.MAX_EVENT_BYTES) + "</Data>");
            String xml = event(9604, 1) + huge + event(9607, 3);

            List<EventRecord> events = readString(xml);

            assertThat(events).extracting(EventRecord::recordId).containsExactly(1L, 3L);
            assertThat(errors).singleElement().satisfies(error ->
                    assertThat(error.message()).contains("larger than " + XmlEventReader.MAX_EVENT_BYTES));
        }

        @Test
        void similarTagNamesDoNotCutEvents() throws IOException {
            // <EventData>, <EventID>, <EventRecordID> and <Events> must not be taken for <Event>.
            String xml = "<Events><EventsHeader/>" + event(9604, 1) + "</EventsHeader></Events>";

            assertThat(readString(xml)).extracting(EventRecord::eventId).containsExactly(9604);
            assertThat(errors).isEmpty();
        }
    }

    @Nested
    class HostileDocuments {
        @Test
        void externalEntityIsNeverResolved(@TempDir Path dir) throws IOException {
            Path secret = dir.resolve("secret.txt");
            Files.writeString(secret, "TOP-SECRET-CONTENT");
            String doctype = "<?xml version='1.0'?>\n<!DOCTYPE Event [<!ENTITY xxe SYSTEM '" + secret.toUri() + "'>]>\n";
            String withEntity = event(9607, 2).replace("<Data>x</Data>", "<Data>&xxe;</Data>");

            List<EventRecord> events = readString(doctype + event(9604, 1) + withEntity + event(9606, 3));

            assertThat(events).extracting(EventRecord::recordId).containsExactly(1L, 3L);
            assertThat(events).flatExtracting(EventRecord::data).extracting(EventData::value)
                    .noneMatch(value -> value.contains("TOP-SECRET"));
            int eventStart = event(9604, 1).length() + 1;
            assertThat(errors).singleElement().satisfies(error -> {
                assertThat(error.location()).startsWith("test.xml:3:");
                int column = Integer.parseInt(error.location().substring("test.xml:3:".length()));
                assertThat(column).isBetween(eventStart, eventStart + withEntity.length());
                assertThat(error.message()).contains("xxe").doesNotContain("TOP-SECRET");
            });
        }

        @Test
        void externalEntityInASingleEventIsRefused(@TempDir Path dir) throws IOException {
            Path secret = dir.resolve("secret.txt");
            Files.writeString(secret, "TOP-SECRET-CONTENT");
            String xml = "<!DOCTYPE Event [<!ENTITY xxe SYSTEM '" + secret.toUri() + "'>]>"
                    + event(9607, 1).replace("<Data>x</Data>", "<Data>&xxe;</Data>");

            assertThatThrownBy(() -> XmlEventReader.parseEvent(xml))
                    .isInstanceOf(MalformedEventException.class)
                    .message().doesNotContain("TOP-SECRET");
        }

        @Test
        void billionLaughsExpandsNothing() throws IOException {
            StringBuilder doctype = new StringBuilder("<!DOCTYPE Event [<!ENTITY lol0 'lol'>");
            for (int i = 1; i <= 9; i++) {
                doctype.append("<!ENTITY lol").append(i).append(" '")
                        .append(("&lol" + (i - 1) + ";").repeat(10)).append("'>");
            }
            doctype.append("]>");
            String bomb = event(9607, 2).replace("<Data>x</Data>", "<Data>&lol9;</Data>");

            List<EventRecord> events = readString(doctype + event(9604, 1) + bomb + event(9606, 3));

            assertThat(events).extracting(EventRecord::recordId).containsExactly(1L, 3L);
            assertThat(errors).hasSize(1);
            assertThatThrownBy(() -> XmlEventReader.parseEvent(doctype + bomb))
                    .isInstanceOf(MalformedEventException.class);
        }
    }

    @Nested
    class LargeInput {
        @Test
        void streamsTwoHundredThousandEventsInBoundedMemory() throws IOException {
            int count = 200_000;
            Enumeration<InputStream> generated = new Enumeration<>() {
                private int next = 0;

                @Override
                public boolean hasMoreElements() {
                    return next < count;
                }

                @Override
                public InputStream nextElement() {
                    next++;
                    return new ByteArrayInputStream((event(9604 + next % 12, next) + "\r\n").getBytes(StandardCharsets.UTF_8));
                }
            };
            long read = 0;
            long lastRecordId = 0;
            try (XmlEventReader reader = new XmlEventReader(new SequenceInputStream(generated), "big.xml", errors::add)) {
                EventRecord event;
                while ((event = reader.next()) != null) {
                    read++;
                    lastRecordId = event.recordId();
                }
            }

            assertThat(read).isEqualTo(count);
            assertThat(lastRecordId).isEqualTo(count);
            assertThat(errors).isEmpty();
        }
    }

    @Nested
    class Resuming {
        @Test
        void continuesAtThePositionWithoutRereadingAndLeavesAnUnfinishedTail() throws IOException {
            String first = event(9604, 1) + "\r\n" + event(9606, 2) + "\r\n";
            String partial = event(9608, 3).substring(0, 100);
            byte[] start = (first + partial).getBytes(StandardCharsets.UTF_8);

            XmlEventReader.Position position;
            List<EventRecord> firstRead = new ArrayList<>();
            try (XmlEventReader reader = new XmlEventReader(new ByteArrayInputStream(start), "grow.xml", errors::add,
                    null, true)) {
                EventRecord event;
                while ((event = reader.next()) != null) {
                    firstRead.add(event);
                }
                position = reader.position();
            }
            byte[] whole = (first + event(9608, 3) + "\n" + event(9610, 4)).getBytes(StandardCharsets.UTF_8);
            byte[] rest = Arrays.copyOfRange(whole, (int) position.offset(), whole.length);
            List<EventRecord> secondRead = new ArrayList<>();
            try (XmlEventReader reader = new XmlEventReader(new ByteArrayInputStream(rest), "grow.xml", errors::add,
                    position, true)) {
                EventRecord event;
                while ((event = reader.next()) != null) {
                    secondRead.add(event);
                }
            }

            assertThat(errors).isEmpty();
            assertThat(firstRead).extracting(EventRecord::recordId).containsExactly(1L, 2L);
            assertThat(position.offset()).isEqualTo(first.length() - 2);
            assertThat(position.line()).isEqualTo(2);
            assertThat(secondRead).extracting(EventRecord::recordId).containsExactly(3L, 4L);
        }
    }

    /** The 1-based column just after {@code tag} on the 1-based line {@code line} of {@code text}. */
    private static int endOfTag(String text, int line, String tag) {
        String lineText = text.split("\r\n")[line - 1];
        return lineText.indexOf(tag) + tag.length() + 1;
    }

    @Nested
    class ResumingAfterAnOversizedEvent {
        @Test
        void reportsItOnceAcrossReads() throws IOException {
            String huge = event(9614, 2).replace("<Data>x</Data>",
                    "<Data>" + "A".repeat(XmlEventReader.MAX_EVENT_BYTES + 10) + "</Data>");
            byte[] whole = (event(9604, 1) + huge + event(9607, 3)).getBytes(StandardCharsets.UTF_8);
            int firstWrite = event(9604, 1).length() + huge.length() - 100;

            List<Long> ids = new ArrayList<>();
            XmlEventReader.Position position;
            try (XmlEventReader reader = new XmlEventReader(new ByteArrayInputStream(whole, 0, firstWrite), "grow.xml",
                    errors::add, null, true)) {
                for (EventRecord event; (event = reader.next()) != null; ) {
                    ids.add(event.recordId());
                }
                position = reader.position();
            }
            byte[] rest = Arrays.copyOfRange(whole, (int) position.offset(), whole.length);
            try (XmlEventReader reader = new XmlEventReader(new ByteArrayInputStream(rest), "grow.xml", errors::add,
                    position, true)) {
                for (EventRecord event; (event = reader.next()) != null; ) {
                    ids.add(event.recordId());
                }
            }

            assertThat(ids).containsExactly(1L, 3L);
            assertThat(errors).singleElement().satisfies(error ->
                    assertThat(error.message()).contains("larger than"));
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] result = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, result, a.length, b.length);
        return result;
    }
}
