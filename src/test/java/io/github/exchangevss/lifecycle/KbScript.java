package io.github.exchangevss.lifecycle;

import io.github.exchangevss.event.EventData;
import io.github.exchangevss.event.EventRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Writes MSExchangeIS event sequences the way the KB tables list them, one minute apart by default. */
final class KbScript {
    static final Instant T0 = Instant.parse("2026-11-20T01:00:00.1234567Z");

    private final String computer;
    private final String provider;
    private Instant time = T0;
    private long recordId = 1000;
    private final List<EventRecord> events = new ArrayList<>();

    KbScript(String computer) {
        this(computer, VssEvents.PROVIDER);
    }

    KbScript(String computer, String provider) {
        this.computer = computer;
        this.provider = provider;
    }

    KbScript after(Duration d) {
        time = time.plus(d);
        return this;
    }

    Instant now() {
        return time;
    }

    /** Adds the events one minute apart. */
    KbScript events(int... ids) {
        for (int id : ids) {
            event(id);
        }
        return this;
    }

    KbScript event(int id, String... inserts) {
        time = time.plusSeconds(60);
        EventRecord.Builder b = EventRecord.builder().channel("Application").provider(provider).eventId(id)
                .level(id == VssEvents.PREPARE_REFUSED || id == VssEvents.BACKUP_FAILED ? 2 : 4)
                .timeCreated(time).recordId(++recordId).computer(computer);
        List<EventData> data = new ArrayList<>();
        for (String s : inserts) {
            data.add(EventData.unnamed(s));
        }
        b.data(data);
        if (id == VssEvents.PREPARE_REFUSED) {
            b.qualifiers(49152).binary("Backup in progress.\0".getBytes(StandardCharsets.US_ASCII));
        }
        events.add(b.build());
        return this;
    }

    List<EventRecord> build() {
        return List.copyOf(events);
    }
}
