package io.github.exchangevss.simulator;

import io.github.exchangevss.event.EventRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Servers of one organisation over several weeks of nights, their events interleaved by time as a Windows Event
 * Forwarding collector receives them, and the checks at which the truth about each server is known.
 */
record Fleet(long seed, List<EventRecord> events, List<Check> checks, Instant end) {
    static final Instant FIRST_EVENING = Instant.parse("2026-10-05T21:00:00Z");

    static Fleet generate(long seed, int servers, int nights) {
        Random random = new Random(seed);
        List<SimulatedServer> fleet = new ArrayList<>();
        for (int s = 0; s < servers; s++) {
            fleet.add(new SimulatedServer(String.format("EXCH%03d.contoso.local", s), random));
        }
        for (int n = 0; n < nights; n++) {
            Instant evening = FIRST_EVENING.plus(Duration.ofDays(n));
            fleet.forEach(server -> server.nightAndDay(evening));
        }
        List<EventRecord> events = new ArrayList<>();
        List<Check> checks = new ArrayList<>();
        for (SimulatedServer server : fleet) {
            events.addAll(server.events());
            checks.addAll(server.checks());
        }
        // Stable sorts: each server's events keep their record order when two have the same time.
        events.sort(Comparator.comparing(EventRecord::timeCreated));
        checks.sort(Comparator.comparing(Check::at));
        Instant end = checks.get(checks.size() - 1).at();
        return new Fleet(seed, List.copyOf(events), List.copyOf(checks), end);
    }

    /** The checks of the last day: what a replay of the whole log is judged against. */
    List<Check> finalChecks() {
        return checks.stream().filter(c -> c.at().equals(end)).toList();
    }

    @Override
    public String toString() {
        return "fleet of seed " + seed + " (" + events.size() + " events)";
    }
}
