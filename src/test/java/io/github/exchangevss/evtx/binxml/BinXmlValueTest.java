package io.github.exchangevss.evtx.binxml;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BinXmlValueTest {
    private static BinXmlValue typed(int type, int... bytes) {
        byte[] buffer = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            buffer[i] = (byte) bytes[i];
        }
        BinXmlValue value = new BinXmlValue();
        value.setTyped(type, buffer, 0, buffer.length);
        return value;
    }

    @Test
    void sizeTIsReadAsFourOrEightBytesAndTooShortIsNoNumber() {
        assertThat(typed(ValueType.SIZE_T, 1, 2, 0, 0, 0, 0, 0, 1).asLong()).isEqualTo(0x0100_0000_0000_0201L);
        assertThat(typed(ValueType.SIZE_T, 1, 2, 0, 0).asLong()).isEqualTo(0x201L);
        assertThat(typed(ValueType.SIZE_T, 1, 2).asLong()).isNull();
        assertThat(typed(ValueType.SIZE_T).asLong()).isNull();
    }

    @Test
    void fixedSizeIntegersShorterThanTheirTypeAreNoNumber() {
        assertThat(typed(ValueType.UINT32, 1, 2).asLong()).isNull();
        assertThat(typed(ValueType.INT16, 0xFF, 0xFF).asLong()).isEqualTo(-1L);
    }
}
