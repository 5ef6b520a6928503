package io.github.exchangevss.evtx;

import io.github.exchangevss.event.EventData;
import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.event.FileTime;
import io.github.exchangevss.evtx.binxml.ValueType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Writes small but complete EVTX files for tests: file header and chunk headers with their CRC32s, records
 * whose BinXML is a template instance. A template is defined inline the first time its shape is used in a
 * chunk and referenced by offset afterwards; element names likewise, so both paths of the reader are used.
 * The template has the layout Windows uses for classic events ({@code Event/System/...},
 * {@code EventData/Data} and {@code EventData/Binary}) and every field is a substitution.
 */
public final class EvtxWriter {
    /** A Data element whose value is written with a given BinXML type instead of as a string. */
    public record TypedData(String name, int type, byte[] bytes) {}

    private static final int CHUNK_SIZE = 0x10000;
    private static final int CHUNK_HEADER_SIZE = 0x200;
    private static final int FIXED_SUBSTITUTIONS = 10;

    private final List<byte[]> chunks = new ArrayList<>();
    private Chunk current;
    private long firstRecordId = -1;
    private long lastRecordId;

    public EvtxWriter add(EventRecord event) {
        List<TypedData> data = new ArrayList<>();
        for (EventData d : event.data()) {
            data.add(new TypedData(d.name(), ValueType.STRING, utf16(d.value())));
        }
        return add(event, data);
    }

    /** Adds an event whose Data values are {@code data} (the event's own data list is ignored). */
    public EvtxWriter add(EventRecord event, List<TypedData> data) {
        if (firstRecordId < 0) {
            firstRecordId = event.recordId();
        }
        lastRecordId = event.recordId();
        if (current == null || !current.tryAdd(event, data)) {
            if (current != null) {
                chunks.add(current.finish());
            }
            current = new Chunk();
            if (!current.tryAdd(event, data)) {
                throw new IllegalArgumentException("event does not fit in an empty chunk: " + event);
            }
        }
        return this;
    }

    public byte[] toBytes() {
        List<byte[]> all = new ArrayList<>(chunks);
        if (current != null) {
            all.add(current.finish());
        }
        ByteBuffer header = ByteBuffer.allocate(EvtxFile.HEADER_BLOCK_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        header.put("ElfFile\0".getBytes(StandardCharsets.US_ASCII));
        header.putLong(8, 0).putLong(16, Math.max(0, all.size() - 1)).putLong(24, lastRecordId + 1);
        header.putInt(32, 128).putShort(36, (short) 1).putShort(38, (short) 3).putShort(40, (short) 0x1000);
        header.putShort(42, (short) all.size()).putInt(0x78, 0);
        header.putInt(0x7C, crc(header.array(), 0, 0x78));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header.array());
        all.forEach(out::writeBytes);
        return out.toByteArray();
    }

    public Path write(Path file) throws IOException {
        Files.write(file, toBytes());
        return file;
    }

    public static Path write(Path file, List<EventRecord> events) throws IOException {
        EvtxWriter writer = new EvtxWriter();
        events.forEach(writer::add);
        return writer.write(file);
    }

    static byte[] utf16(String s) {
        return s.getBytes(StandardCharsets.UTF_16LE);
    }

    static int crc(byte[] b, int off, int len) {
        CRC32 crc = new CRC32();
        crc.update(b, off, len);
        return (int) crc.getValue();
    }

    /** One chunk being filled; offsets in it are chunk-relative, as the format wants. */
    private static final class Chunk {
        private final ByteBuffer buf = ByteBuffer.allocate(CHUNK_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        private Map<String, Integer> names = new HashMap<>();
        private Map<String, Integer> templates = new HashMap<>();
        private long firstNumber = -1;
        private long lastNumber;
        private long firstId;
        private long lastId;
        private int lastRecordOffset;

        Chunk() {
            buf.position(CHUNK_HEADER_SIZE);
        }

        boolean tryAdd(EventRecord event, List<TypedData> data) {
            Map<String, Integer> savedNames = new HashMap<>(names);
            Map<String, Integer> savedTemplates = new HashMap<>(templates);
            int start = buf.position();
            try {
                writeRecord(event, data);
                return true;
            } catch (java.nio.BufferOverflowException | IndexOutOfBoundsException e) {
                names = savedNames;
                templates = savedTemplates;
                buf.position(start);
                return false;
            }
        }

        private void writeRecord(EventRecord event, List<TypedData> data) {
            int start = buf.position();
            buf.putInt(0x2A2A).putInt(0).putLong(event.recordId()).putLong(FileTime.fromInstant(event.timeCreated()));
            buf.put((byte) 0x0F).put((byte) 1).put((byte) 1).put((byte) 0);
            templateInstance(event, data);
            buf.put((byte) 0x00);
            int size = buf.position() - start + 4;
            buf.putInt(size);
            buf.putInt(start + 4, size);
            lastRecordOffset = start;
            if (firstNumber < 0) {
                firstNumber = 1;
                firstId = event.recordId();
            }
            lastNumber++;
            lastId = event.recordId();
        }

        private void templateInstance(EventRecord event, List<TypedData> data) {
            String shape = shapeOf(data, event.binary() != null);
            Integer definition = templates.get(shape);
            buf.put((byte) 0x0C).put((byte) 1).putInt(shape.hashCode());
            if (definition != null) {
                buf.putInt(definition);
            } else {
                int offset = buf.position() + 4;
                buf.putInt(offset);
                templates.put(shape, offset);
                buf.putInt(0);
                for (int i = 0; i < 16; i++) {
                    buf.put((byte) (shape.hashCode() >>> (i % 4 * 8)));
                }
                int sizeAt = buf.position();
                buf.putInt(0);
                int bodyStart = buf.position();
                templateBody(data, event.binary() != null);
                buf.putInt(sizeAt, buf.position() - bodyStart);
            }
            substitutionValues(event, data);
        }

        private static String shapeOf(List<TypedData> data, boolean binary) {
            StringBuilder sb = new StringBuilder();
            data.forEach(d -> sb.append(d.name() == null ? "\u0000" : d.name()).append('|'));
            return sb.append(binary).toString();
        }

        private void templateBody(List<TypedData> data, boolean binary) {
            buf.put((byte) 0x0F).put((byte) 1).put((byte) 1).put((byte) 0);
            openElement("Event", true);
            attributeText("xmlns", "http://schemas.microsoft.com/win/2004/08/events/event");
            buf.put((byte) 0x02);
            openElement("System", false);
            buf.put((byte) 0x02);
            openElement("Provider", true);
            attributeSubstitution("Name", 0, ValueType.STRING, false);
            buf.put((byte) 0x03);
            openElement("EventID", true);
            attributeSubstitution("Qualifiers", 2, ValueType.UINT16, true);
            buf.put((byte) 0x02);
            substitution(1, ValueType.UINT16, false);
            buf.put((byte) 0x04);
            simpleElement("Level", 3, ValueType.UINT8);
            simpleElement("Task", 4, ValueType.UINT16);
            openElement("TimeCreated", true);
            attributeSubstitution("SystemTime", 5, ValueType.FILETIME, false);
            buf.put((byte) 0x03);
            simpleElement("EventRecordID", 6, ValueType.UINT64);
            simpleElement("Channel", 7, ValueType.STRING);
            simpleElement("Computer", 8, ValueType.STRING);
            buf.put((byte) 0x04);
            openElement("EventData", false);
            buf.put((byte) 0x02);
            for (int i = 0; i < data.size(); i++) {
                TypedData d = data.get(i);
                openElement("Data", d.name() != null);
                if (d.name() != null) {
                    attributeText("Name", d.name());
                }
                buf.put((byte) 0x02);
                substitution(FIXED_SUBSTITUTIONS + i, d.type(), true);
                buf.put((byte) 0x04);
            }
            if (binary) {
                simpleElement("Binary", 9, ValueType.BINARY);
            }
            buf.put((byte) 0x04);
            buf.put((byte) 0x04);
            buf.put((byte) 0x00);
        }

        private void simpleElement(String name, int index, int type) {
            openElement(name, false);
            buf.put((byte) 0x02);
            substitution(index, type, true);
            buf.put((byte) 0x04);
        }

        private void openElement(String name, boolean hasAttributes) {
            buf.put((byte) (hasAttributes ? 0x41 : 0x01)).putShort((short) -1).putInt(0);
            nameRef(name);
            if (hasAttributes) {
                buf.putInt(0);
            }
        }

        private void attributeText(String name, String value) {
            buf.put((byte) 0x06);
            nameRef(name);
            buf.put((byte) 0x05).put((byte) ValueType.STRING).putShort((short) value.length()).put(utf16(value));
        }

        private void attributeSubstitution(String name, int index, int type, boolean optional) {
            buf.put((byte) 0x06);
            nameRef(name);
            substitution(index, type, optional);
        }

        private void substitution(int index, int type, boolean optional) {
            buf.put((byte) (optional ? 0x0E : 0x0D)).putShort((short) index).put((byte) type);
        }

        /** A name's offset; the name itself follows right here the first time the chunk uses it. */
        private void nameRef(String name) {
            Integer offset = names.get(name);
            if (offset != null) {
                buf.putInt(offset);
                return;
            }
            int at = buf.position() + 4;
            names.put(name, at);
            buf.putInt(at).putInt(0).putShort((short) name.hashCode()).putShort((short) name.length());
            buf.put(utf16(name)).putShort((short) 0);
        }

        private void substitutionValues(EventRecord event, List<TypedData> data) {
            List<int[]> descriptors = new ArrayList<>();
            List<byte[]> values = new ArrayList<>();
            addValue(descriptors, values, ValueType.STRING, event.provider() == null ? null : utf16(event.provider()));
            addValue(descriptors, values, ValueType.UINT16, le(event.eventId(), 2));
            addValue(descriptors, values, ValueType.UINT16, event.qualifiers() == null ? null : le(event.qualifiers(), 2));
            addValue(descriptors, values, ValueType.UINT8, event.level() == null ? null : le(event.level(), 1));
            addValue(descriptors, values, ValueType.UINT16, event.task() == null ? null : le(event.task(), 2));
            addValue(descriptors, values, ValueType.FILETIME, le(FileTime.fromInstant(event.timeCreated()), 8));
            addValue(descriptors, values, ValueType.UINT64, le(event.recordId(), 8));
            addValue(descriptors, values, ValueType.STRING, event.channel() == null ? null : utf16(event.channel()));
            addValue(descriptors, values, ValueType.STRING, event.computer() == null ? null : utf16(event.computer()));
            addValue(descriptors, values, ValueType.BINARY, event.binary());
            for (TypedData d : data) {
                addValue(descriptors, values, d.type(), d.bytes());
            }
            buf.putInt(descriptors.size());
            for (int[] d : descriptors) {
                buf.putShort((short) d[0]).put((byte) d[1]).put((byte) 0);
            }
            values.forEach(buf::put);
        }

        private static void addValue(List<int[]> descriptors, List<byte[]> values, int type, byte[] bytes) {
            boolean absent = bytes == null;
            descriptors.add(new int[] {absent ? 0 : bytes.length, absent ? ValueType.NULL : type});
            values.add(absent ? new byte[0] : bytes);
        }

        private static byte[] le(long v, int size) {
            byte[] b = new byte[size];
            for (int i = 0; i < size; i++) {
                b[i] = (byte) (v >>> (8 * i));
            }
            return b;
        }

        byte[] finish() {
            int freeSpace = buf.position();
            byte[] b = buf.array();
            ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            h.put(0, "ElfChnk\0".getBytes(StandardCharsets.US_ASCII));
            h.putLong(8, firstNumber).putLong(16, lastNumber).putLong(24, firstId).putLong(32, lastId);
            h.putInt(40, 128).putInt(44, lastRecordOffset).putInt(48, freeSpace);
            h.putInt(52, crc(b, CHUNK_HEADER_SIZE, freeSpace - CHUNK_HEADER_SIZE));
            CRC32 crc = new CRC32();
            crc.update(b, 0, 0x78);
            crc.update(b, 0x80, CHUNK_HEADER_SIZE - 0x80);
            h.putInt(0x7C, (int) crc.getValue());
            return b;
        }
    }
}
