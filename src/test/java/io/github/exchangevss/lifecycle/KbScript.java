package io.github.exchangevss.lifecycle;

import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.scenario.KbLog;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Event sequences by event ID, the way the KB tables list them, one minute apart by default: a {@link KbLog}
 * written by number, for table-driven tests of the engine.
 */
final class KbScript {
    static final Instant T0 = Instant.parse("2026-11-20T01:00:00.1234567Z");
    private static final long FIRST_RECORD_ID = 1001;
    private static final int ERROR = 2;
    private static final int INFORMATION = 4;

    private final String provider;
    private final KbLog log;

    KbScript(String computer) {
        this(computer, VssEvents.PROVIDER);
    }

    KbScript(String computer, String provider) {
        this.provider = provider;
        this.log = new KbLog(computer, T0, FIRST_RECORD_ID);
    }

    KbScript after(Duration d) {
        log.after(d);
        return this;
    }

    Instant now() {
        return log.now();
    }

    /** Adds the events one minute apart. */
    KbScript events(int... ids) {
        for (int id : ids) {
            event(id);
        }
        return this;
    }

    KbScript event(int id, String... inserts) {
        boolean error = id == VssEvents.PREPARE_REFUSED || id == VssEvents.BACKUP_FAILED;
        log.other(provider, id, error ? ERROR : INFORMATION,
                id == VssEvents.PREPARE_REFUSED ? KbLog.BACKUP_IN_PROGRESS : null, inserts);
        return this;
    }

    List<EventRecord> build() {
        return log.events();
    }
}
