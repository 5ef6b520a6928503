package io.github.exchangevss.evtx.binxml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.exchangevss.evtx.EvtxFormatException;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BinXmlParserTest {
    private static final int CHUNK = 64 * 1024;
    private static final int FRAGMENT = 0x10;
    private static final int NAME = 0x100;

    /**
     * A damaged record whose element name offset lands on a name of 30,000 characters and whose start tag is not
     * closed: the error is made for every record that does this, so it must not carry the name whole.
     */
    @Test
    void errorsQuoteAnOverlongNameShortenedSoThatEveryRecordCostsLittle() {
        byte[] chunk = new byte[CHUNK];
        int chars = 30_000;
        chunk[FRAGMENT] = 0x01;
        putInt(chunk, FRAGMENT + 5, NAME);
        chunk[FRAGMENT + 9] = 0x05;
        chunk[NAME + 6] = (byte) chars;
        chunk[NAME + 7] = (byte) (chars >>> 8);
        Arrays.fill(chunk, NAME + 8, NAME + 8 + 2 * chars, (byte) 'n');
        for (int i = NAME + 9; i < NAME + 8 + 2 * chars; i += 2) {
            chunk[i] = 0;
        }
        BinXmlParser parser = new BinXmlParser(chunk, CHUNK);
        // The first record reads the name into the chunk's cache; that is allowed once.
        catchThrowableOfType(EvtxFormatException.class, () -> parser.parseFragment(FRAGMENT, FRAGMENT + 16));
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

        long before = threads.getCurrentThreadAllocatedBytes();
        int records = 200;
        for (int i = 0; i < records; i++) {
            EvtxFormatException e = catchThrowableOfType(EvtxFormatException.class,
                    () -> parser.parseFragment(FRAGMENT, FRAGMENT + 16));
            assertThat(e.getMessage()).hasSizeLessThan(200).contains("nnnn", "30000 characters");
        }
        long perRecord = (threads.getCurrentThreadAllocatedBytes() - before) / records;

        assertThat(perRecord).as("bytes allocated per damaged record").isLessThan(2 * chars);
    }

    private static void putInt(byte[] b, int at, int value) {
        for (int k = 0; k < 4; k++) {
            b[at + k] = (byte) (value >>> (8 * k));
        }
    }
}
