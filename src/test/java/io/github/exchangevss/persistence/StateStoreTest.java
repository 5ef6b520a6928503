package io.github.exchangevss.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.lifecycle.EngineSnapshot;
import io.github.exchangevss.lifecycle.EngineStateRoundTrip;
import io.github.exchangevss.lifecycle.LifecycleEngine;
import io.github.exchangevss.lifecycle.LifecycleSettings;
import io.github.exchangevss.lifecycle.Remediation;
import io.github.exchangevss.source.SourceStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {
    @TempDir
    Path dir;

    private static LifecycleEngine engine() {
        return new LifecycleEngine(LifecycleSettings.DEFAULTS, Instant::now);
    }

    /** An engine fed {@code events}, saved, and loaded into a new engine as a restarted exporter does. */
    private LifecycleEngine savedAndRestored(List<EventRecord> events) throws Exception {
        LifecycleEngine before = engine();
        events.forEach(before::apply);
        StateStore store = new StateStore(dir);
        store.write(new PersistedState(PersistedState.CURRENT_VERSION, Instant.now(), before.exportState(), Map.of(),
                Map.of()));
        LifecycleEngine after = engine();
        after.importState(store.load().orElseThrow().engine());
        return after;
    }

    @Test
    void aStuckFlagSurvivesARestart() throws Exception {
        List<EventRecord> events = EngineStateRoundTrip.stuckAndHealthy();
        LifecycleEngine before = engine();
        events.forEach(before::apply);
        Instant end = before.latestEventTime();

        StateStore store = new StateStore(dir);
        store.write(StateStore.serialize(new PersistedState(PersistedState.CURRENT_VERSION, end,
                before.exportState(), Map.of("windows", "<BookmarkList/>"), Map.of("windows",
                new SourceStatus.Counters(12, 3, end, Map.of("log_wrapped", 1L))))));

        PersistedState loaded = new StateStore(dir).load().orElseThrow();
        LifecycleEngine after = engine();
        after.importState(loaded.engine());

        EngineSnapshot expected = before.snapshotAt(end);
        EngineSnapshot actual = after.snapshotAt(end);
        assertThat(actual.computers()).isEqualTo(expected.computers());
        assertThat(actual.events()).as("event counters go on from the saved values").isNotEmpty()
                .isEqualTo(expected.events());
        assertThat(loaded.sources()).containsEntry("windows",
                new SourceStatus.Counters(12, 3, end, Map.of("log_wrapped", 1L)));
        assertThat(actual.computers()).filteredOn(c -> c.stuck()).singleElement()
                .satisfies(c -> assertThat(c.remediation()).isEqualTo(Remediation.RESTART_INFORMATION_STORE));
        assertThat(loaded.checkpoints()).containsEntry("windows", "<BookmarkList/>");
        assertThat(after.latestEventTime()).isEqualTo(end);
    }

    @Test
    void eventsAlreadyAppliedBeforeTheRestartAreNotAppliedAgain() throws Exception {
        List<EventRecord> events = EngineStateRoundTrip.stuckAndHealthy();
        LifecycleEngine after = savedAndRestored(events);
        assertThat(events).noneMatch(after::apply);
    }

    @Test
    void theLifecycleKeepsMovingAfterARestore() throws Exception {
        List<EventRecord> events = EngineStateRoundTrip.stuckAndHealthy();
        LifecycleEngine after = savedAndRestored(events);

        EventRecord lastOfStuck = events.stream().filter(e -> e.computer().startsWith("EXCH02")).reduce((a, b) -> b).orElseThrow();
        EventRecord restart = lastOfStuck.toBuilder().eventId(9600).recordId(lastOfStuck.recordId() + 1)
                .timeCreated(lastOfStuck.timeCreated().plusSeconds(600)).binary(null).build();
        assertThat(after.apply(restart)).isTrue();
        assertThat(after.snapshotAt(restart.timeCreated()).computers()).noneMatch(c -> c.stuck() || c.backupInProgress());
    }

    @Test
    void noFileMeansAFreshStart() {
        assertThat(new StateStore(dir).load()).isEmpty();
    }

    @Test
    void aCorruptFileGivesAFreshStartAndIsSetAside() throws Exception {
        Files.writeString(dir.resolve(StateStore.FILE_NAME), "{\"version\":1,\"engine\":{\"computers\":[", StandardCharsets.UTF_8);
        Optional<PersistedState> loaded = new StateStore(dir).load();
        assertThat(loaded).isEmpty();
        assertThat(dir.resolve(StateStore.FILE_NAME)).doesNotExist();
        assertThat(dir.resolve(StateStore.FILE_NAME + ".corrupt")).exists();
    }

    @Test
    void aFileOfAnotherVersionIsNotTrusted() throws Exception {
        Files.writeString(dir.resolve(StateStore.FILE_NAME),
                "{\"version\":99,\"engine\":{\"computers\":{},\"positions\":{}},\"checkpoints\":{}}");
        assertThat(new StateStore(dir).load()).isEmpty();
    }

    @Test
    void writingReplacesTheFileAndLeavesNoTempFile() throws Exception {
        StateStore store = new StateStore(dir.resolve("nested"));
        store.write("{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        store.write("{\"a\":2}".getBytes(StandardCharsets.UTF_8));
        assertThat(Files.readString(store.file())).isEqualTo("{\"a\":2}");
        try (var files = Files.list(store.file().getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(StateStore.FILE_NAME);
        }
    }

    /**
     * A fleet's state is tens of MB: written in one piece, the channel's temporary direct buffer of that size would
     * stay with the writing thread, outside the heap, for as long as the exporter runs.
     */
    @Test
    void writingALargeStateKeepsNoCopyOfItOutsideTheHeap() throws Exception {
        byte[] json = new byte[16 << 20];
        Arrays.fill(json, (byte) ' ');
        StateStore store = new StateStore(dir);
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct")).findFirst().orElseThrow();
        long[] grown = new long[1];
        // A fresh thread, so that no buffer cached by an earlier write hides the allocation.
        Thread writer = new Thread(() -> {
            long before = direct.getMemoryUsed();
            try {
                store.write(json);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            grown[0] = direct.getMemoryUsed() - before;
        });
        writer.start();
        writer.join();

        assertThat(Files.size(store.file())).isEqualTo(json.length);
        assertThat(grown[0]).as("direct memory kept by the writing thread").isLessThan(json.length / 4);
    }
}
