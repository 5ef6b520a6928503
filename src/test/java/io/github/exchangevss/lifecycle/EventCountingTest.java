package io.github.exchangevss.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.exchangevss.event.EventRecord;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which providers are counted per event ID, the series limit, and what it says about the writer of each computer. */
class EventCountingTest {
    private static final Instant T0 = Instant.parse("2026-03-02T01:00:00Z");
    private long recordId;

    private EventRecord event(String computer, String provider, int id) {
        return EventRecord.builder().channel("Application").provider(provider).eventId(id).level(4)
                .timeCreated(T0.plusSeconds(++recordId)).recordId(recordId).computer(computer).build();
    }

    private static List<String> series(LifecycleEngine engine) {
        return engine.snapshotAt(T0.plusSeconds(3600)).events().stream()
                .map(e -> e.computer() + "/" + e.provider() + "/" + e.eventId() + "=" + e.count()).toList();
    }

    @Test
    void byDefaultTheTwoWritersAreCountedUnderTheirWindowsSpelling() {
        LifecycleEngine engine = new LifecycleEngine(LifecycleSettings.DEFAULTS, () -> T0);
        engine.apply(event("EX10", "MSExchangeIS", 9604));
        engine.apply(event("EX13", "msexchangerepl", 2021));
        engine.apply(event("EX13", "MSExchangeRepl", 2021));
        engine.apply(event("EX13", "ESE", 2005));
        engine.apply(event("EX13", "Outlook", 1));
        assertThat(series(engine)).containsExactly("EX10/MSExchangeIS/9604=1", "EX13/MSExchangeRepl/2021=2");
    }

    @Test
    void theProviderSetFiltersCountingOnlyNotTheLifecycle() {
        EventCounting eseAndVss = new EventCounting(EventCounting.canonicalNames(List.of("ese", "VSS")), 100);
        LifecycleEngine engine = new LifecycleEngine(LifecycleSettings.DEFAULTS, eseAndVss, () -> T0);
        for (int id : new int[] {9604, 9606, 9608}) {
            engine.apply(event("EX10", "MSExchangeIS", id));
        }
        engine.apply(event("EX10", "ESE", 2005));
        engine.apply(event("EX10", "VSS", 8224));
        assertThat(series(engine)).containsExactly("EX10/ESE/2005=1", "EX10/VSS/8224=1");
        ComputerSnapshot ex10 = engine.snapshotAt(T0.plusSeconds(60)).computers().get(0);
        assertThat(ex10.backupInProgress()).as("the lifecycle still follows MSExchangeIS").isTrue();
    }

    @Test
    void seriesBeyondTheLimitAreNotCreatedButKnownSeriesKeepCounting() {
        LifecycleEngine engine = new LifecycleEngine(LifecycleSettings.DEFAULTS,
                new EventCounting(Set.of("MSExchangeRepl"), 2), () -> T0);
        for (int id : new int[] {2021, 2023, 2110, 2034, 2021}) {
            engine.apply(event("EX13", "MSExchangeRepl", id));
        }
        assertThat(series(engine)).containsExactly("EX13/MSExchangeRepl/2021=2", "EX13/MSExchangeRepl/2023=1");
        assertThat(engine.uncountedEvents()).isEqualTo(2);
    }

    @Test
    void unknownProvidersAndLimitsAreRefused() {
        assertThatThrownBy(() -> EventCounting.canonicalNames(List.of("MSExchangeIS", "Outlook")))
                .hasMessageContaining("'Outlook' is not one of MSExchangeIS, MSExchangeRepl, ESE, VSS");
        assertThatThrownBy(() -> new EventCounting(Set.of("MSExchangeIS"), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aComputerWithOnlyReplicationServiceWriterEventsIsNamed() {
        LifecycleEngine engine = new LifecycleEngine(LifecycleSettings.DEFAULTS, () -> T0);
        engine.apply(event("EX10", "MSExchangeIS", 9604));
        engine.apply(event("EX10", "MSExchangeRepl", 2021));
        engine.apply(event("EX13", "MSExchangeRepl", 2021));
        // An MSExchangeIS event outside the writer's IDs says nothing about the writer.
        engine.apply(event("EX13", "MSExchangeIS", 1000));
        List<EventCount> events = engine.snapshotAt(T0).events();
        assertThat(ExchangeWriters.seen(events)).containsEntry("EX10", Set.of("information_store", "replication_service"))
                .containsEntry("EX13", Set.of("replication_service"));
        assertThat(ExchangeWriters.replicationOnly(events)).containsExactly("EX13");
    }
}
