package io.github.exchangevss.evtx.binxml;

import io.github.exchangevss.evtx.EvtxFormatException;
import io.github.exchangevss.evtx.binxml.BinXmlNode.Attribute;
import io.github.exchangevss.evtx.binxml.BinXmlNode.Element;
import io.github.exchangevss.evtx.binxml.BinXmlNode.Substitution;
import io.github.exchangevss.evtx.binxml.BinXmlNode.TemplateInstance;
import io.github.exchangevss.evtx.binxml.BinXmlNode.Text;

/**
 * Walks parsed nodes with their substitution values and reports the resulting document to a handler.
 * Values of type BinXML are parsed (through the chunk's parser) and walked in place. A per-record work
 * budget stops crafted templates that would expand exponentially through nested substitutions.
 */
public final class BinXmlWalker {
    static final int MAX_NODES_PER_RECORD = 100_000;

    private final BinXmlParser parser;
    private final BinXmlValue value = new BinXmlValue();
    private int budget;

    public BinXmlWalker(BinXmlParser parser) {
        this.parser = parser;
    }

    /** Decodes the record data in {@code [start, end)} of the chunk and reports it to {@code handler}. */
    public void walkRecord(int start, int end, BinXmlHandler handler) {
        budget = MAX_NODES_PER_RECORD;
        walk(parser.parseFragment(start, end), null, handler, 0);
    }

    private void walk(BinXmlNode[] nodes, Substitutions values, BinXmlHandler handler, int nesting) {
        for (BinXmlNode node : nodes) {
            if (--budget < 0) {
                throw new EvtxFormatException(0,
                        "record expands to more than " + MAX_NODES_PER_RECORD + " nodes");
            }
            if (node instanceof Element e) {
                handler.startElement(e.name());
                for (Attribute a : e.attributes()) {
                    attribute(a, values, handler);
                }
                handler.endAttributes();
                walk(e.children(), values, handler, nesting);
                handler.endElement(e.name());
            } else if (node instanceof Text t) {
                value.setText(t.text());
                handler.text(value);
            } else if (node instanceof Substitution s) {
                substitute(s, values, handler, nesting);
            } else if (node instanceof TemplateInstance ti) {
                walk(ti.template().body(), ti.values(), handler, nesting);
            }
        }
    }

    private void substitute(Substitution s, Substitutions values, BinXmlHandler handler, int nesting) {
        if (values == null || s.index() >= values.count()) {
            if (!s.optional()) {
                value.setTyped(ValueType.NULL, null, 0, 0);
                handler.text(value);
            }
            return;
        }
        int i = s.index();
        int type = values.type(i);
        if (type == ValueType.BINXML && values.length(i) > 0) {
            if (nesting + 1 >= BinXmlParser.MAX_NESTING) {
                throw new EvtxFormatException(values.offset(i), "BinXML values nested too deep");
            }
            int start = values.offset(i);
            walk(parser.parseFragment(start, start + values.length(i)), null, handler, nesting + 1);
            return;
        }
        value.setTyped(type, values.buffer(), values.offset(i), values.length(i));
        if (s.optional() && value.isNull()) {
            return;
        }
        handler.text(value);
    }

    private void attribute(Attribute a, Substitutions values, BinXmlHandler handler) {
        BinXmlNode[] parts = a.value();
        if (parts.length == 1) {
            BinXmlNode part = parts[0];
            if (part instanceof Text t) {
                value.setText(t.text());
            } else if (part instanceof Substitution s && !setSubstitution(s, values)) {
                return;
            }
            handler.attribute(a.name(), value);
            return;
        }
        StringBuilder text = new StringBuilder();
        for (BinXmlNode part : parts) {
            if (part instanceof Text t) {
                text.append(t.text());
            } else if (part instanceof Substitution s && setSubstitution(s, values)) {
                text.append(value.asString());
            }
        }
        value.setText(text.toString());
        handler.attribute(a.name(), value);
    }

    /** Loads a substitution into {@link #value}; false when it is an optional one without a value. */
    private boolean setSubstitution(Substitution s, Substitutions values) {
        if (values == null || s.index() >= values.count()) {
            value.setTyped(ValueType.NULL, null, 0, 0);
        } else {
            int i = s.index();
            value.setTyped(values.type(i), values.buffer(), values.offset(i), values.length(i));
        }
        return !(s.optional() && value.isNull());
    }
}
