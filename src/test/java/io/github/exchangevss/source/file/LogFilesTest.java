package io.github.exchangevss.source.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.evtx.EvtxWriter;
import io.github.exchangevss.evtx.KbEvtxFixtures;
import io.github.exchangevss.source.SourceError;
import io.github.exchangevss.source.xml.XmlEventReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogFilesTest {
    @TempDir
    Path dir;

    private final List<SourceError> errors = new ArrayList<>();

    private Path copyOfResource(String name, String asName) throws IOException {
        Path file = dir.resolve(asName);
        try (InputStream in = LogFilesTest.class.getResourceAsStream("/xml/" + name)) {
            Files.copy(in, file);
        }
        return file;
    }

    private static List<Long> recordIds(EventFileReader reader) throws IOException {
        List<Long> ids = new ArrayList<>();
        EventRecord event;
        while ((event = reader.next()) != null) {
            ids.add(event.recordId());
        }
        return ids;
    }

    @Test
    void detectsXmlByContentWhateverTheName() throws IOException {
        Path file = copyOfResource("event-viewer-saved.xml", "Application.evtx");

        assertThat(LogFiles.detect(file)).isEqualTo(LogFiles.Format.XML);
        try (EventFileReader reader = LogFiles.open(file, errors::add)) {
            assertThat(reader).isInstanceOf(XmlEventReader.class);
            assertThat(recordIds(reader)).containsExactly(100240L, 100241L, 100242L, 100243L);
        }
        assertThat(errors).isEmpty();
    }

    @Test
    void detectsEvtxByItsMagicAndOpensItWithTheEvtxReader() throws IOException {
        List<EventRecord> written = KbEvtxFixtures.goodBackup(Instant.parse("2026-11-20T02:00:00Z"), 10);
        Path file = EvtxWriter.write(dir.resolve("exported.xml"), written);

        assertThat(LogFiles.detect(file)).isEqualTo(LogFiles.Format.EVTX);
        List<EventRecord> read = new ArrayList<>();
        try (EventFileReader reader = LogFiles.open(file, errors::add)) {
            for (EventRecord e = reader.next(); e != null; e = reader.next()) {
                read.add(e);
            }
        }
        assertThat(read).isEqualTo(written);
        assertThat(errors).isEmpty();
    }

    @Test
    void aMissingFileIsDescribedInWordsNotOnlyByItsPath() {
        Path missing = dir.resolve("gone.evtx");
        assertThatThrownBy(() -> LogFiles.open(missing, errors::add))
                .isInstanceOfSatisfying(IOException.class, e -> assertThat(LogFiles.describe(e)).isEqualTo("no such file"));
        assertThat(LogFiles.describe(new IOException("disk on fire"))).isEqualTo("disk on fire");
    }

    @Test
    void shortAndEmptyFilesAreXml() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty"));
        Path shortFile = Files.writeString(dir.resolve("short"), "Elf");

        assertThat(LogFiles.detect(empty)).isEqualTo(LogFiles.Format.XML);
        assertThat(LogFiles.detect(shortFile)).isEqualTo(LogFiles.Format.XML);
        try (EventFileReader reader = LogFiles.open(empty, errors::add)) {
            assertThat(reader.next()).isNull();
        }
    }

    @Test
    void resumesXmlAtAPositionOfAnEarlierReader() throws IOException {
        Path file = copyOfResource("wevtutil-application.xml", "application.xml");
        XmlEventReader.Position afterFour;
        try (EventFileReader reader = LogFiles.open(file, errors::add)) {
            for (int i = 0; i < 4; i++) {
                reader.next();
            }
            afterFour = ((XmlEventReader) reader).position();
        }

        try (EventFileReader reader = LogFiles.open(file, errors::add, afterFour, false)) {
            assertThat(recordIds(reader)).startsWith(100234L).hasSize(8);
        }
        assertThat(errors).isEmpty();
    }
}
