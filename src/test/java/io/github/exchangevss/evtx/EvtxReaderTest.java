package io.github.exchangevss.evtx;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.exchangevss.event.EventData;
import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.source.SourceError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvtxReaderTest {
    private static final Instant T0 = Instant.parse("2024-03-01T01:00:00.1234567Z");

    @TempDir
    Path dir;

    private final List<SourceError> errors = new ArrayList<>();

    private List<EventRecord> readAll(Path file) throws IOException {
        List<EventRecord> out = new ArrayList<>();
        try (EvtxReader reader = new EvtxReader(file, errors::add)) {
            for (EventRecord r = reader.next(); r != null; r = reader.next()) {
                out.add(r);
            }
            assertThat(reader.next()).isNull();
        }
        return out;
    }

    private static List<EventRecord> kbSequences() {
        return Stream.of(KbEvtxFixtures.goodBackup(T0, 100),
                        KbEvtxFixtures.method2(T0.plusSeconds(3600), 200),
                        KbEvtxFixtures.method3(T0.plusSeconds(7200), 300))
                .flatMap(List::stream).toList();
    }

    @Test
    void readsTheKbSequencesBackExactlyAsWritten() throws IOException {
        List<EventRecord> written = kbSequences();
        Path file = EvtxWriter.write(dir.resolve("app.evtx"), written);

        assertThat(readAll(file)).containsExactlyElementsOf(written);
        assertThat(errors).isEmpty();
    }

    @Test
    void the9607EventCarriesBackupInProgressAsBinaryData() throws IOException {
        Path file = EvtxWriter.write(dir.resolve("m2.evtx"), KbEvtxFixtures.method2(T0, 1));

        EventRecord refused = readAll(file).get(2);

        assertThat(refused.eventId()).isEqualTo(9607);
        assertThat(refused.provider()).isEqualTo("MSExchangeIS");
        assertThat(refused.channel()).isEqualTo("Application");
        assertThat(refused.binaryHex()).isEqualTo("4261636B757020696E2070726F67726573732E00");
        assertThat(refused.binaryText()).isEqualTo("Backup in progress.");
    }

    @Test
    void readsEventsSpreadOverManyChunksInFileOrder() throws IOException {
        List<EventRecord> written = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            written.addAll(KbEvtxFixtures.goodBackup(T0.plusSeconds(600L * i), 1 + 7L * i));
        }
        String longText = "x".repeat(3000);
        written.replaceAll(e -> e.toBuilder().data(List.of(EventData.unnamed(longText))).build());
        Path file = EvtxWriter.write(dir.resolve("big.evtx"), written);

        try (EvtxFile evtx = EvtxFile.open(file, errors::add)) {
            assertThat(evtx.chunkCount()).isGreaterThan(2);
        }
        assertThat(readAll(file)).containsExactlyElementsOf(written);
        assertThat(errors).isEmpty();
    }

    @Test
    void aChunkWithABadChecksumIsReportedAndStillRead() throws IOException {
        List<EventRecord> written = KbEvtxFixtures.goodBackup(T0, 1);
        byte[] bytes = new EvtxWriter().add(written.get(0)).toBytes();
        // the record header's own timestamp: covered by the data checksum, not used by the decoder
        bytes[EvtxFile.HEADER_BLOCK_SIZE + 0x200 + 16] ^= 1;
        Path file = Files.write(dir.resolve("crc.evtx"), bytes);

        assertThat(readAll(file)).containsExactly(written.get(0));
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo("chunk_crc");
            assertThat(e.location()).isEqualTo("crc.evtx@0x1034");
        });
    }

    @Test
    void aChunkWithBadMagicIsSkippedAndTheNextChunksAreRead() throws IOException {
        List<EventRecord> written = kbSequences();
        byte[] oneChunk = writeBytes(written);
        byte[] chunk = Arrays.copyOfRange(oneChunk, EvtxFile.HEADER_BLOCK_SIZE, oneChunk.length);
        byte[] damaged = Arrays.copyOf(chunk, chunk.length);
        damaged[0] = 'X';
        Path file = Files.write(dir.resolve("magic.evtx"), concat(
                Arrays.copyOf(oneChunk, EvtxFile.HEADER_BLOCK_SIZE), damaged, new byte[EvtxChunk.SIZE], chunk));

        assertThat(readAll(file)).containsExactlyElementsOf(written);
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo("bad_chunk_magic");
            assertThat(e.location()).isEqualTo("magic.evtx@0x1000");
        });
    }

    @Test
    void aTruncatedFileKeepsTheRecordsBeforeTheCut() throws IOException {
        List<EventRecord> written = kbSequences();
        byte[] whole = writeBytes(written);
        int recordsEnd = EvtxFile.HEADER_BLOCK_SIZE + readFreeSpace(whole);
        Path file = Files.write(dir.resolve("cut.evtx"), Arrays.copyOf(whole, recordsEnd - 10));

        List<EventRecord> read = readAll(file);

        assertThat(read).isNotEmpty().hasSizeLessThan(written.size());
        assertThat(written).startsWith(read.toArray(EventRecord[]::new));
        assertThat(errors).extracting(SourceError::kind).contains("truncated");
    }

    @Test
    void aFileThatIsNotEvtxGivesAnErrorAndNoEvents() throws IOException {
        Path file = Files.writeString(dir.resolve("notes.evtx"), "<Events></Events>\n".repeat(400));

        assertThat(readAll(file)).isEmpty();
        assertThat(errors).extracting(SourceError::kind).contains("bad_file_header");
    }

    @Test
    void anEmptyFileGivesATruncationErrorAndNoEvents() throws IOException {
        Path file = Files.write(dir.resolve("empty.evtx"), new byte[0]);

        assertThat(readAll(file)).isEmpty();
        assertThat(errors).extracting(SourceError::kind).containsExactly("truncated");
    }

    @Test
    void aDirtyHeaderThatUndercountsChunksDoesNotHideLaterChunks() throws IOException {
        List<EventRecord> written = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            written.add(KbEvtxFixtures.goodBackup(T0.plusSeconds(i), 1 + i).get(0).toBuilder()
                    .data(List.of(EventData.unnamed("y".repeat(4000)))).build());
        }
        byte[] bytes = writeBytes(written);
        bytes[42] = 1;
        bytes[43] = 0;
        Path file = Files.write(dir.resolve("dirty.evtx"), bytes);

        assertThat(readAll(file)).containsExactlyElementsOf(written);
        assertThat(errors).extracting(SourceError::kind).containsExactly("header_crc");
    }

    private static byte[] writeBytes(List<EventRecord> events) {
        EvtxWriter writer = new EvtxWriter();
        events.forEach(writer::add);
        return writer.toBytes();
    }

    private static int readFreeSpace(byte[] file) {
        int at = EvtxFile.HEADER_BLOCK_SIZE + 0x30;
        return (file[at] & 0xFF) | (file[at + 1] & 0xFF) << 8 | (file[at + 2] & 0xFF) << 16;
    }

    private static byte[] concat(byte[]... parts) {
        int length = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
