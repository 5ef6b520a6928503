package io.github.exchangevss.event;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * One Windows event, whatever it was read from (live wevtapi, exported XML, .evtx).
 *
 * <p>Immutable. {@code eventId} holds only the low 16 bits; the high bits of the legacy event ID
 * are in {@code qualifiers}. {@code timeCreated} keeps the full 100 ns FILETIME precision.
 * Nullable fields are those that real logs omit: channel, provider, qualifiers, level, task,
 * computer, message.
 */
public final class EventRecord {
    private final String channel;
    private final String provider;
    private final int eventId;
    private final Integer qualifiers;
    private final Integer level;
    private final Integer task;
    private final Instant timeCreated;
    private final long recordId;
    private final String computer;
    private final List<EventData> data;
    private final boolean userData;
    private final byte[] binary;
    private final String message;

    private EventRecord(Builder b) {
        this.channel = b.channel;
        this.provider = b.provider;
        this.eventId = b.eventId & 0xFFFF;
        this.qualifiers = b.qualifiers;
        this.level = b.level;
        this.task = b.task;
        this.timeCreated = Objects.requireNonNull(b.timeCreated, "timeCreated");
        this.recordId = b.recordId;
        this.computer = b.computer;
        this.data = List.copyOf(b.data);
        this.userData = b.userData;
        this.binary = b.binary == null ? null : b.binary.clone();
        this.message = b.message;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String channel() { return channel; }
    public String provider() { return provider; }
    public int eventId() { return eventId; }
    public Integer qualifiers() { return qualifiers; }
    public Integer level() { return level; }
    public Integer task() { return task; }
    public Instant timeCreated() { return timeCreated; }
    public long recordId() { return recordId; }
    public String computer() { return computer; }
    public List<EventData> data() { return data; }
    /** True when the event carries {@code <UserData>} instead of {@code <EventData>}; {@link #data()} is then empty. */
    public boolean userData() { return userData; }
    /** The binary data section, or null when absent or empty. A copy: the record stays immutable. */
    public byte[] binary() { return binary == null ? null : binary.clone(); }
    public String message() { return message; }

    public boolean hasBinary() {
        return binary != null && binary.length > 0;
    }

    /** The binary data as uppercase hex, or null. */
    public String binaryHex() {
        return binary == null ? null : HexFormat.of().withUpperCase().formatHex(binary);
    }

    /**
     * The binary data read as text: ASCII/Latin-1 up to the first NUL, or UTF-16LE when every second
     * byte is zero (both occur in Exchange's event data). Null without binary data.
     */
    public String binaryText() {
        if (binary == null) {
            return null;
        }
        boolean utf16 = binary.length >= 4 && binary.length % 2 == 0 && binary[1] == 0 && binary[3] == 0;
        if (utf16) {
            String s = new String(binary, StandardCharsets.UTF_16LE);
            int nul = s.indexOf('\0');
            return nul >= 0 ? s.substring(0, nul) : s;
        }
        int end = 0;
        while (end < binary.length && binary[end] != 0) {
            end++;
        }
        return new String(binary, 0, end, StandardCharsets.ISO_8859_1);
    }

    /** A short identity for logs and the status page: never the message text. */
    @Override
    public String toString() {
        return "EventRecord{" + computer + " " + channel + " " + provider + " " + eventId + " #" + recordId + " " + timeCreated + "}";
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof EventRecord r)) return false;
        return eventId == r.eventId && recordId == r.recordId && userData == r.userData
                && Objects.equals(channel, r.channel) && Objects.equals(provider, r.provider)
                && Objects.equals(qualifiers, r.qualifiers) && Objects.equals(level, r.level)
                && Objects.equals(task, r.task) && timeCreated.equals(r.timeCreated)
                && Objects.equals(computer, r.computer) && data.equals(r.data)
                && Arrays.equals(binary, r.binary) && Objects.equals(message, r.message);
    }

    @Override
    public int hashCode() {
        return Objects.hash(channel, provider, eventId, recordId, computer, timeCreated);
    }

    public Builder toBuilder() {
        return new Builder().channel(channel).provider(provider).eventId(eventId).qualifiers(qualifiers)
                .level(level).task(task).timeCreated(timeCreated).recordId(recordId).computer(computer)
                .data(data).userData(userData).binary(binary).message(message);
    }

    public static final class Builder {
        private String channel;
        private String provider;
        private int eventId;
        private Integer qualifiers;
        private Integer level;
        private Integer task;
        private Instant timeCreated;
        private long recordId;
        private String computer;
        private List<EventData> data = List.of();
        private boolean userData;
        private byte[] binary;
        private String message;

        private Builder() {}

        public Builder channel(String v) { channel = emptyToNull(v); return this; }
        public Builder provider(String v) { provider = emptyToNull(v); return this; }
        public Builder eventId(int v) { eventId = v; return this; }
        public Builder qualifiers(Integer v) { qualifiers = v; return this; }
        public Builder level(Integer v) { level = v; return this; }
        public Builder task(Integer v) { task = v; return this; }
        public Builder timeCreated(Instant v) { timeCreated = v; return this; }
        public Builder recordId(long v) { recordId = v; return this; }
        public Builder computer(String v) { computer = emptyToNull(v); return this; }
        public Builder data(List<EventData> v) { data = v; return this; }
        public Builder userData(boolean v) { userData = v; return this; }
        /** Empty binary data is stored as absent, as Windows renders it. */
        public Builder binary(byte[] v) { binary = v == null || v.length == 0 ? null : v; return this; }
        public Builder message(String v) { message = emptyToNull(v); return this; }

        public EventRecord build() {
            return new EventRecord(this);
        }

        private static String emptyToNull(String v) {
            return v == null || v.isEmpty() ? null : v;
        }
    }
}
