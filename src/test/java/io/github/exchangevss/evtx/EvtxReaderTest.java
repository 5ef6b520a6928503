package io.github.exchangevss.evtx;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.exchangevss.event.EventData;
import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.event.FileTime;
import io.github.exchangevss.evtx.binxml.ValueType;
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

    @Test
    void recordsPastAStaleFreeSpaceOffsetAreReportedAndRead() throws IOException {
        List<EventRecord> written = kbSequences();
        byte[] bytes = writeBytes(written);
        int chunk = EvtxFile.HEADER_BLOCK_SIZE;
        int firstRecordSize = (bytes[chunk + 0x204] & 0xFF) | (bytes[chunk + 0x205] & 0xFF) << 8;
        int staleFreeSpace = 0x200 + firstRecordSize;
        bytes[chunk + 0x30] = (byte) staleFreeSpace;
        bytes[chunk + 0x31] = (byte) (staleFreeSpace >> 8);
        Path file = Files.write(dir.resolve("stale.evtx"), bytes);

        assertThat(readAll(file)).containsExactlyElementsOf(written);
        assertThat(errors).extracting(SourceError::kind).contains("bad_chunk_header");
        assertThat(errors).filteredOn(e -> e.kind().equals("bad_chunk_header")).singleElement()
                .satisfies(e -> assertThat(e.location()).isEqualTo("stale.evtx@0x" + Integer.toHexString(chunk + staleFreeSpace)));
    }

    @Test
    void everyValueTypeIsRenderedAsTheReferenceParsersDo() throws IOException {
        EventRecord base = KbEvtxFixtures.goodBackup(T0, 1).get(0);
        byte[] guid = {(byte) 0xd5, 0x48, (byte) 0xf7, (byte) 0x94, 0x45, 0x4a, 0x42, 0x5a, 0, 0, 0, 0x10, (byte) 0xd2, 0x65, (byte) 0xf2, 0x0f};
        byte[] sid = {1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0};
        // year 2024, month 3, day of week 5, day 1, 02:03:04.005
        byte[] systemTime = {(byte) 0xE8, 0x07, 3, 0, 5, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0};
        List<EvtxWriter.TypedData> data = List.of(
                typed("Int8", ValueType.INT8, 0xFE), typed("UInt8", ValueType.UINT8, 0xFE),
                typed("Int16", ValueType.INT16, 0xFF, 0xFF), typed("UInt16", ValueType.UINT16, 0xFF, 0xFF),
                typed("Int32", ValueType.INT32, 0xFE, 0xFF, 0xFF, 0xFF), typed("UInt32", ValueType.UINT32, 0xFE, 0xFF, 0xFF, 0xFF),
                typed("Int64", ValueType.INT64, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF),
                typed("UInt64", ValueType.UINT64, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF),
                typed("Real32", ValueType.REAL32, 0, 0, 0xC0, 0x3F), typed("Real64", ValueType.REAL64, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F),
                typed("BoolTrue", ValueType.BOOL, 1, 0, 0, 0), typed("BoolFalse", ValueType.BOOL, 0, 0, 0, 0),
                new EvtxWriter.TypedData("Binary", ValueType.BINARY, new byte[] {(byte) 0xAB, 0x01}),
                new EvtxWriter.TypedData("Guid", ValueType.GUID, guid),
                typed("SizeT", ValueType.SIZE_T, 0xE7, 0x03, 0, 0, 0, 0, 0, 0),
                new EvtxWriter.TypedData("FileTime", ValueType.FILETIME, littleEndian(FileTime.fromInstant(T0))),
                new EvtxWriter.TypedData("SystemTime", ValueType.SYSTEMTIME, systemTime),
                new EvtxWriter.TypedData("Sid", ValueType.SID, sid),
                typed("HexInt32", ValueType.HEX_INT32, 0xE7, 0x03, 0, 0),
                typed("HexInt64", ValueType.HEX_INT64, 0xE7, 0x03, 0, 0, 0, 0, 0, 0),
                new EvtxWriter.TypedData("Ansi", ValueType.ANSI_STRING, "caf\u00e9\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)),
                new EvtxWriter.TypedData("Strings", ValueType.STRING | ValueType.ARRAY, EvtxWriter.utf16("one\0two\0")),
                typed("Ints", ValueType.UINT16 | ValueType.ARRAY, 1, 0, 2, 0),
                new EvtxWriter.TypedData("Missing", ValueType.NULL, null));
        Path file = new EvtxWriter().add(base, data).write(dir.resolve("types.evtx"));

        assertThat(readAll(file).get(0).data()).containsExactly(
                new EventData("Int8", "-2"), new EventData("UInt8", "254"),
                new EventData("Int16", "-1"), new EventData("UInt16", "65535"),
                new EventData("Int32", "-2"), new EventData("UInt32", "4294967294"),
                new EventData("Int64", "-1"), new EventData("UInt64", "18446744073709551615"),
                new EventData("Real32", "1.5"), new EventData("Real64", "1.5"),
                new EventData("BoolTrue", "True"), new EventData("BoolFalse", "False"),
                new EventData("Binary", "AB01"),
                new EventData("Guid", "{94f748d5-4a45-5a42-0000-0010d265f20f}"),
                new EventData("SizeT", "999"),
                new EventData("FileTime", "2024-03-01T01:00:00.1234567Z"),
                new EventData("SystemTime", "2024-03-01T02:03:04.005Z"),
                new EventData("Sid", "S-1-5-18"),
                new EventData("HexInt32", "0x000003e7"), new EventData("HexInt64", "0x00000000000003e7"),
                new EventData("Ansi", "caf\u00e9"),
                new EventData("Strings", "one"), new EventData("Strings", "two"),
                new EventData("Ints", "1"), new EventData("Ints", "2"),
                new EventData("Missing", ""));
        assertThat(errors).isEmpty();
    }

    private static byte[] littleEndian(long v) {
        return java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    private static EvtxWriter.TypedData typed(String name, int type, int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return new EvtxWriter.TypedData(name, type, b);
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
