package io.github.exchangevss.event;

import java.util.Objects;

/** One message insert of an event: {@code <Data Name="...">value</Data>}; the name is null when absent. */
public record EventData(String name, String value) {
    public EventData {
        Objects.requireNonNull(value, "value");
    }

    public static EventData unnamed(String value) {
        return new EventData(null, value);
    }
}
