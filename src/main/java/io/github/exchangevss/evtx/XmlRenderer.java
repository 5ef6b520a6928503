package io.github.exchangevss.evtx;

import io.github.exchangevss.evtx.binxml.BinXmlHandler;
import io.github.exchangevss.evtx.binxml.BinXmlValue;

/**
 * Renders a record's BinXML as XML text for people ({@code evtx dump --format xml}). The event model does
 * not go through this: {@link EvtxChunk#decode} builds records straight from the tokens.
 */
public final class XmlRenderer implements BinXmlHandler {
    private final StringBuilder out = new StringBuilder(1024);
    private boolean startTagOpen;
    private int depth;

    /** Decoder for {@link EvtxChunk#records}: one XML document per record. */
    public static EvtxChunk.RecordDecoder<String> decoder() {
        XmlRenderer renderer = new XmlRenderer();
        return (walker, start, end, id, written) -> {
            renderer.out.setLength(0);
            renderer.startTagOpen = false;
            renderer.depth = 0;
            walker.walkRecord(start, end, renderer);
            return renderer.out.length() == 0 ? null : renderer.out.toString();
        };
    }

    @Override
    public void startElement(String name) {
        closeStartTag();
        if (depth > 0) {
            out.append('\n').append("  ".repeat(depth));
        }
        out.append('<').append(name);
        startTagOpen = true;
        depth++;
    }

    @Override
    public void attribute(String name, BinXmlValue value) {
        out.append(' ').append(name).append("=\"");
        escape(value.asString(), true);
        out.append('"');
    }

    @Override
    public void endAttributes() {
    }

    @Override
    public void text(BinXmlValue value) {
        if (value.isNull()) {
            return;
        }
        closeStartTag();
        escape(value.asString(), false);
    }

    @Override
    public void endElement(String name) {
        depth--;
        if (startTagOpen) {
            out.append("/>");
            startTagOpen = false;
            return;
        }
        if (out.charAt(out.length() - 1) == '>') {
            out.append('\n').append("  ".repeat(depth));
        }
        out.append("</").append(name).append('>');
    }

    private void closeStartTag() {
        if (startTagOpen) {
            out.append('>');
            startTagOpen = false;
        }
    }

    private void escape(String s, boolean attribute) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append(attribute ? "&quot;" : "\"");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
                        out.append("&#x").append(Integer.toHexString(c)).append(';');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
    }
}
