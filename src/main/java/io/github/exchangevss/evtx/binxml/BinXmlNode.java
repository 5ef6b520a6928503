package io.github.exchangevss.evtx.binxml;

/**
 * A parsed BinXML token stream. Template definitions are parsed once per chunk into these nodes and then
 * walked once per record with that record's {@link Substitutions}.
 */
public sealed interface BinXmlNode {

    record Element(String name, Attribute[] attributes, BinXmlNode[] children) implements BinXmlNode {}

    /** An attribute's value is a sequence of {@link Text} and {@link Substitution} nodes, usually one. */
    record Attribute(String name, BinXmlNode[] value) {}

    /** Literal character data: a value token, CDATA, or a resolved character or entity reference. */
    record Text(String text) implements BinXmlNode {}

    /** A placeholder filled from the record's substitution array; optional ones vanish when their value is NULL. */
    record Substitution(int index, boolean optional) implements BinXmlNode {}

    record TemplateInstance(Template template, Substitutions values) implements BinXmlNode {}

    /** A template definition at {@code offset} in its chunk. */
    record Template(int offset, BinXmlNode[] body) {}
}
