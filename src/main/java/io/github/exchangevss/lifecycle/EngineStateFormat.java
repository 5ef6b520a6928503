package io.github.exchangevss.lifecycle;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The engine's part of the state file, format 2 (docs/state-format.md): every attempt once, with an id, and the
 * roles (current, earlier, flag setter) by id. Read back with {@link #read}, which validates it and migrates the
 * format of the first release (the engine's object graph as it was, without a {@code format} field).
 */
final class EngineStateFormat {
    static final int FORMAT = 2;

    static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private EngineStateFormat() {}

    record State(int format, Instant latestEventTime, List<Position> positions, List<Computer> computers,
            List<EventCount> events, List<SkippedCount> skipped) {}

    /** @param applied record IDs applied, as inclusive [from, to] ranges */
    record Position(String computer, String channel, long recordId, Instant time, List<long[]> applied) {}

    record Computer(String computer, long nextAttemptId, List<AttemptState> attempts, Long current, Long earlier,
            Flag flag, Map<Outcome, Long> outcomes, DurationHistogram.Snapshot durations, Instant lastSuccessfulBackup,
            Instant lastEventTime, List<RememberedEvent> incident, List<RememberedEvent> history) {}

    record AttemptState(long id, Instant startedAt, Instant lastEventAt, Set<Step> steps, Outcome outcome) {}

    /** Present only while the flag is set; {@code setter} null when that attempt was not read. */
    record Flag(Instant since, Long setter, Instant refusedAt, boolean failureWhileSet) {}

    /** @throws IllegalArgumentException naming what is inconsistent */
    static State read(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("the engine state is not an object");
        }
        State state;
        if (node.has("format")) {
            int format = node.get("format").asInt();
            if (format != FORMAT) {
                throw new IllegalArgumentException("engine state format " + format + " is not " + FORMAT);
            }
            try {
                state = MAPPER.treeToValue(node, State.class);
            } catch (Exception e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        } else {
            state = migrateVersion1((ObjectNode) node);
        }
        validate(state);
        return state;
    }

    private static void validate(State s) {
        require(s.positions() != null && s.computers() != null && s.events() != null && s.skipped() != null,
                "the engine state lacks positions, computers, events or skipped");
        for (Position p : s.positions()) {
            require(p != null && p.computer() != null && p.time() != null && p.applied() != null,
                    "a channel position without computer, time or ranges");
            for (long[] r : p.applied()) {
                require(r.length == 2 && r[0] <= r[1], "channel of " + p.computer() + ": a record range is not [from, to]");
            }
        }
        Set<String> names = new HashSet<>();
        for (Computer c : s.computers()) {
            require(c != null && c.computer() != null, "a computer without a name");
            String at = "computer " + c.computer() + ": ";
            require(names.add(c.computer()), at + "listed twice");
            require(c.attempts() != null && c.outcomes() != null && c.durations() != null && c.incident() != null
                    && c.history() != null, at + "attempts, outcomes, durations or evidence missing");
            Set<Long> ids = new HashSet<>();
            for (AttemptState a : c.attempts()) {
                require(a != null && a.startedAt() != null && a.lastEventAt() != null && a.steps() != null,
                        at + "an attempt without its times or steps");
                require(a.id() > 0 && a.id() < c.nextAttemptId(), at + "attempt id " + a.id() + " out of range");
                require(ids.add(a.id()), at + "attempt id " + a.id() + " listed twice");
            }
            for (Long role : new Long[] {c.current(), c.earlier(), c.flag() == null ? null : c.flag().setter()}) {
                require(role == null || ids.contains(role), at + "refers to attempt " + role + ", which is not listed");
            }
            require(c.flag() == null || c.flag().since() != null, at + "the flag is set with no time it was set");
            require(c.flag() != null || c.incident().isEmpty(), at + "incident events while the flag is clear");
            require(c.durations().cumulativeCounts() != null
                    && c.durations().cumulativeCounts().length == DurationHistogram.BUCKETS.length,
                    at + "the duration histogram has the wrong buckets");
            c.outcomes().values().forEach(n -> require(n != null && n >= 0, at + "a negative attempt count"));
            for (List<RememberedEvent> evidence : List.of(c.incident(), c.history())) {
                for (RememberedEvent r : evidence) {
                    require(r != null && r.time() != null && r.description() != null,
                            at + "an evidence event without time or description");
                }
            }
        }
        for (EventCount e : s.events()) {
            require(e != null && e.computer() != null && e.provider() != null && e.count() >= 0, "an event count without computer or provider");
        }
        for (SkippedCount k : s.skipped()) {
            require(k != null && k.source() != null && k.reason() != null && k.count() >= 0, "a skipped count without source or reason");
        }
    }

    private static void require(boolean condition, String problem) {
        if (!condition) {
            throw new IllegalArgumentException(problem);
        }
    }

    /**
     * The first release saved the engine's objects as they were: an attempt could appear under several roles as
     * separate copies. Copies with the same start are one attempt; the copy seen last in the events wins.
     */
    private static State migrateVersion1(ObjectNode engine) {
        JsonNode computers = engine.path("computers");
        require(computers.isObject(), "version 1 engine state without computers");
        List<Computer> migrated = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = computers.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            migrated.add(migrateComputer(entry.getValue()));
        }
        List<Position> positions = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = engine.path("positions").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String[] key = entry.getKey().split("\u0000", 2);
            require(key.length == 2, "version 1 channel position key without a channel");
            long recordId = entry.getValue().path("recordId").asLong();
            Instant time = instant(entry.getValue().get("time"));
            require(time != null, "version 1 channel position without time");
            positions.add(new Position(key[0], "null".equals(key[1]) ? null : key[1], recordId, time,
                    List.of(new long[] {recordId, recordId})));
        }
        return new State(FORMAT, instant(engine.get("latestEventTime")), positions, migrated, List.of(), List.of());
    }

    private static Computer migrateComputer(JsonNode c) {
        String name = c.hasNonNull("computer") ? c.get("computer").asText() : null;
        require(name != null, "a computer without a name");
        String at = "computer " + name + ": ";
        List<AttemptState> attempts = new ArrayList<>();
        Long current = migrateAttempt(c.get("current"), attempts);
        Long earlier = migrateAttempt(c.get("earlier"), attempts);
        Flag flag = null;
        if (c.path("flagSet").asBoolean()) {
            Instant since = instant(c.get("flagSince"));
            require(since != null, at + "the flag is set with no time it was set");
            flag = new Flag(since, migrateAttempt(c.get("flagHolder"), attempts), instant(c.get("refusedAt")),
                    c.path("failureSinceReset").asBoolean());
        }
        Map<Outcome, Long> outcomes = new EnumMap<>(Outcome.class);
        c.path("attempts").fields().forEachRemaining(e -> outcomes.put(Outcome.valueOf(e.getKey()), e.getValue().asLong()));
        JsonNode h = c.path("durations");
        long[] counts = new long[h.path("counts").size()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = h.path("counts").get(i).asLong();
        }
        List<RememberedEvent> incident = new ArrayList<>();
        List<RememberedEvent> history = new ArrayList<>();
        for (JsonNode e : c.path("evidence")) {
            Instant time = instant(e.get("time"));
            require(time != null, at + "an evidence event without time");
            RememberedEvent r = new RememberedEvent(time, e.path("recordId").asLong(), e.path("eventId").asInt(),
                    e.path("description").asText(), RememberedEvent.NO_ATTEMPT);
            (flag != null && !time.isBefore(flag.since()) ? incident : history).add(r);
        }
        long nextId = attempts.size() + 1;
        return new Computer(name, nextId, attempts, current, earlier, flag, outcomes,
                new DurationHistogram.Snapshot(counts, h.path("count").asLong(), h.path("sum").asDouble(),
                        DurationHistogram.UNKNOWN_LAST),
                instant(c.get("lastSuccessfulBackup")), instant(c.get("lastEventTime")), incident, history);
    }

    /** Adds the attempt unless a copy of it (same start) is there already; returns its id, null for none. */
    private static Long migrateAttempt(JsonNode a, List<AttemptState> attempts) {
        if (a == null || a.isNull()) {
            return null;
        }
        Instant startedAt = instant(a.get("startedAt"));
        Instant lastEventAt = instant(a.get("lastEventAt"));
        require(startedAt != null && lastEventAt != null, "a version 1 attempt without its times");
        Set<Step> steps = EnumSet.noneOf(Step.class);
        Map<String, Step> flags = Map.of("prepared", Step.PREPARED, "snapshotTaken", Step.SNAPSHOT_TAKEN,
                "aborted", Step.ABORTED, "abortIgnored", Step.ABORT_IGNORED, "refused", Step.REFUSED,
                "failed", Step.FAILED, "backupCompleteCalled", Step.BACKUP_COMPLETE,
                "backupShutdownCalled", Step.BACKUP_SHUTDOWN);
        flags.forEach((field, step) -> {
            if (a.path(field).asBoolean()) {
                steps.add(step);
            }
        });
        Outcome outcome = a.hasNonNull("outcome") ? Outcome.valueOf(a.get("outcome").asText()) : null;
        for (int i = 0; i < attempts.size(); i++) {
            AttemptState other = attempts.get(i);
            if (other.startedAt().equals(startedAt)) {
                if (lastEventAt.isAfter(other.lastEventAt()) || steps.containsAll(other.steps()) && !other.steps().containsAll(steps)) {
                    attempts.set(i, new AttemptState(other.id(), startedAt, lastEventAt, steps, outcome));
                }
                return other.id();
            }
        }
        long id = attempts.size() + 1;
        attempts.add(new AttemptState(id, startedAt, lastEventAt, steps, outcome));
        return id;
    }

    private static Instant instant(JsonNode n) {
        return n == null || n.isNull() ? null : Instant.parse(n.asText());
    }
}
