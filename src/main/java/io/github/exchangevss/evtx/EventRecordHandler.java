package io.github.exchangevss.evtx;

import io.github.exchangevss.event.EventData;
import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.event.FileTime;
import io.github.exchangevss.evtx.binxml.BinXmlHandler;
import io.github.exchangevss.evtx.binxml.BinXmlValue;
import io.github.exchangevss.evtx.binxml.ValueType;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds an {@link EventRecord} straight from the BinXML structure. It follows only the paths it needs:
 * {@code Event/System/*}, {@code Event/EventData/Data|Binary} and the presence of {@code Event/UserData};
 * everything else is skipped without being turned into text.
 */
final class EventRecordHandler implements BinXmlHandler {
    private enum Section { NONE, SYSTEM, EVENT_DATA, OTHER }

    private enum Field { NONE, PROVIDER, EVENT_ID, LEVEL, TASK, TIME_CREATED, RECORD_ID, CHANNEL, COMPUTER, DATA, BINARY }

    private int depth;
    private boolean sawEvent;
    private Section section = Section.NONE;
    private Field field = Field.NONE;

    private String provider;
    private String eventSourceName;
    private Long eventId;
    private Integer qualifiers;
    private Long level;
    private Long task;
    private Instant timeCreated;
    private Long recordId;
    private final StringBuilder channel = new StringBuilder();
    private final StringBuilder computer = new StringBuilder();
    private final List<EventData> data = new ArrayList<>();
    private boolean userData;
    private byte[] binary;

    private String dataName;
    private String dataText;
    private StringBuilder dataBuilder;
    private boolean dataFromArray;

    void reset() {
        depth = 0;
        sawEvent = false;
        section = Section.NONE;
        field = Field.NONE;
        provider = null;
        eventSourceName = null;
        eventId = null;
        qualifiers = null;
        level = null;
        task = null;
        timeCreated = null;
        recordId = null;
        channel.setLength(0);
        computer.setLength(0);
        data.clear();
        userData = false;
        binary = null;
    }

    /**
     * The record, or null when the data held no {@code Event} element. Where the XML lacks the record ID or
     * creation time, the record header's values stand in.
     */
    EventRecord build(long headerRecordId, long headerWrittenTime) {
        if (!sawEvent) {
            return null;
        }
        return EventRecord.builder()
                .provider(provider != null && !provider.isEmpty() ? provider : eventSourceName)
                .eventId(eventId == null ? 0 : eventId.intValue())
                .qualifiers(qualifiers)
                .level(level == null ? null : level.intValue())
                .task(task == null ? null : task.intValue())
                .timeCreated(timeCreated != null ? timeCreated : FileTime.toInstant(headerWrittenTime))
                .recordId(recordId != null ? recordId : headerRecordId)
                .channel(channel.toString())
                .computer(computer.toString())
                .data(userData ? List.of() : data)
                .userData(userData)
                .binary(binary)
                .build();
    }

    @Override
    public void startElement(String name) {
        depth++;
        switch (depth) {
            case 1 -> sawEvent |= name.equals("Event");
            case 2 -> {
                section = switch (name) {
                    case "System" -> Section.SYSTEM;
                    case "EventData" -> Section.EVENT_DATA;
                    default -> Section.OTHER;
                };
                userData |= name.equals("UserData");
            }
            case 3 -> field = fieldOf(name);
            default -> { }
        }
        if (depth == 3 && field == Field.DATA) {
            dataName = null;
            dataText = null;
            dataBuilder = null;
            dataFromArray = false;
        }
    }

    private Field fieldOf(String name) {
        if (section == Section.SYSTEM) {
            return switch (name) {
                case "Provider" -> Field.PROVIDER;
                case "EventID" -> Field.EVENT_ID;
                case "Level" -> Field.LEVEL;
                case "Task" -> Field.TASK;
                case "TimeCreated" -> Field.TIME_CREATED;
                case "EventRecordID" -> Field.RECORD_ID;
                case "Channel" -> Field.CHANNEL;
                case "Computer" -> Field.COMPUTER;
                default -> Field.NONE;
            };
        }
        if (section == Section.EVENT_DATA) {
            return switch (name) {
                case "Data" -> Field.DATA;
                case "Binary" -> Field.BINARY;
                default -> Field.NONE;
            };
        }
        return Field.NONE;
    }

    @Override
    public void attribute(String name, BinXmlValue value) {
        if (depth != 3) {
            return;
        }
        switch (field) {
            case PROVIDER -> {
                if (name.equals("Name")) {
                    provider = value.asString();
                } else if (name.equals("EventSourceName")) {
                    eventSourceName = value.asString();
                }
            }
            case EVENT_ID -> {
                if (name.equals("Qualifiers")) {
                    Long q = value.asLong();
                    qualifiers = q == null ? null : q.intValue();
                }
            }
            case TIME_CREATED -> {
                if (name.equals("SystemTime")) {
                    timeCreated = instantOf(value);
                }
            }
            case DATA -> {
                if (name.equals("Name")) {
                    dataName = value.asString();
                }
            }
            default -> { }
        }
    }

    private static Instant instantOf(BinXmlValue value) {
        if (value.type() == ValueType.FILETIME) {
            Long ft = value.asLong();
            return ft == null ? null : FileTime.toInstant(ft);
        }
        try {
            return Instant.parse(value.asString().strip());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    @Override
    public void endAttributes() {
    }

    @Override
    public void text(BinXmlValue value) {
        if (depth != 3) {
            return;
        }
        switch (field) {
            case EVENT_ID -> eventId = value.asLong();
            case LEVEL -> level = value.asLong();
            case TASK -> task = value.asLong();
            case RECORD_ID -> recordId = value.asLong();
            case CHANNEL -> channel.append(value.asString());
            case COMPUTER -> computer.append(value.asString());
            case DATA -> appendData(value);
            case BINARY -> {
                if (!value.isNull()) {
                    binary = value.asBytes();
                }
            }
            default -> { }
        }
    }

    private void appendData(BinXmlValue value) {
        if (value.isArray()) {
            // Windows repeats the element once per array item.
            for (String item : value.items()) {
                data.add(new EventData(dataName, normalizeLineEnds(item)));
            }
            dataFromArray = true;
            return;
        }
        String text = value.asString();
        if (dataText == null) {
            dataText = text;
        } else {
            if (dataBuilder == null) {
                dataBuilder = new StringBuilder(dataText);
            }
            dataBuilder.append(text);
        }
    }

    /**
     * Line ends as an XML reader reports them (CR LF and lone CR become LF), so an event read from .evtx
     * has the same data as the same event read from exported XML.
     */
    static String normalizeLineEnds(String s) {
        if (s.indexOf('\r') < 0) {
            return s;
        }
        return s.replace("\r\n", "\n").replace('\r', '\n');
    }

    @Override
    public void endElement(String name) {
        if (depth == 3 && field == Field.DATA && !dataFromArray) {
            String value = dataBuilder != null ? dataBuilder.toString() : dataText != null ? dataText : "";
            data.add(new EventData(dataName, normalizeLineEnds(value)));
        }
        if (depth == 3) {
            field = Field.NONE;
        }
        if (depth == 2) {
            section = Section.NONE;
        }
        depth--;
    }
}
