package io.github.exchangevss.evtx.binxml;

import io.github.exchangevss.evtx.EvtxFormatException;

/** Bounds-checked little-endian reads; every failure names the offset and what was being read. */
public final class Bytes {
    private Bytes() {}

    public static void require(int offset, int length, int limit, String what) {
        if (offset < 0 || length < 0 || offset > limit - length) {
            throw new EvtxFormatException(offset,
                    what + ": needs " + length + " bytes at chunk offset 0x" + Integer.toHexString(Math.max(offset, 0))
                            + ", only " + Math.max(0, limit - offset) + " left");
        }
    }

    public static int u8(byte[] b, int off) {
        return b[off] & 0xFF;
    }

    public static int u16(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }

    public static int i32(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
    }

    public static long u32(byte[] b, int off) {
        return i32(b, off) & 0xFFFF_FFFFL;
    }

    public static long i64(byte[] b, int off) {
        return (i32(b, off) & 0xFFFF_FFFFL) | (long) i32(b, off + 4) << 32;
    }
}
