package io.github.exchangevss.evtx.binxml;

/** Receives a record's XML structure, in document order, from {@link BinXmlWalker}. */
public interface BinXmlHandler {

    void startElement(String name);

    /** An attribute of the element just started; optional substitutions that are NULL are not reported. */
    void attribute(String name, BinXmlValue value);

    /** The start tag is complete: content (or the end) follows. */
    void endAttributes();

    void text(BinXmlValue value);

    void endElement(String name);
}
