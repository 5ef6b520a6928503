package io.github.exchangevss.evtx;

import static io.github.exchangevss.evtx.binxml.Bytes.i32;
import static io.github.exchangevss.evtx.binxml.Bytes.i64;
import static io.github.exchangevss.evtx.binxml.Bytes.u32;

import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.evtx.binxml.BinXmlParser;
import io.github.exchangevss.evtx.binxml.BinXmlWalker;
import io.github.exchangevss.source.SourceError;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * One 64 KiB chunk ({@code ElfChnk\0}): a 512-byte header with CRC32s, then event records. Chunks are
 * independent (each has its own name and template references), so they can be decoded in parallel, one
 * thread per chunk.
 */
public final class EvtxChunk {
    public static final int SIZE = 0x10000;
    static final int HEADER_SIZE = 0x200;
    private static final byte[] MAGIC = {'E', 'l', 'f', 'C', 'h', 'n', 'k', 0};
    private static final int RECORD_MAGIC = 0x00002A2A;
    private static final int RECORD_HEADER_SIZE = 24;
    /** Record header plus the trailing size copy. */
    private static final int RECORD_OVERHEAD = RECORD_HEADER_SIZE + 4;

    /** Turns one record's BinXML into a result; used for the event model and for XML rendering alike. */
    @FunctionalInterface
    public interface RecordDecoder<T> {
        /** @return the decoded record, or null when the data holds no event */
        T decode(BinXmlWalker walker, int start, int end, long headerRecordId, long headerWrittenTime);
    }

    private final String fileName;
    private final int index;
    private final long fileOffset;
    private final byte[] data;
    private final int length;
    private final boolean validateChecksums;

    EvtxChunk(String fileName, int index, long fileOffset, byte[] data, int length, boolean validateChecksums) {
        this.fileName = fileName;
        this.index = index;
        this.fileOffset = fileOffset;
        this.data = data;
        this.length = length;
        this.validateChecksums = validateChecksums;
    }

    public int index() {
        return index;
    }

    public long fileOffset() {
        return fileOffset;
    }

    /** Decodes every readable record into the event model, in chunk order. */
    public void decode(Consumer<EventRecord> records, Consumer<SourceError> errors) {
        EventRecordHandler handler = new EventRecordHandler();
        records((walker, start, end, id, written) -> {
            handler.reset();
            walker.walkRecord(start, end, handler);
            return handler.build(id, written);
        }, records, errors);
    }

    /**
     * Walks the records from the first one up to the free-space offset, giving each to {@code decoder}.
     * A problem is reported once with its file offset; a bad record is skipped, and only a record whose
     * size field cannot be trusted ends the walk of this chunk.
     */
    public <T> void records(RecordDecoder<T> decoder, Consumer<T> out, Consumer<SourceError> errors) {
        if (isAllZero()) {
            return;
        }
        if (length < HEADER_SIZE) {
            errors.accept(error("truncated", 0, "chunk " + index + " has only " + length + " bytes, header needs 512"));
            return;
        }
        if (!Arrays.equals(data, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            errors.accept(error("bad_chunk_magic", 0, "chunk " + index + " does not start with ElfChnk"));
            return;
        }
        int freeSpace = i32(data, 0x30);
        int dataEnd = freeSpace;
        if (freeSpace < HEADER_SIZE || freeSpace > SIZE) {
            errors.accept(error("bad_chunk_header", 0x30, "chunk " + index + " free space offset 0x"
                    + Integer.toHexString(freeSpace) + " outside the chunk; reading up to its end"));
            dataEnd = length;
        } else if (freeSpace > length) {
            errors.accept(error("truncated", length, "chunk " + index + " ends at 0x" + Integer.toHexString(length)
                    + " before its free space offset 0x" + Integer.toHexString(freeSpace)));
            dataEnd = length;
        }
        if (validateChecksums) {
            checkCrc(dataEnd, errors);
        }
        BinXmlWalker walker = new BinXmlWalker(new BinXmlParser(data, length));
        int pos = HEADER_SIZE;
        long previousId = -1;
        boolean pastFreeSpace = false;
        while (true) {
            if (pos + RECORD_OVERHEAD > dataEnd) {
                // A chunk copied while being written can hold records its header does not count yet.
                if (pastFreeSpace || !continuesAt(pos, previousId)) {
                    return;
                }
                errors.accept(error("bad_chunk_header", pos, "chunk " + index + ": records continue past the free"
                        + " space offset 0x" + Integer.toHexString(dataEnd) + "; reading them"));
                pastFreeSpace = true;
                dataEnd = length;
            }
            if (i32(data, pos) != RECORD_MAGIC) {
                if (!pastFreeSpace) {
                    errors.accept(error("bad_record", pos, "chunk " + index + " record after " + previousId
                            + ": no record magic; rest of the chunk skipped"));
                }
                return;
            }
            long size = u32(data, pos + 4);
            long headerId = i64(data, pos + 8);
            if (size < RECORD_OVERHEAD || pos + size > length) {
                errors.accept(error("bad_record", pos, "chunk " + index + " record " + headerId + ": size " + size
                        + " does not fit the chunk; rest of the chunk skipped"));
                return;
            }
            int recordSize = (int) size;
            if (u32(data, pos + recordSize - 4) != size) {
                errors.accept(error("truncated", pos, "chunk " + index + " record " + headerId
                        + ": size copy at the end differs from the size " + size + "; record read as far as it goes"));
            }
            decodeRecord(decoder, walker, out, errors, pos, recordSize, headerId);
            previousId = headerId;
            pos += recordSize;
        }
    }

    /** Whether a well-formed record with the next record number starts at {@code pos}. */
    private boolean continuesAt(int pos, long previousId) {
        if (previousId < 0 || pos + RECORD_OVERHEAD > length || i32(data, pos) != RECORD_MAGIC) {
            return false;
        }
        long size = u32(data, pos + 4);
        return i64(data, pos + 8) == previousId + 1 && size >= RECORD_OVERHEAD && pos + size <= length
                && u32(data, pos + (int) size - 4) == size;
    }

    private <T> void decodeRecord(RecordDecoder<T> decoder, BinXmlWalker walker, Consumer<T> out,
                                  Consumer<SourceError> errors, int pos, int size, long headerId) {
        T result;
        try {
            result = decoder.decode(walker, pos + RECORD_HEADER_SIZE, pos + size - 4, headerId, i64(data, pos + 16));
        } catch (EvtxFormatException e) {
            int at = e.offset() > pos ? (int) e.offset() : pos;
            errors.accept(error("bad_record", at, "chunk " + index + " record " + headerId + ": " + e.getMessage()));
            return;
        } catch (RuntimeException e) {
            // A decoding bug must not end the file: report it like bad data and go on.
            errors.accept(error("bad_record", pos, "chunk " + index + " record " + headerId + ": decoder failure " + e));
            return;
        }
        if (result == null) {
            errors.accept(error("bad_record", pos, "chunk " + index + " record " + headerId + ": no Event element"));
            return;
        }
        out.accept(result);
    }

    private void checkCrc(int dataEnd, Consumer<SourceError> errors) {
        CRC32 crc = new CRC32();
        crc.update(data, 0, 0x78);
        crc.update(data, 0x80, HEADER_SIZE - 0x80);
        if (crc.getValue() != u32(data, 0x7C)) {
            errors.accept(error("chunk_crc", 0x7C, "chunk " + index + " header checksum mismatch"));
        }
        crc.reset();
        crc.update(data, HEADER_SIZE, dataEnd - HEADER_SIZE);
        if (crc.getValue() != u32(data, 0x34)) {
            errors.accept(error("chunk_crc", 0x34, "chunk " + index + " record data checksum mismatch"));
        }
    }

    private boolean isAllZero() {
        for (int i = 0; i < length; i++) {
            if (data[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private SourceError error(String kind, int chunkOffset, String message) {
        return new SourceError(kind, location(fileName, fileOffset + chunkOffset), message);
    }

    static String location(String fileName, long offset) {
        return fileName + "@0x" + Long.toHexString(offset);
    }
}
