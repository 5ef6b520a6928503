package io.github.exchangevss.evtx.binxml;

/** BinXML value type codes (MS-EVEN6 2.2.4); {@link #ARRAY} is or-ed into a type for arrays of it. */
public final class ValueType {
    public static final int NULL = 0x00;
    public static final int STRING = 0x01;
    public static final int ANSI_STRING = 0x02;
    public static final int INT8 = 0x03;
    public static final int UINT8 = 0x04;
    public static final int INT16 = 0x05;
    public static final int UINT16 = 0x06;
    public static final int INT32 = 0x07;
    public static final int UINT32 = 0x08;
    public static final int INT64 = 0x09;
    public static final int UINT64 = 0x0A;
    public static final int REAL32 = 0x0B;
    public static final int REAL64 = 0x0C;
    public static final int BOOL = 0x0D;
    public static final int BINARY = 0x0E;
    public static final int GUID = 0x0F;
    public static final int SIZE_T = 0x10;
    public static final int FILETIME = 0x11;
    public static final int SYSTEMTIME = 0x12;
    public static final int SID = 0x13;
    public static final int HEX_INT32 = 0x14;
    public static final int HEX_INT64 = 0x15;
    public static final int EVT_HANDLE = 0x20;
    public static final int BINXML = 0x21;
    public static final int EVT_XML = 0x23;
    public static final int ARRAY = 0x80;

    private ValueType() {}

    /** Size of one item of a fixed-size type, 0 for variable-size types. SizeT depends on the writer's pointer size. */
    public static int fixedSize(int type) {
        return switch (type & ~ARRAY) {
            case INT8, UINT8 -> 1;
            case INT16, UINT16 -> 2;
            case INT32, UINT32, REAL32, BOOL, HEX_INT32 -> 4;
            case INT64, UINT64, REAL64, FILETIME, HEX_INT64 -> 8;
            case GUID, SYSTEMTIME -> 16;
            default -> 0;
        };
    }

    public static boolean isArray(int type) {
        return (type & ARRAY) != 0;
    }
}
