package io.github.exchangevss.source.windows;

import io.github.exchangevss.source.xml.SafeXml;
import java.io.StringReader;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The position of every channel, in the XML form of a wevtapi bookmark:
 * {@code <BookmarkList><Bookmark Channel='Application' RecordId='100242' IsCurrent='true'/></BookmarkList>}.
 *
 * <p>Each channel has its own subscription and bookmark handle (so a cleared or wrapped channel can be
 * resumed on its own); the checkpoint handed to the sink joins them into one list of the same form
 * Windows renders for a multi-channel bookmark.
 */
public final class BookmarkList {
    private final Map<String, Long> recordIds;

    private BookmarkList(Map<String, Long> recordIds) {
        this.recordIds = Collections.unmodifiableMap(new LinkedHashMap<>(recordIds));
    }

    public static BookmarkList of(Map<String, Long> recordIds) {
        return new BookmarkList(recordIds);
    }

    /**
     * Reads bookmark XML as EvtRender(EvtRenderBookmark) writes it.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static BookmarkList parse(String xml) {
        Map<String, Long> ids = new LinkedHashMap<>();
        try {
            XMLStreamReader r = SafeXml.reader(new StringReader(xml));
            boolean root = false;
            while (r.hasNext()) {
                if (r.next() != XMLStreamConstants.START_ELEMENT) {
                    continue;
                }
                switch (r.getLocalName()) {
                    case "BookmarkList" -> root = true;
                    case "Bookmark" -> {
                        String channel = r.getAttributeValue(null, "Channel");
                        String recordId = r.getAttributeValue(null, "RecordId");
                        if (channel == null || recordId == null) {
                            throw new IllegalArgumentException("bookmark without Channel or RecordId: " + xml);
                        }
                        ids.put(channel, Long.parseLong(recordId));
                    }
                    default -> throw new IllegalArgumentException("unexpected <" + r.getLocalName() + "> in bookmark");
                }
            }
            if (!root) {
                throw new IllegalArgumentException("no <BookmarkList> element in bookmark");
            }
        } catch (XMLStreamException e) {
            // The JDK's message spans lines ("ParseError at [row,col]:[1,1]\nMessage: ..."): keep the log line whole.
            throw new IllegalArgumentException("bookmark is not well-formed XML: "
                    + String.valueOf(e.getMessage()).replaceAll("\\s+", " "), e);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bookmark RecordId is not a number: " + e.getMessage(), e);
        }
        return new BookmarkList(ids);
    }

    /** Channel to the record ID of the last event read from it, in the order the channels were added. */
    public Map<String, Long> recordIds() {
        return recordIds;
    }

    /** The bookmark of one channel alone, as EvtCreateBookmark accepts it; null when the channel has none. */
    public String channelXml(String channel) {
        Long id = recordIds.get(channel);
        return id == null ? null : render(Map.of(channel, id));
    }

    public String toXml() {
        return render(recordIds);
    }

    private static String render(Map<String, Long> ids) {
        StringBuilder xml = new StringBuilder("<BookmarkList>");
        boolean first = true;
        for (Map.Entry<String, Long> e : ids.entrySet()) {
            xml.append("<Bookmark Channel='").append(escape(e.getKey())).append("' RecordId='").append(e.getValue())
                    .append(first ? "' IsCurrent='true'/>" : "'/>");
            first = false;
        }
        return xml.append("</BookmarkList>").toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace("'", "&apos;");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BookmarkList b && recordIds.equals(b.recordIds);
    }

    @Override
    public int hashCode() {
        return recordIds.hashCode();
    }

    @Override
    public String toString() {
        return toXml();
    }
}
