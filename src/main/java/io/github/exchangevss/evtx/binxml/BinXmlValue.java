package io.github.exchangevss.evtx.binxml;

import io.github.exchangevss.evtx.EvtxFormatException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A value handed to a {@link BinXmlHandler}: literal text, or a typed value still in the chunk buffer so a
 * handler can read an integer or FILETIME without going through text. Reused between calls: a handler
 * must take what it needs before returning.
 */
public final class BinXmlValue {
    private String text;
    private int type;
    private byte[] buffer;
    private int offset;
    private int length;

    void setText(String text) {
        this.text = text;
        this.type = ValueType.STRING;
        this.buffer = null;
    }

    void setTyped(int type, byte[] buffer, int offset, int length) {
        this.text = null;
        this.type = type;
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
    }

    public int type() {
        return type;
    }

    public boolean isNull() {
        return text == null && (type == ValueType.NULL || length == 0);
    }

    public boolean isArray() {
        return text == null && ValueType.isArray(type);
    }

    public String asString() {
        return text != null ? text : ValueFormatter.format(type, buffer, offset, length);
    }

    public List<String> items() {
        return text != null ? List.of(text) : ValueFormatter.items(type, buffer, offset, length);
    }

    /** The value as an integer: integer types directly, text parsed as decimal or {@code 0x} hex; null otherwise. */
    public Long asLong() {
        if (text == null) {
            int size = ValueType.fixedSize(type);
            switch (type) {
                case ValueType.INT8, ValueType.INT16, ValueType.INT32, ValueType.INT64 -> {
                    return length >= size ? signed(size) : null;
                }
                case ValueType.UINT8, ValueType.UINT16, ValueType.UINT32, ValueType.UINT64,
                        ValueType.HEX_INT32, ValueType.HEX_INT64, ValueType.FILETIME -> {
                    return length >= size ? unsigned(size) : null;
                }
                case ValueType.SIZE_T -> {
                    // Not one nested conditional: "long : Long" would unbox the null of a too-short value.
                    if (length >= 8) {
                        return unsigned(8);
                    }
                    return length >= 4 ? Long.valueOf(unsigned(4)) : null;
                }
                case ValueType.STRING, ValueType.ANSI_STRING -> {
                    return parseLong(asString());
                }
                default -> {
                    return null;
                }
            }
        }
        return parseLong(text);
    }

    /** Binary content: the bytes of a binary value, or hex text decoded. */
    public byte[] asBytes() {
        if (text == null && type != ValueType.STRING && type != ValueType.ANSI_STRING) {
            return Arrays.copyOfRange(buffer, offset, offset + length);
        }
        String hex = asString().strip();
        try {
            return HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new EvtxFormatException(offset, "binary data is not hex text");
        }
    }

    private long unsigned(int size) {
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
            v = v << 8 | (buffer[offset + i] & 0xFF);
        }
        return v;
    }

    private long signed(int size) {
        long v = unsigned(size);
        int shift = 64 - 8 * size;
        return v << shift >> shift;
    }

    private static Long parseLong(String s) {
        String t = s.strip();
        try {
            if (t.startsWith("0x") || t.startsWith("0X")) {
                return Long.parseUnsignedLong(t.substring(2), 16);
            }
            return t.isEmpty() ? null : Long.parseLong(t);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
