package io.github.exchangevss.evtx;

import static io.github.exchangevss.evtx.binxml.Bytes.i32;
import static io.github.exchangevss.evtx.binxml.Bytes.u16;
import static io.github.exchangevss.evtx.binxml.Bytes.u32;

import io.github.exchangevss.source.SourceError;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * An EVTX file: a 4 KiB header ({@code ElfFile\0}) followed by 64 KiB chunks. The number of chunks comes
 * from the file size, not the header: a log copied while in use ("dirty") has valid chunks past the
 * header's count. Chunks are read on demand with positional reads, so several threads may read and
 * decode different chunks at once.
 */
public final class EvtxFile implements Closeable {
    public static final int HEADER_BLOCK_SIZE = 0x1000;
    private static final byte[] MAGIC = {'E', 'l', 'f', 'F', 'i', 'l', 'e', 0};
    private static final int FLAG_NO_CRC32 = 0x4;

    private final String fileName;
    private final FileChannel channel;
    private final long size;
    private final boolean validateChecksums;
    private final int headerChunkCount;

    private EvtxFile(String fileName, FileChannel channel, long size, boolean validateChecksums,
                     int headerChunkCount) {
        this.fileName = fileName;
        this.channel = channel;
        this.size = size;
        this.validateChecksums = validateChecksums;
        this.headerChunkCount = headerChunkCount;
    }

    /** Opens with checksum validation: mismatches are reported, and the data is still decoded. */
    public static EvtxFile open(Path path, Consumer<SourceError> errors) throws IOException {
        return open(path, true, errors);
    }

    /**
     * Reads and checks the file header; problems go to {@code errors} and reading goes on with the chunks.
     * Checksums are not checked when {@code validateChecksums} is false or the header says the file has none.
     */
    public static EvtxFile open(Path path, boolean validateChecksums, Consumer<SourceError> errors) throws IOException {
        String fileName = String.valueOf(path.getFileName());
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            long size = channel.size();
            byte[] header = new byte[HEADER_BLOCK_SIZE];
            int read = readFully(channel, header, 0);
            int headerChunkCount = 0;
            int flags = 0;
            if (read < 0x80) {
                errors.accept(new SourceError("truncated", EvtxChunk.location(fileName, 0),
                        "file has " + size + " bytes, too short for an EVTX header"));
            } else if (!hasMagic(header)) {
                errors.accept(new SourceError("bad_file_header", EvtxChunk.location(fileName, 0),
                        "file does not start with ElfFile; looking for chunks anyway"));
            } else {
                headerChunkCount = u16(header, 0x2A);
                flags = i32(header, 0x78);
                boolean hasCrc = (flags & FLAG_NO_CRC32) == 0;
                if (validateChecksums && hasCrc) {
                    CRC32 crc = new CRC32();
                    crc.update(header, 0, 0x78);
                    if (crc.getValue() != u32(header, 0x7C)) {
                        errors.accept(new SourceError("header_crc", EvtxChunk.location(fileName, 0x7C),
                                "file header checksum mismatch"));
                    }
                }
            }
            boolean checkChunks = validateChecksums && (flags & FLAG_NO_CRC32) == 0;
            return new EvtxFile(fileName, channel, size, checkChunks, headerChunkCount);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Whether these bytes (at least 8) start an EVTX file. */
    public static boolean hasMagic(byte[] head) {
        return head.length >= MAGIC.length && Arrays.equals(head, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    public String fileName() {
        return fileName;
    }

    /** Chunk slots in the file, the last one possibly truncated. */
    public int chunkCount() {
        long slots = (size - HEADER_BLOCK_SIZE + EvtxChunk.SIZE - 1) / EvtxChunk.SIZE;
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, slots));
    }

    /** The chunk count the header claims; smaller than {@link #chunkCount()} in dirty files. */
    public int headerChunkCount() {
        return headerChunkCount;
    }

    /** Reads chunk {@code index}; a chunk cut short by the end of the file has fewer bytes. */
    public EvtxChunk chunk(int index) throws IOException {
        long offset = HEADER_BLOCK_SIZE + (long) index * EvtxChunk.SIZE;
        byte[] data = new byte[EvtxChunk.SIZE];
        int length = Math.max(0, readFully(channel, data, offset));
        return new EvtxChunk(fileName, index, offset, data, length, validateChecksums);
    }

    private static int readFully(FileChannel channel, byte[] into, long position) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(into);
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                break;
            }
        }
        return buffer.position();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
