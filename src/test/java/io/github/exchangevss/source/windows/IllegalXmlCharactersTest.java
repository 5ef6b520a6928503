package io.github.exchangevss.source.windows;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.exchangevss.event.EventData;
import io.github.exchangevss.source.xml.XmlEventReader;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Event data with every kind of character XML 1.0 forbids, raw or as a reference, still parses once stripped. */
class IllegalXmlCharactersTest {
    private static final String EVENT = "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
            + "<Provider Name='MSExchangeIS'/><EventID>9607</EventID><Level>2</Level>"
            + "<TimeCreated SystemTime='2024-03-08T01:10:00.0000000Z'/><EventRecordID>7</EventRecordID>"
            + "<Channel>Application</Channel><Computer>EXCH01</Computer></System><EventData><Data>%s</Data></EventData></Event>";
    private static final String[] ILLEGAL = {"\u0000", "\u0001", "\u0008", "\u000B", "\u000C", "\u000E", "\u001F",
            "\uFFFE", "\uFFFF", "\uD800", "\uDFFF", "&#x1;", "&#0;", "&#x0B;", "&#12;", "&#x1f;", "&#31;", "&#xFFFE;", "&#65535;"};
    private static final String[] LEGAL = {"a", "Z", "0", "é", "\u00A0", "\uD83D\uDE00", "&#x9;", "&#65;", "&amp;", "Backup",
            " in ", "progress."};

    @Test
    void strippingLeavesExactlyTheAllowedTextAndTheEventParses() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int i = 0; i < 3_000; i++) {
            StringBuilder data = new StringBuilder();
            StringBuilder expected = new StringBuilder();
            for (int n = random.nextInt(12); n >= 0; n--) {
                if (random.nextBoolean()) {
                    String illegal = ILLEGAL[random.nextInt(ILLEGAL.length)];
                    boolean wouldPair = illegal.equals("\uDFFF") && data.length() > 0
                            && Character.isHighSurrogate(data.charAt(data.length() - 1));
                    data.append(wouldPair ? "" : illegal); // a high and a low surrogate together are one legal character
                } else {
                    String legal = LEGAL[random.nextInt(LEGAL.length)];
                    data.append(legal);
                    expected.append(legal.replace("&#x9;", "\t").replace("&#65;", "A").replace("&amp;", "&"));
                }
            }
            String xml = WindowsEventSource.withoutIllegalCharacters(String.format(EVENT, data));
            String seen = XmlEventReader.parseEvent(xml).data().stream().map(EventData::value).findFirst().orElse("");
            assertThat(seen).as("seed %d, data %s", seed, data.toString().chars()
                    .mapToObj(c -> String.format("U+%04X", c)).toList()).isEqualTo(expected.toString());
        }
    }
}
