package io.github.exchangevss.evtx.binxml;

import static io.github.exchangevss.evtx.binxml.Bytes.i32;
import static io.github.exchangevss.evtx.binxml.Bytes.i64;
import static io.github.exchangevss.evtx.binxml.Bytes.u16;
import static io.github.exchangevss.evtx.binxml.Bytes.u32;

import io.github.exchangevss.event.FileTime;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Text of a BinXML value as the reference parsers (python-evtx, libevtx) write it: decimal integers,
 * zero-padded {@code 0x} hex for HexInt32/64, decimal SizeT, {@code True}/{@code False}, uppercase hex
 * binary, lowercase braced GUIDs, {@code S-1-...} SIDs. FILETIME and SYSTEMTIME use the ISO form Windows
 * writes in exported XML ({@code 2017-07-12T17:16:05.4992580Z}).
 */
public final class ValueFormatter {
    private static final HexFormat HEX_UPPER = HexFormat.of().withUpperCase();
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

    private ValueFormatter() {}

    /** One value; arrays are rendered as their items joined by ", " (see {@link #items} for splitting). */
    public static String format(int type, byte[] b, int off, int len) {
        if (ValueType.isArray(type)) {
            return String.join(", ", items(type, b, off, len));
        }
        int size = ValueType.fixedSize(type);
        if (size > 0 && len < size) {
            // A short fixed-size value cannot be decoded; show its bytes rather than fail the record.
            return HEX_UPPER.formatHex(b, off, off + len);
        }
        return switch (type) {
            case ValueType.NULL -> "";
            case ValueType.STRING -> utf16(b, off, len);
            case ValueType.ANSI_STRING -> ansi(b, off, len);
            case ValueType.INT8 -> Integer.toString(b[off]);
            case ValueType.UINT8 -> Integer.toString(b[off] & 0xFF);
            case ValueType.INT16 -> Integer.toString((short) u16(b, off));
            case ValueType.UINT16 -> Integer.toString(u16(b, off));
            case ValueType.INT32 -> Integer.toString(i32(b, off));
            case ValueType.UINT32 -> Long.toString(u32(b, off));
            case ValueType.INT64 -> Long.toString(i64(b, off));
            case ValueType.UINT64 -> Long.toUnsignedString(i64(b, off));
            case ValueType.REAL32 -> pythonFloat(Float.intBitsToFloat(i32(b, off)));
            case ValueType.REAL64 -> pythonFloat(Double.longBitsToDouble(i64(b, off)));
            case ValueType.BOOL -> i32(b, off) != 0 ? "True" : "False";
            case ValueType.BINARY, ValueType.EVT_HANDLE, ValueType.EVT_XML -> HEX_UPPER.formatHex(b, off, off + len);
            case ValueType.GUID -> guid(b, off);
            case ValueType.SIZE_T -> len >= 8 ? Long.toUnsignedString(i64(b, off))
                    : len >= 4 ? Long.toString(u32(b, off)) : HEX_UPPER.formatHex(b, off, off + len);
            case ValueType.FILETIME -> fileTime(i64(b, off));
            case ValueType.SYSTEMTIME -> systemTime(b, off);
            case ValueType.SID -> sid(b, off, len);
            case ValueType.HEX_INT32 -> "0x" + zeroPaddedHex(u32(b, off), 8);
            case ValueType.HEX_INT64 -> "0x" + zeroPaddedHex(i64(b, off), 16);
            default -> HEX_UPPER.formatHex(b, off, off + len);
        };
    }

    /** The items of an array value; a string array is split at its NUL terminators. */
    public static List<String> items(int type, byte[] b, int off, int len) {
        int itemType = type & ~ValueType.ARRAY;
        List<String> out = new ArrayList<>();
        if (itemType == ValueType.STRING) {
            int start = off;
            int end = off + (len & ~1);
            for (int i = off; i < end; i += 2) {
                if (b[i] == 0 && b[i + 1] == 0) {
                    out.add(new String(b, start, i - start, StandardCharsets.UTF_16LE));
                    start = i + 2;
                }
            }
            if (start < end) {
                out.add(new String(b, start, end - start, StandardCharsets.UTF_16LE));
            }
            return out;
        }
        if (itemType == ValueType.ANSI_STRING) {
            int start = off;
            for (int i = off; i < off + len; i++) {
                if (b[i] == 0) {
                    out.add(new String(b, start, i - start, StandardCharsets.ISO_8859_1));
                    start = i + 1;
                }
            }
            if (start < off + len) {
                out.add(new String(b, start, off + len - start, StandardCharsets.ISO_8859_1));
            }
            return out;
        }
        int size = itemType == ValueType.SIZE_T ? 8 : ValueType.fixedSize(itemType);
        if (size == 0) {
            out.add(HEX_UPPER.formatHex(b, off, off + len));
            return out;
        }
        for (int i = off; i + size <= off + len; i += size) {
            out.add(format(itemType, b, i, size));
        }
        return out;
    }

    /** UTF-16LE text without the NUL terminator(s) writers leave at the end. */
    public static String utf16(byte[] b, int off, int len) {
        int end = off + (len & ~1);
        while (end - 2 >= off && b[end - 2] == 0 && b[end - 1] == 0) {
            end -= 2;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_16LE);
    }

    private static String ansi(byte[] b, int off, int len) {
        int end = off + len;
        while (end > off && b[end - 1] == 0) {
            end--;
        }
        return new String(b, off, end - off, StandardCharsets.ISO_8859_1);
    }

    private static String guid(byte[] b, int off) {
        StringBuilder sb = new StringBuilder(38).append('{');
        sb.append(zeroPaddedHex(u32(b, off), 8)).append('-');
        sb.append(zeroPaddedHex(u16(b, off + 4), 4)).append('-');
        sb.append(zeroPaddedHex(u16(b, off + 6), 4)).append('-');
        HexFormat hex = HexFormat.of();
        sb.append(hex.formatHex(b, off + 8, off + 10)).append('-');
        sb.append(hex.formatHex(b, off + 10, off + 16)).append('}');
        return sb.toString();
    }

    private static String sid(byte[] b, int off, int len) {
        if (len < 8) {
            return HEX_UPPER.formatHex(b, off, off + len);
        }
        int revision = b[off] & 0xFF;
        int count = b[off + 1] & 0xFF;
        long authority = 0;
        for (int i = 2; i < 8; i++) {
            authority = authority << 8 | (b[off + i] & 0xFF);
        }
        StringBuilder sb = new StringBuilder("S-").append(revision).append('-').append(authority);
        for (int i = 0; i < count && 8 + 4 * i + 4 <= len; i++) {
            sb.append('-').append(u32(b, off + 8 + 4 * i));
        }
        return sb.toString();
    }

    /** FILETIME as Windows writes it in XML: seconds plus seven fraction digits, UTC. */
    public static String fileTime(long fileTime) {
        Instant t = FileTime.toInstant(fileTime);
        LocalDateTime local = LocalDateTime.ofEpochSecond(t.getEpochSecond(), 0, ZoneOffset.UTC);
        return SECONDS.format(local) + '.' + zeroPaddedDecimal(t.getNano() / 100, 7) + 'Z';
    }

    private static String systemTime(byte[] b, int off) {
        // year, month, day-of-week, day, hour, minute, second, milliseconds: eight 16-bit fields
        return zeroPaddedDecimal(u16(b, off), 4) + '-' + zeroPaddedDecimal(u16(b, off + 2), 2) + '-'
                + zeroPaddedDecimal(u16(b, off + 6), 2) + 'T' + zeroPaddedDecimal(u16(b, off + 8), 2) + ':'
                + zeroPaddedDecimal(u16(b, off + 10), 2) + ':' + zeroPaddedDecimal(u16(b, off + 12), 2) + '.'
                + zeroPaddedDecimal(u16(b, off + 14), 3) + 'Z';
    }

    private static String zeroPaddedHex(long v, int digits) {
        String s = Long.toHexString(v);
        return s.length() >= digits ? s : "0".repeat(digits - s.length()) + s;
    }

    private static String zeroPaddedDecimal(long v, int digits) {
        String s = Long.toString(v);
        return s.length() >= digits ? s : "0".repeat(digits - s.length()) + s;
    }

    /** Python's str(float): shortest round-trip digits, plain between 1e-4 and 1e16, else exponent form. */
    static String pythonFloat(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == 0) {
            return (1 / v < 0) ? "-0.0" : "0.0";
        }
        BigDecimal shortest = new BigDecimal(Double.toString(v)).stripTrailingZeros();
        double abs = Math.abs(v);
        if (abs >= 1e-4 && abs < 1e16) {
            String plain = shortest.toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        String digits = shortest.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - shortest.scale();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return (v < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+")
                + zeroPaddedDecimal(Math.abs(exponent), 2);
    }
}
