package io.github.exchangevss.evtx;

/**
 * The bytes at {@link #offset()} do not form what the format expects there. Unchecked so the decoder
 * stays readable; {@link EvtxChunk} catches it per record and reports it with the file offset.
 */
public class EvtxFormatException extends RuntimeException {
    private final long offset;

    public EvtxFormatException(long offset, String message) {
        super(message);
        this.offset = offset;
    }

    /** Offset inside the chunk where the problem was found. */
    public long offset() {
        return offset;
    }
}
