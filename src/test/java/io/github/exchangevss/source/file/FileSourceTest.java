package io.github.exchangevss.source.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.evtx.EvtxWriter;
import io.github.exchangevss.evtx.KbEvtxFixtures;
import io.github.exchangevss.scenario.WevtutilXml;
import io.github.exchangevss.source.RecordingSink;
import io.github.exchangevss.source.SourceError;
import io.github.exchangevss.source.SourceException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSourceTest {
    private static final String NS = "http://schemas.microsoft.com/win/2004/08/events/event";
    private static final Duration FAST_POLL = Duration.ofMillis(20);
    /** Only an upper bound for waiting on the follow thread; nothing is timed. */
    private static final long WAIT_MILLIS = 20_000;

    @TempDir
    Path dir;
    /** Where a new file is prepared before it is moved into the followed folder. */
    @TempDir
    Path staging;

    private final RecordingSink sink = new RecordingSink();
    private final AtomicReference<Exception> followFailure = new AtomicReference<>();
    private FileSource following;
    private Thread runner;

    @AfterEach
    void stopFollowing() throws InterruptedException {
        if (following != null) {
            following.close();
            runner.join(WAIT_MILLIS);
        }
        assertThat(sink.missed()).as("a file source never misses events").isZero();
    }

    private static String event(int id, long recordId, String computer) {
        return WevtutilXml.render(EventRecord.builder().provider("MSExchangeIS").eventId(id).qualifiers(16384).level(4)
                .task(296).timeCreated(Instant.parse("2024-03-05T01:00:00Z").plusSeconds(recordId % 60))
                .recordId(recordId).channel("Application").computer(computer).build()) + "\r\n";
    }

    private static String events(long fromRecordId, long toRecordId) {
        StringBuilder xml = new StringBuilder();
        for (long id = fromRecordId; id <= toRecordId; id++) {
            xml.append(event(9604, id, "EXCH01.contoso.local"));
        }
        return xml.toString();
    }

    private static void append(Path file, String xml) throws IOException {
        Files.writeString(file, xml, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Writes a new file next to {@code file} and moves it over it, as log rotation does. */
    private static void replace(Path file, String xml) throws IOException {
        Path fresh = file.resolveSibling("." + file.getFileName() + ".new");
        Files.writeString(fresh, xml, StandardCharsets.UTF_8);
        Files.move(fresh, file, StandardCopyOption.REPLACE_EXISTING);
    }

    private void runOnce(FileSource source) throws SourceException, InterruptedException {
        runOnce(source, sink);
    }

    private static void runOnce(FileSource source, RecordingSink target) throws SourceException, InterruptedException {
        try (source) {
            source.run(target);
        }
    }

    private void startFollowing(String spec, String checkpoint) {
        following = new FileSource(spec, true, FAST_POLL, checkpoint);
        runner = new Thread(() -> {
            try {
                following.run(sink);
            } catch (Exception e) {
                followFailure.set(e);
            }
        }, "file-source-test");
        runner.start();
    }

    private void awaitUntil(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        while (!condition.getAsBoolean()) {
            assertThat(followFailure.get()).as("follow loop failure").isNull();
            assertThat(System.currentTimeMillis()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Nested
    class OneShot {
        @Test
        void readsAFileOnceAndCheckpoints() throws Exception {
            Path file = dir.resolve("application.xml");
            Files.writeString(file, events(1, 5));

            runOnce(new FileSource("xml:" + file, false, FileSource.DEFAULT_POLL_INTERVAL, null));

            assertThat(sink.recordIds()).containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThat(sink.upChanges()).containsExactly(true);
            assertThat(sink.errors()).isEmpty();
            assertThat(sink.checkpoints()).isNotEmpty();
            assertThat(sink.checkpoints().get(sink.checkpoints().size() - 1))
                    .contains(file.toString()).contains("\"recordId\":5");
        }

        @Test
        void readsTheVisibleRegularFilesOfADirectoryInNameOrder() throws Exception {
            Files.writeString(dir.resolve("b.xml"), events(20, 21));
            Files.writeString(dir.resolve("a.xml"), events(10, 11));
            Files.writeString(dir.resolve(".hidden.xml"), events(90, 91));
            Files.createDirectory(dir.resolve("c-subdir"));
            Files.writeString(dir.resolve("c-subdir").resolve("d.xml"), events(80, 81));

            runOnce(new FileSource("xml:" + dir, false, FileSource.DEFAULT_POLL_INTERVAL, null));

            assertThat(sink.recordIds()).containsExactly(10L, 11L, 20L, 21L);
        }

        @Test
        void aFileInAnEncodingThatCannotBeReadIsAnErrorOfThatFileOnly() throws Exception {
            Files.writeString(dir.resolve("a.xml"), events(10, 11));
            for (String encoding : List.of("ISO-2022-CN", "x-JISAutoDetect", "x-no-such-charset", "UTF-32")) {
                Files.writeString(dir.resolve("b-" + encoding + ".xml"),
                        "<?xml version='1.0' encoding='" + encoding + "'?>" + events(20, 21));
            }
            Files.writeString(dir.resolve("c.xml"), events(30, 31));

            runOnce(new FileSource("xml:" + dir, false, FileSource.DEFAULT_POLL_INTERVAL, null));

            assertThat(sink.recordIds()).containsExactly(10L, 11L, 30L, 31L);
            assertThat(sink.errors()).hasSize(4).allSatisfy(error -> {
                assertThat(error.kind()).isEqualTo("read_error");
                assertThat(error.location()).contains("b-");
                assertThat(error.message()).contains("encoding");
            });
        }

        @Test
        void badEventsAreReportedAndTheRestIsDelivered() throws Exception {
            Path file = dir.resolve("application.xml");
            Files.writeString(file, events(1, 1) + event(9607, 2, "EXCH01").replace("<EventRecordID>2", "<EventRecordID>x")
                    + events(3, 3) + "<Event xmlns='" + NS + "'><System>");

            runOnce(new FileSource("xml:" + file, false, FileSource.DEFAULT_POLL_INTERVAL, null));

            assertThat(sink.recordIds()).containsExactly(1L, 3L);
            assertThat(sink.errors()).extracting(SourceError::kind).containsExactly("malformed_event", "malformed_event");
            assertThat(sink.errors()).extracting(SourceError::location).satisfiesExactly(
                    location -> assertThat(location).startsWith(file + ":2:"),
                    location -> assertThat(location).isEqualTo(file + ":4:1"));
        }

        @Test
        void missingPathIsNamedAndTheSourceIsDown() {
            Path missing = dir.resolve("nowhere.xml");

            assertThatThrownBy(() -> runOnce(new FileSource("xml:" + missing, false, FAST_POLL, null)))
                    .isInstanceOf(SourceException.class)
                    .hasMessageContaining(missing.toString());
            assertThat(sink.upChanges()).containsExactly(false);
        }

        @Test
        void evtxContentIsReadWhateverTheFileIsCalled() throws Exception {
            List<EventRecord> written = KbEvtxFixtures.method2(Instant.parse("2026-11-20T02:00:00Z"), 500);
            Path file = EvtxWriter.write(dir.resolve("Application.xml"), written);

            runOnce(new FileSource("xml:" + file, false, FAST_POLL, null));

            assertThat(sink.errors()).isEmpty();
            assertThat(sink.events()).isEqualTo(written);
        }

        @Test
        void specNeedsAKnownPrefixAndAPath() {
            assertThatThrownBy(() -> new FileSource("json:/x", false, FAST_POLL, null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("json:/x");
            assertThatThrownBy(() -> new FileSource("xml:", false, FAST_POLL, null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no path");
        }

        @Test
        void nameIsTheSpec() {
            assertThat(new FileSource("xml:/var/log/x", false, FAST_POLL, null).name()).isEqualTo("xml:/var/log/x");
        }
    }

    @Nested
    class Resume {
        @Test
        void restartWithTheCheckpointDeliversOnlyWhatIsNew() throws Exception {
            Path file = dir.resolve("application.xml");
            Files.writeString(file, events(1, 3));
            runOnce(new FileSource("xml:" + dir, false, FAST_POLL, null));
            String checkpoint = sink.lastCheckpoint();
            append(file, events(4, 6));
            RecordingSink afterRestart = new RecordingSink();

            runOnce(new FileSource("xml:" + dir, false, FAST_POLL, checkpoint), afterRestart);

            assertThat(afterRestart.recordIds()).containsExactly(4L, 5L, 6L);
        }

        @Test
        void stopHalfWayThroughAFileResumesAfterTheLastDeliveredEvent() throws Exception {
            Path file = dir.resolve("application.xml");
            Files.writeString(file, events(1, 5));
            FileSource first = new FileSource("xml:" + file, false, FAST_POLL, null);
            RecordingSink stopping = new RecordingSink() {
                @Override
                public void accept(EventRecord event) {
                    super.accept(event);
                    if (events().size() == 2) {
                        first.close();
                    }
                }
            };
            first.run(stopping);

            runOnce(new FileSource("xml:" + file, false, FAST_POLL, stopping.lastCheckpoint()));

            assertThat(stopping.recordIds()).containsExactly(1L, 2L);
            assertThat(sink.recordIds()).containsExactly(3L, 4L, 5L);
        }

        @Test
        void unchangedFilesGiveNothingAfterARestart() throws Exception {
            Files.writeString(dir.resolve("a.xml"), events(1, 3));
            Files.writeString(dir.resolve("b.xml"), events(7, 8));
            runOnce(new FileSource("xml:" + dir, false, FAST_POLL, null));
            String checkpoint = sink.lastCheckpoint();
            RecordingSink afterRestart = new RecordingSink();

            runOnce(new FileSource("xml:" + dir, false, FAST_POLL, checkpoint), afterRestart);

            assertThat(afterRestart.events()).isEmpty();
        }

        @Test
        void fileReplacedWhileStoppedIsReadAgainWithoutWhatWasDelivered() throws Exception {
            Path file = dir.resolve("application.xml");
            Files.writeString(file, events(1, 3));
            runOnce(new FileSource("xml:" + dir, false, FAST_POLL, null));
            String checkpoint = sink.lastCheckpoint();
            replace(file, events(2, 5) + event(9607, 1, "EXCH02.contoso.local"));
            RecordingSink afterRestart = new RecordingSink();

            runOnce(new FileSource("xml:" + dir, false, FAST_POLL, checkpoint), afterRestart);

            assertThat(afterRestart.events()).extracting(e -> e.computer() + "#" + e.recordId())
                    .containsExactly("EXCH01.contoso.local#4", "EXCH01.contoso.local#5", "EXCH02.contoso.local#1");
        }

        @Test
        void damagedCheckpointMeansReadingFromTheStart() throws Exception {
            Path file = dir.resolve("application.xml");
            Files.writeString(file, events(1, 2));

            runOnce(new FileSource("xml:" + file, false, FAST_POLL, "{not json"));

            assertThat(sink.recordIds()).containsExactly(1L, 2L);
        }
    }

    @Nested
    class Follow {
        @Test
        void readsAppendedEventsAndNewFiles() throws Exception {
            Path first = dir.resolve("a.xml");
            Files.writeString(first, events(1, 2));
            startFollowing("xml:" + dir, null);
            awaitUntil("the first file", () -> sink.events().size() == 2);

            append(first, events(3, 4));
            awaitUntil("appended events", () -> sink.events().size() == 4);
            Files.writeString(dir.resolve("b.xml"), events(100, 101));
            awaitUntil("the new file", () -> sink.events().size() == 6);

            assertThat(sink.recordIds()).containsExactly(1L, 2L, 3L, 4L, 100L, 101L);
            assertThat(sink.errors()).isEmpty();
        }

        @Test
        void anEventBeingWrittenIsDeliveredOnceComplete() throws Exception {
            Path file = dir.resolve("a.xml");
            String third = event(9607, 3, "EXCH01.contoso.local");
            Files.writeString(file, events(1, 2) + third.substring(0, 120));
            startFollowing("xml:" + file, null);
            awaitUntil("the complete events", () -> sink.events().size() == 2);

            append(file, third.substring(120) + events(4, 4));
            awaitUntil("the completed event", () -> sink.events().size() == 4);

            assertThat(sink.recordIds()).containsExactly(1L, 2L, 3L, 4L);
            assertThat(sink.errors()).isEmpty();
        }

        @Test
        void rotatedFileIsReadAgainWithoutDuplicates() throws Exception {
            Path file = dir.resolve("application.xml");
            Files.writeString(file, events(1, 3));
            startFollowing("xml:" + file, null);
            awaitUntil("the first events", () -> sink.events().size() == 3);

            replace(file, events(3, 5));
            awaitUntil("events after rotation", () -> sink.events().size() == 5);
            Files.writeString(file, events(5, 6));
            awaitUntil("events after truncation", () -> sink.events().size() == 6);

            assertThat(sink.recordIds()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        }

        @Test
        void anEvtxExportReplacedByANewerOneDeliversOnlyTheNewRecords() throws Exception {
            Instant start = Instant.parse("2026-11-20T02:00:00Z");
            List<EventRecord> first = KbEvtxFixtures.goodBackup(start, 100);
            List<EventRecord> later = KbEvtxFixtures.method2(start.plusSeconds(3600), 100 + first.size());
            Path file = EvtxWriter.write(dir.resolve("Application.evtx"), first);
            startFollowing("evtx:" + dir, null);
            awaitUntil("the first export", () -> sink.events().size() == first.size());

            // wevtutil epl writes the whole log again: the old records and the new ones.
            List<EventRecord> all = new ArrayList<>(first);
            all.addAll(later);
            // Written outside the followed folder, then moved in, as a copy onto the share would end.
            Path newer = EvtxWriter.write(staging.resolve("Application.evtx"), all);
            Files.move(newer, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            awaitUntil("the newer export", () -> sink.events().size() == all.size());

            assertThat(sink.events()).isEqualTo(all);
            assertThat(sink.errors()).isEmpty();
        }

        @Test
        void fileRenamedByRotationIsNotReadAgain() throws Exception {
            Path file = dir.resolve("application.xml");
            Files.writeString(file, events(1, 3));
            startFollowing("xml:" + dir, null);
            awaitUntil("the first events", () -> sink.events().size() == 3);

            Files.move(file, dir.resolve("application-1.xml"));
            Files.writeString(file, events(4, 5));
            awaitUntil("the events of the new file", () -> sink.events().size() >= 5);
            append(dir.resolve("application-1.xml"), events(90, 90));
            awaitUntil("the event appended to the renamed file", () -> sink.events().size() >= 6);

            assertThat(sink.recordIds()).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 90L);
        }

        @Test
        void missingPathIsReportedOnceAndPickedUpWhenItAppears() throws Exception {
            Path file = dir.resolve("later.xml");
            startFollowing("xml:" + file, null);
            awaitUntil("the source to be down", () -> sink.upChanges().contains(false));

            Files.writeString(file, events(1, 1));
            awaitUntil("the event", () -> sink.events().size() == 1);

            assertThat(sink.errors()).singleElement().satisfies(error -> {
                assertThat(error.kind()).isEqualTo("file_missing");
                assertThat(error.location()).isEqualTo(file.toString());
            });
            assertThat(sink.upChanges()).startsWith(false).endsWith(true);
        }

        @Test
        void closeStopsThePollingLoop() throws Exception {
            Files.writeString(dir.resolve("a.xml"), events(1, 1));
            following = new FileSource("xml:" + dir, true, Duration.ofHours(1), null);
            runner = new Thread(() -> {
                try {
                    following.run(sink);
                } catch (Exception e) {
                    followFailure.set(e);
                }
            });
            runner.start();
            awaitUntil("the event", () -> sink.events().size() == 1);

            following.close();
            runner.join(WAIT_MILLIS);

            assertThat(runner.isAlive()).isFalse();
            assertThat(followFailure.get()).isNull();
        }
    }
}
