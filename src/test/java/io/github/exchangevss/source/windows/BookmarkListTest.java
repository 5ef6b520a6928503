package io.github.exchangevss.source.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BookmarkListTest {
    /** As EvtRender(EvtRenderBookmark) lays out a bookmark of a query over two channels. */
    private static final String RENDERED = "<BookmarkList>\r\n"
            + "  <Bookmark Channel='Application' RecordId='100260' IsCurrent='true'/>\r\n"
            + "  <Bookmark Channel='ForwardedEvents' RecordId='58814'/>\r\n"
            + "</BookmarkList>";

    @Test
    void readsTheRecordOfEveryChannelInOrder() {
        assertThat(BookmarkList.parse(RENDERED).recordIds())
                .containsExactly(Map.entry("Application", 100260L), Map.entry("ForwardedEvents", 58814L));
    }

    @Test
    void anEmptyBookmarkHasNoChannel() {
        assertThat(BookmarkList.parse("<BookmarkList/>").recordIds()).isEmpty();
    }

    @Test
    void writesWhatItReadsAndOneChannelAlone() {
        Map<String, Long> ids = new LinkedHashMap<>();
        ids.put("Application", 100260L);
        ids.put("ForwardedEvents", 58814L);
        BookmarkList list = BookmarkList.of(ids);

        assertThat(BookmarkList.parse(list.toXml())).isEqualTo(list);
        assertThat(list.channelXml("ForwardedEvents"))
                .isEqualTo("<BookmarkList><Bookmark Channel='ForwardedEvents' RecordId='58814' IsCurrent='true'/></BookmarkList>");
        assertThat(list.channelXml("System")).isNull();
    }

    @Test
    void escapesChannelNamesItWrites() {
        BookmarkList list = BookmarkList.of(Map.of("Vendor-App's <Ops>&Log", 7L));
        assertThat(BookmarkList.parse(list.toXml())).isEqualTo(list);
    }

    @Test
    void rejectsWhatIsNoBookmarkNamingTheProblem() {
        assertThatThrownBy(() -> BookmarkList.parse("position=42"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not well-formed");
        assertThatThrownBy(() -> BookmarkList.parse("<Bookmark Channel='Application' RecordId='1'/>"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no <BookmarkList>");
        assertThatThrownBy(() -> BookmarkList.parse("<BookmarkList><Bookmark Channel='Application'/></BookmarkList>"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RecordId");
        assertThatThrownBy(() -> BookmarkList.parse("<BookmarkList><Bookmark Channel='Application' RecordId='x'/></BookmarkList>"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a number");
    }

    @Test
    void neverReadsADocumentTypeDefinition() {
        String withEntity = "<!DOCTYPE BookmarkList [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
                + "<BookmarkList><Bookmark Channel='&x;' RecordId='1'/></BookmarkList>";
        assertThatThrownBy(() -> BookmarkList.parse(withEntity)).isInstanceOf(IllegalArgumentException.class);
    }
}
