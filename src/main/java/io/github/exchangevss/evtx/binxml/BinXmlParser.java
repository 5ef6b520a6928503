package io.github.exchangevss.evtx.binxml;

import static io.github.exchangevss.evtx.binxml.Bytes.i32;
import static io.github.exchangevss.evtx.binxml.Bytes.require;
import static io.github.exchangevss.evtx.binxml.Bytes.u16;
import static io.github.exchangevss.evtx.binxml.Bytes.u8;

import io.github.exchangevss.evtx.EvtxFormatException;
import io.github.exchangevss.evtx.binxml.BinXmlNode.Attribute;
import io.github.exchangevss.evtx.binxml.BinXmlNode.Element;
import io.github.exchangevss.evtx.binxml.BinXmlNode.Substitution;
import io.github.exchangevss.evtx.binxml.BinXmlNode.Template;
import io.github.exchangevss.evtx.binxml.BinXmlNode.TemplateInstance;
import io.github.exchangevss.evtx.binxml.BinXmlNode.Text;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns BinXML token streams of one chunk into {@link BinXmlNode}s. Names and template definitions are
 * referenced by chunk offset, so both are cached here per chunk. Not thread-safe: one parser per chunk.
 *
 * <p>Every read is bounds-checked against the fragment being parsed (or the chunk, for referenced names and
 * templates); element nesting and template/embedded-fragment nesting are limited, so a crafted chunk can
 * neither overflow the stack nor make the parser allocate more than the chunk's size.
 */
public final class BinXmlParser {
    static final int MAX_ELEMENT_DEPTH = 64;
    static final int MAX_NESTING = 8;
    private static final int MAX_SHOWN_NAME = 64;

    private static final int EOF = 0x00;
    private static final int OPEN_START_ELEMENT = 0x01;
    private static final int CLOSE_START_ELEMENT = 0x02;
    private static final int CLOSE_EMPTY_ELEMENT = 0x03;
    private static final int END_ELEMENT = 0x04;
    private static final int VALUE = 0x05;
    private static final int ATTRIBUTE = 0x06;
    private static final int CDATA = 0x07;
    private static final int CHAR_REF = 0x08;
    private static final int ENTITY_REF = 0x09;
    private static final int PI_TARGET = 0x0A;
    private static final int PI_DATA = 0x0B;
    private static final int TEMPLATE_INSTANCE = 0x0C;
    private static final int NORMAL_SUBSTITUTION = 0x0D;
    private static final int OPTIONAL_SUBSTITUTION = 0x0E;
    private static final int FRAGMENT_HEADER = 0x0F;
    /** Set on some tokens: "has attributes" on 0x01, "more attributes follow" on value tokens. */
    private static final int MORE_FLAG = 0x40;

    private static final BinXmlNode[] NO_NODES = new BinXmlNode[0];
    private static final Attribute[] NO_ATTRIBUTES = new Attribute[0];
    private static final int TEMPLATE_HEADER_SIZE = 24;
    private static final int NAME_HEADER_SIZE = 8;

    private final byte[] chunk;
    private final int chunkLimit;
    private final Map<Integer, String> names = new HashMap<>();
    private final Map<Integer, Template> templates = new HashMap<>();
    private int pos;
    private int end;
    private int nesting;
    private boolean dependencyIds;

    /** @param chunk the chunk's bytes; offsets in the token streams are relative to its start */
    public BinXmlParser(byte[] chunk, int chunkLimit) {
        this.chunk = chunk;
        this.chunkLimit = chunkLimit;
    }

    /** Parses the token stream in {@code [start, end)}: a record's event data or an embedded BinXML value. */
    public BinXmlNode[] parseFragment(int start, int limit) {
        return parseFragment(start, limit, false);
    }

    /**
     * Start elements carry a 2-byte dependency identifier inside template definitions only; in a record's
     * own data and in embedded BinXML values it is absent.
     */
    private BinXmlNode[] parseFragment(int start, int limit, boolean templateDefinition) {
        if (nesting >= MAX_NESTING) {
            throw new EvtxFormatException(start, "BinXML fragments nested deeper than " + MAX_NESTING);
        }
        int savedPos = pos;
        int savedEnd = end;
        boolean savedDependencyIds = dependencyIds;
        nesting++;
        try {
            pos = start;
            end = limit;
            dependencyIds = templateDefinition;
            List<BinXmlNode> out = new ArrayList<>(2);
            parseContent(out, 0, false);
            return out.toArray(NO_NODES);
        } finally {
            nesting--;
            pos = savedPos;
            end = savedEnd;
            dependencyIds = savedDependencyIds;
        }
    }

    private void parseContent(List<BinXmlNode> out, int depth, boolean inElement) {
        while (true) {
            if (pos >= end) {
                if (inElement) {
                    throw new EvtxFormatException(pos, "element not closed before the end of the data");
                }
                return;
            }
            int token = u8(chunk, pos);
            switch (token & ~MORE_FLAG) {
                case EOF -> {
                    if (inElement) {
                        throw new EvtxFormatException(pos, "end of fragment inside an element");
                    }
                    pos++;
                    return;
                }
                case END_ELEMENT -> {
                    if (!inElement) {
                        throw new EvtxFormatException(pos, "end element token outside an element");
                    }
                    pos++;
                    return;
                }
                case OPEN_START_ELEMENT -> out.add(parseElement(token, depth + 1));
                case VALUE, CDATA, CHAR_REF, ENTITY_REF, NORMAL_SUBSTITUTION, OPTIONAL_SUBSTITUTION ->
                        out.add(parseValueNode(token));
                case PI_TARGET -> {
                    require(pos, 5, end, "processing instruction target");
                    int nameOffset = i32(chunk, pos + 1);
                    pos += 5;
                    name(nameOffset);
                }
                case PI_DATA -> {
                    pos++;
                    readLengthPrefixedString("processing instruction data");
                }
                case FRAGMENT_HEADER -> {
                    require(pos, 4, end, "fragment header");
                    pos += 4;
                }
                case TEMPLATE_INSTANCE -> out.add(parseTemplateInstance());
                default -> throw new EvtxFormatException(pos,
                        "unexpected BinXML token 0x" + Integer.toHexString(token));
            }
        }
    }

    private Element parseElement(int token, int depth) {
        if (depth > MAX_ELEMENT_DEPTH) {
            throw new EvtxFormatException(pos, "elements nested deeper than " + MAX_ELEMENT_DEPTH);
        }
        // token, [dependency id (2)], data size (4), name offset (4)
        int headerSize = dependencyIds ? 11 : 9;
        require(pos, headerSize, end, "start element");
        int nameOffset = i32(chunk, pos + headerSize - 4);
        pos += headerSize;
        String name = name(nameOffset);
        if ((token & MORE_FLAG) != 0) {
            require(pos, 4, end, "attribute list size");
            pos += 4;
        }
        List<Attribute> attributes = null;
        while (pos < end && (u8(chunk, pos) & ~MORE_FLAG) == ATTRIBUTE) {
            require(pos, 5, end, "attribute");
            int attributeNameOffset = i32(chunk, pos + 1);
            pos += 5;
            String attributeName = name(attributeNameOffset);
            List<BinXmlNode> value = new ArrayList<>(1);
            while (pos < end && isValueToken(u8(chunk, pos))) {
                value.add(parseValueNode(u8(chunk, pos)));
            }
            if (attributes == null) {
                attributes = new ArrayList<>(4);
            }
            attributes.add(new Attribute(attributeName, value.toArray(NO_NODES)));
        }
        Attribute[] attributeArray = attributes == null ? NO_ATTRIBUTES : attributes.toArray(NO_ATTRIBUTES);
        require(pos, 1, end, "end of start element");
        int close = u8(chunk, pos);
        if (close == CLOSE_EMPTY_ELEMENT) {
            pos++;
            return new Element(name, attributeArray, NO_NODES);
        }
        if (close != CLOSE_START_ELEMENT) {
            throw new EvtxFormatException(pos,
                    "expected the end of start element <" + shown(name) + ">, found token 0x" + Integer.toHexString(close));
        }
        pos++;
        List<BinXmlNode> children = new ArrayList<>(2);
        parseContent(children, depth, true);
        return new Element(name, attributeArray, children.toArray(NO_NODES));
    }

    private static boolean isValueToken(int token) {
        int t = token & ~MORE_FLAG;
        return t == VALUE || t == CHAR_REF || t == ENTITY_REF || t == NORMAL_SUBSTITUTION
                || t == OPTIONAL_SUBSTITUTION || t == CDATA;
    }

    private BinXmlNode parseValueNode(int token) {
        switch (token & ~MORE_FLAG) {
            case VALUE -> {
                require(pos, 2, end, "value");
                int type = u8(chunk, pos + 1);
                pos += 2;
                if (type == ValueType.STRING) {
                    return new Text(readLengthPrefixedString("value text"));
                }
                int size = ValueType.fixedSize(type);
                if (size == 0) {
                    throw new EvtxFormatException(pos, "value token of unsupported type 0x"
                            + Integer.toHexString(type));
                }
                require(pos, size, end, "value");
                String text = ValueFormatter.format(type, chunk, pos, size);
                pos += size;
                return new Text(text);
            }
            case CDATA -> {
                pos++;
                return new Text(readLengthPrefixedString("CDATA section"));
            }
            case CHAR_REF -> {
                require(pos, 3, end, "character reference");
                char c = (char) u16(chunk, pos + 1);
                pos += 3;
                return new Text(String.valueOf(c));
            }
            case ENTITY_REF -> {
                require(pos, 5, end, "entity reference");
                int nameOffset = i32(chunk, pos + 1);
                pos += 5;
                return new Text(resolveEntity(name(nameOffset)));
            }
            case NORMAL_SUBSTITUTION, OPTIONAL_SUBSTITUTION -> {
                require(pos, 4, end, "substitution");
                int index = u16(chunk, pos + 1);
                boolean optional = (token & ~MORE_FLAG) == OPTIONAL_SUBSTITUTION;
                pos += 4;
                return new Substitution(index, optional);
            }
            default -> throw new EvtxFormatException(pos,
                    "expected a value token, found 0x" + Integer.toHexString(token));
        }
    }

    private static String resolveEntity(String name) {
        return switch (name) {
            case "amp" -> "&";
            case "lt" -> "<";
            case "gt" -> ">";
            case "quot" -> "\"";
            case "apos" -> "'";
            default -> "&" + name + ";";
        };
    }

    private String readLengthPrefixedString(String what) {
        require(pos, 2, end, what);
        int chars = u16(chunk, pos);
        require(pos + 2, chars * 2, end, what);
        String s = new String(chunk, pos + 2, chars * 2, StandardCharsets.UTF_16LE);
        pos += 2 + chars * 2;
        return s;
    }

    /**
     * The name at {@code offset}: next-name offset (4), hash (2), character count (2), UTF-16 characters, NUL.
     * When the name is stored right here in the stream, the stream continues after it.
     */
    private String name(int offset) {
        if (offset == pos) {
            String inline = readName(offset, end);
            pos += NAME_HEADER_SIZE + 2 * inline.length() + 2;
            return inline;
        }
        String cached = names.get(offset);
        if (cached == null) {
            cached = readName(offset, chunkLimit);
            names.put(offset, cached);
        }
        return cached;
    }

    private String readName(int offset, int limit) {
        require(offset, NAME_HEADER_SIZE, limit, "name");
        int chars = u16(chunk, offset + 6);
        require(offset + NAME_HEADER_SIZE, chars * 2 + 2, limit, "name characters");
        return new String(chunk, offset + NAME_HEADER_SIZE, chars * 2, StandardCharsets.UTF_16LE);
    }

    private TemplateInstance parseTemplateInstance() {
        // token, unknown (1), template id (4), definition offset (4)
        require(pos, 10, end, "template instance");
        int definitionOffset = i32(chunk, pos + 6);
        pos += 10;
        Template template = template(definitionOffset);
        if (definitionOffset == pos) {
            pos += TEMPLATE_HEADER_SIZE + i32(chunk, definitionOffset + 20);
        }
        return new TemplateInstance(template, parseSubstitutions());
    }

    private Template template(int offset) {
        Template cached = templates.get(offset);
        if (cached != null) {
            return cached;
        }
        // next template offset (4), GUID (16, starting with the template id), data size (4), body
        require(offset, TEMPLATE_HEADER_SIZE, chunkLimit, "template definition");
        int size = i32(chunk, offset + 20);
        int bodyStart = offset + TEMPLATE_HEADER_SIZE;
        require(bodyStart, size, chunkLimit, "template body");
        Template template = new Template(offset, parseFragment(bodyStart, bodyStart + size, true));
        templates.put(offset, template);
        return template;
    }

    private Substitutions parseSubstitutions() {
        require(pos, 4, end, "substitution count");
        int count = i32(chunk, pos);
        pos += 4;
        if (count < 0 || count > (end - pos) / 4) {
            throw new EvtxFormatException(pos - 4,
                    "substitution count " + Integer.toUnsignedString(count) + " exceeds the record");
        }
        int[] types = new int[count];
        int[] offsets = new int[count];
        int[] lengths = new int[count];
        for (int i = 0; i < count; i++) {
            lengths[i] = u16(chunk, pos);
            types[i] = u8(chunk, pos + 2);
            pos += 4;
        }
        for (int i = 0; i < count; i++) {
            require(pos, lengths[i], end, "substitution value " + i);
            offsets[i] = pos;
            pos += lengths[i];
        }
        return new Substitutions(chunk, types, offsets, lengths);
    }

    /**
     * A name as quoted in an error message. A damaged name offset can point at thousands of characters, and the
     * message is made again for every record that uses the name: quoting it whole would allocate far beyond
     * the chunk's size.
     */
    static String shown(String name) {
        return name.length() <= MAX_SHOWN_NAME ? name
                : name.substring(0, MAX_SHOWN_NAME) + "... (" + name.length() + " characters)";
    }
}
