package io.github.exchangevss.evtx.binxml;

/** The substitution values of one template instance: type, offset and length of each, in the chunk buffer. */
public final class Substitutions {
    private final byte[] buffer;
    private final int[] types;
    private final int[] offsets;
    private final int[] lengths;

    Substitutions(byte[] buffer, int[] types, int[] offsets, int[] lengths) {
        this.buffer = buffer;
        this.types = types;
        this.offsets = offsets;
        this.lengths = lengths;
    }

    public int count() {
        return types.length;
    }

    public byte[] buffer() {
        return buffer;
    }

    public int type(int i) {
        return types[i];
    }

    public int offset(int i) {
        return offsets[i];
    }

    public int length(int i) {
        return lengths[i];
    }
}
