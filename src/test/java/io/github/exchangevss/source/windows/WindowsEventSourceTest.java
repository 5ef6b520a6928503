package io.github.exchangevss.source.windows;

import io.github.exchangevss.source.RecordingSink;

import static io.github.exchangevss.source.windows.FakeEventLogApi.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.exchangevss.event.EventData;
import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.source.SourceError;
import io.github.exchangevss.source.SourceException;
import io.github.exchangevss.source.windows.EventLogApi.Start;
import io.github.exchangevss.source.windows.FakeEventLogApi.Call;
import io.github.exchangevss.source.windows.FakeEventLogApi.Subscribed;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class WindowsEventSourceTest {
    private static final Instant START = Instant.parse("2024-03-08T12:00:00Z");
    private static final Duration MAX_WAIT = Duration.ofMinutes(5);
    private static final List<String> HISTORY = resource("application-exch01-history.xml");
    private static final List<String> LIVE = resource("application-exch01-live.xml");
    private static final List<String> FORWARDED = resource("forwarded-exch02.xml");
    private static final String APPLICATION_CLEARED = resource("system-104-application-cleared.xml").get(0);
    private static final String SECURITY_CLEARED = resource("security-1102.xml").get(0);
    private static final String NOISE = HISTORY.stream().filter(x -> x.contains("Security-SPP")).findFirst().orElseThrow();

    private final FakeEventLogApi api = new FakeEventLogApi(START, "Application", "System");
    private final List<Duration> sleeps = new ArrayList<>();

    private static WindowsSourceConfig config(List<String> channels) {
        return new WindowsSourceConfig(channels, WindowsSourceConfig.DEFAULT_QUERIES, null, null, null, null,
                Duration.ofDays(7), Duration.ofSeconds(1), Duration.ofSeconds(4));
    }

    private static WindowsSourceConfig local() {
        return config(List.of("Application"));
    }

    private static List<Instant> times(List<EventRecord> events) {
        return events.stream().map(EventRecord::timeCreated).toList();
    }

    private static List<Instant> timesOf(List<String> xmls) {
        return xmls.stream().map(xml -> Instant.parse(xml.replaceAll(".*SystemTime='([^']+)'.*", "$1"))).toList();
    }

    private static Map<String, Long> positions(String checkpoint) {
        return BookmarkList.parse(checkpoint).recordIds();
    }

    private List<Duration> sleeps() {
        synchronized (sleeps) {
            return List.copyOf(sleeps);
        }
    }

    /** A source running on its own thread, as the exporter runs it; closing stops it and checks the handles. */
    private final class Running implements AutoCloseable {
        final RecordingSink sink = new RecordingSink();
        final WindowsEventSource source;
        private final Thread thread;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Running(WindowsSourceConfig config, String checkpoint) {
            this(config, checkpoint, Map.of());
        }

        Running(WindowsSourceConfig config, String checkpoint, Map<String, String> environment) {
            source = new WindowsEventSource(config, checkpoint, api, environment, duration -> {
                synchronized (sleeps) {
                    sleeps.add(duration);
                }
                Thread.sleep(2); // keeps a lasting fault from spinning; the recorded duration is what counts
            }, new WindowsEventSource.Pacing(MAX_WAIT, Duration.ofMinutes(1), api.clock()));
            thread = new Thread(() -> {
                try {
                    source.run(sink);
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "windows-source-test");
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            source.close();
            thread.join(5_000);
            assertThat(thread.isAlive()).as("run() returns after close()").isFalse();
            assertThat(failure.get()).as("run() failure").isNull();
            assertThat(api.openHandles()).as("handles left open").isZero();
        }
    }

    @Nested
    class NormalStream {
        @Test
        void liveEventsReachTheSinkInLogOrderWithTheirMessage() throws Exception {
            api.messages("MSExchangeIS", "Exchange VSS Writer failed with error code 0x50d when preparing for backup.");
            try (Running run = new Running(local(), null)) {
                run.sink.awaitUpAfter(0);
                api.log("Application", NOISE);
                api.logAll("Application", LIVE.subList(0, 3));
                run.sink.awaitEvents(3);
                awaitPosition(run.sink, "Application", 4);

                List<EventRecord> events = run.sink.events();
                assertThat(run.sink.eventIds()).containsExactly(9604, 9614, 9607);
                assertThat(events).allSatisfy(e -> {
                    assertThat(e.computer()).isEqualTo("EXCH01.contoso.local");
                    assertThat(e.message()).isEqualTo("Exchange VSS Writer failed with error code 0x50d when preparing for backup.");
                });
                assertThat(events.get(2).binaryText()).isEqualTo("Backup in progress.");
                assertThat(positions(run.sink.lastCheckpoint())).containsExactly(Map.entry("Application", 4L));
                assertThat(run.sink.ups()).containsExactly(true);
                assertThat(run.sink.errors()).isEmpty();
            }
            assertThat(api.subscribed()).containsExactly(
                    new Subscribed("Application", Start.OLDEST, Duration.ofDays(7), null),
                    new Subscribed("System", Start.FUTURE, null, null));
        }

        @Test
        void forwardedEventsKeepTheirComputerAndTheMessageTheCollectorRendered() throws Exception {
            api.addChannel("ForwardedEvents");
            api.messages("MSExchangeIS", "text of the local message file");
            try (Running run = new Running(config(List.of("ForwardedEvents")), null)) {
                run.sink.awaitUpAfter(0);
                api.logAll("ForwardedEvents", FORWARDED);
                run.sink.awaitEvents(2);
                awaitPosition(run.sink, "ForwardedEvents", 2);

                assertThat(run.sink.events()).extracting(EventRecord::computer).containsOnly("EXCH02.contoso.local");
                assertThat(run.sink.events().get(1).message())
                        .isEqualTo("Exchange VSS Writer (instance 4f2e7a12-0c3b-4d5e-9a61-2b7c8d9e0f13) failed with error code 0x50d when preparing for backup.");
                assertThat(positions(run.sink.lastCheckpoint())).containsExactly(Map.entry("ForwardedEvents", 2L));
            }
        }

        @Test
        void aMalformedEventIsReportedAndPassedOverAndTheStreamGoesOn() throws Exception {
            String broken = "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
                    + "<Provider Name='MSExchangeIS'/><EventID>9604</EventID><TimeCreated SystemTime='2024-03-08T06:00:00Z'/>"
                    + "<EventRecordID>5</System></Event>";
            try (Running run = new Running(local(), null)) {
                run.sink.awaitUpAfter(0);
                api.log("Application", LIVE.get(0));
                long brokenRecord = api.log("Application", broken);
                long last = api.log("Application", LIVE.get(1));
                run.sink.awaitEvents(2);
                run.sink.awaitErrors("malformed_event", 1);
                awaitPosition(run.sink, "Application", last);

                assertThat(run.sink.eventIds()).containsExactly(9604, 9614);
                SourceError error = run.sink.errors().get(0);
                assertThat(error.location()).isEqualTo("windows/Application");
                assertThat(brokenRecord).isLessThan(last);
                assertThat(positions(run.sink.lastCheckpoint())).containsEntry("Application", last);
                assertThat(run.sink.isUp()).isTrue();
            }
        }

        @Test
        void everyCheckpointCoversExactlyTheEventsAcceptedBeforeIt() throws Exception {
            try (Running run = new Running(local(), null)) {
                run.sink.awaitUpAfter(0);
                for (String xml : LIVE) {
                    api.log("Application", xml);
                }
                run.sink.awaitEvents(LIVE.size());
                awaitPosition(run.sink, "Application", LIVE.size());

                // Every logged event matches and record numbers start at 1, so record n is the n-th accepted event.
                List<String> checkpoints = run.sink.checkpoints();
                List<Integer> accepted = run.sink.acceptedAtCheckpoints();
                for (int i = 0; i < checkpoints.size(); i++) {
                    assertThat(positions(checkpoints.get(i)).get("Application")).isEqualTo(accepted.get(i).longValue());
                }
                assertThat(positions(run.sink.lastCheckpoint())).containsEntry("Application", (long) LIVE.size());
            }
        }
    }

    @Nested
    class RestartFromBookmark {
        @Test
        void resumesRightAfterTheLastAppliedEventWithNothingLostOrCountedTwice() throws Exception {
            String checkpoint;
            List<EventRecord> first;
            try (Running run = new Running(local(), null)) {
                run.sink.awaitUpAfter(0);
                api.logAll("Application", LIVE.subList(0, 3));
                run.sink.awaitEvents(3);
                awaitPosition(run.sink, "Application", 3);
                checkpoint = run.sink.lastCheckpoint();
                first = run.sink.events();
            }
            api.logAll("Application", LIVE.subList(3, 6)); // logged while the exporter was stopped

            try (Running run = new Running(local(), checkpoint)) {
                run.sink.awaitEvents(3);
                api.log("Application", LIVE.get(6)); // a later event: anything read twice would come before it
                run.sink.awaitEvents(4);

                assertThat(times(run.sink.events())).containsExactlyElementsOf(timesOf(LIVE.subList(3, 7)));
                List<EventRecord> all = new ArrayList<>(first);
                all.addAll(run.sink.events());
                assertThat(times(all)).containsExactlyElementsOf(timesOf(LIVE.subList(0, 7)));
            }
            assertThat(api.subscribed()).contains(new Subscribed("Application", Start.AFTER_BOOKMARK_STRICT, null, 3L));
        }

        @Test
        void aChannelNewToTheConfigurationReadsItsHistoryWhileTheOthersResume() throws Exception {
            api.addChannel("ForwardedEvents");
            String checkpoint = "<BookmarkList><Bookmark Channel='Application' RecordId='2' IsCurrent='true'/></BookmarkList>";
            api.logAll("Application", LIVE.subList(0, 3));
            api.logAll("ForwardedEvents", FORWARDED);

            try (Running run = new Running(config(List.of("Application", "ForwardedEvents")), checkpoint)) {
                run.sink.awaitEvents(3);
                awaitPosition(run.sink, "ForwardedEvents", 2);
                awaitPosition(run.sink, "Application", 3);

                assertThat(run.sink.eventIds()).containsExactly(9607, 9614, 9607);
                assertThat(positions(run.sink.lastCheckpoint()))
                        .containsExactly(Map.entry("Application", 3L), Map.entry("ForwardedEvents", 2L));
            }
            assertThat(api.subscribed()).startsWith(
                    new Subscribed("Application", Start.AFTER_BOOKMARK_STRICT, null, 2L),
                    new Subscribed("ForwardedEvents", Start.OLDEST, Duration.ofDays(7), null));
        }
    }

    @Nested
    class FirstStart {
        @Test
        void readsTheLookbackHistoryThenLiveEventsWithoutGapOrOverlap() throws Exception {
            api.logAll("Application", HISTORY);
            try (Running run = new Running(local(), null)) {
                run.sink.awaitEvents(11);
                api.log("Application", LIVE.get(0));
                run.sink.awaitEvents(12);

                // 2024-02-20 is older than 7 days before 2024-03-08T12:00Z; the Security-SPP event does not match.
                assertThat(run.sink.eventIds()).containsExactly(
                        9600, 9604, 9606, 9608, 9610, 9612, 9648, 9616, 9608, 9614, 9607, 9604);
                assertThat(run.sink.events().get(0).timeCreated()).isEqualTo(Instant.parse("2024-03-02T06:00:00.5Z"));
                EventRecord refused = run.sink.events().get(10);
                assertThat(refused.timeCreated()).isEqualTo(Instant.parse("2024-03-05T01:40:01.9876543Z"));
                assertThat(refused.binaryText()).isEqualTo("Backup in progress.");
                assertThat(run.sink.events().get(11).timeCreated()).isEqualTo(Instant.parse("2024-03-08T01:10:00Z"));
            }
        }

        @Test
        void aCheckpointThatIsNoBookmarkIsReportedAndTheHistoryReadInstead() throws Exception {
            api.logAll("Application", HISTORY);
            try (Running run = new Running(local(), "position=42")) {
                run.sink.awaitEvents(11);

                assertThat(run.sink.errorKinds()).containsExactly("bad_bookmark");
                assertThat(run.sink.errors().get(0).message()).contains("Content is not allowed in prolog", "reading 7d of history");
            }
        }
    }

    @Nested
    class MissingChannel {
        @Test
        void keepsTheSourceDownNamingTheChannelUntilItExists() throws Exception {
            try (Running run = new Running(config(List.of("Application", "ForwardedEvents")), null)) {
                run.sink.awaitErrors("channel_not_found", 2);
                assertThat(run.sink.ups()).doesNotContain(true);
                assertThat(run.sink.errors().get(0).message()).contains("ForwardedEvents", "wevtutil el");
                assertThat(run.sink.errors().get(0).location()).isEqualTo("windows");

                api.addChannel("ForwardedEvents");
                run.sink.awaitUpAfter(2);
                api.log("Application", LIVE.get(0));
                api.log("ForwardedEvents", FORWARDED.get(0));
                run.sink.awaitEvents(2);
                assertThat(run.sink.events()).extracting(EventRecord::computer)
                        .containsExactlyInAnyOrder("EXCH01.contoso.local", "EXCH02.contoso.local");
            }
        }
    }

    @Nested
    class AccessDenied {
        @Test
        void isReportedWithTheGroupToJoinAndRecoversWhenGranted() throws Exception {
            api.fail(Call.SUBSCRIBE, "Application", Win32Error.ERROR_ACCESS_DENIED, 2);
            try (Running run = new Running(local(), null)) {
                run.sink.awaitUpAfter(2);
                api.log("Application", LIVE.get(0));
                run.sink.awaitEvents(1);

                assertThat(run.sink.errorKinds()).containsExactly("access_denied", "access_denied");
                assertThat(run.sink.errors().get(0).message()).contains("EvtSubscribe Application", "Event Log Readers");
                assertThat(run.sink.ups()).containsExactly(false, false, true);
            }
        }
    }

    @Nested
    class RemoteServerUnavailable {
        private final WindowsSourceConfig remote = new WindowsSourceConfig(List.of("Application"),
                WindowsSourceConfig.DEFAULT_QUERIES, "EXCH02.contoso.local", "CONTOSO\\svc-vss", null, "VSS_PASSWORD",
                Duration.ofDays(7), Duration.ofSeconds(1), Duration.ofSeconds(4));

        @Test
        void resubscribesFromTheBookmarkWithBackoffAndLosesNothing() throws Exception {
            try (Running run = new Running(remote, null, Map.of("VSS_PASSWORD", "s3cret!"))) {
                run.sink.awaitUpAfter(0);
                api.logAll("Application", LIVE.subList(0, 2));
                run.sink.awaitEvents(2);

                api.fail(Call.NEXT, "Application", Win32Error.RPC_S_SERVER_UNAVAILABLE, 3);
                api.log("Application", LIVE.get(2)); // read only once signalled
                run.sink.awaitUpAfter(3);
                api.logAll("Application", LIVE.subList(3, 5));
                run.sink.awaitEvents(5);

                assertThat(times(run.sink.events())).containsExactlyElementsOf(timesOf(LIVE.subList(0, 5)));
                assertThat(run.sink.errorKinds()).containsExactly("rpc_unavailable", "rpc_unavailable", "rpc_unavailable");
                assertThat(run.sink.errors()).allSatisfy(e -> {
                    assertThat(e.location()).isEqualTo("windows:EXCH02.contoso.local");
                    assertThat(e.message()).contains("Remote Event Log Management").doesNotContain("s3cret!");
                });
                assertThat(sleeps()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
                assertThat(run.source.name()).isEqualTo("windows:EXCH02.contoso.local");
            }
            assertThat(api.logins()).hasSizeGreaterThanOrEqualTo(4).allSatisfy(login -> {
                assertThat(login).isEqualTo(new RemoteLogin("EXCH02.contoso.local", "CONTOSO", "svc-vss", "s3cret!"));
                assertThat(login.toString()).doesNotContain("s3cret!");
            });
            assertThat(api.subscribed()).contains(new Subscribed("Application", Start.AFTER_BOOKMARK_STRICT, null, 2L));
        }

        @Test
        void backoffDoublesUpToItsCapAndStartsOverAfterASuccess() throws Exception {
            api.fail(Call.OPEN_SESSION, null, Win32Error.RPC_S_SERVER_UNAVAILABLE, 5);
            try (Running run = new Running(remote, null, Map.of("VSS_PASSWORD", "s3cret!"))) {
                run.sink.awaitUpAfter(5);
                api.log("Application", LIVE.get(0));
                run.sink.awaitEvents(1); // reading worked, which starts the backoff over
                api.fail(Call.NEXT, "Application", Win32Error.ERROR_INVALID_HANDLE, 1);
                api.log("Application", LIVE.get(1)); // read only once signalled
                run.sink.awaitUpAfter(6);

                assertThat(sleeps()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
                        Duration.ofSeconds(4), Duration.ofSeconds(4), Duration.ofSeconds(1));
                assertThat(run.sink.errorKinds()).endsWith("subscription_lost");
            }
        }

        @Test
        void aMissingPasswordVariableIsACredentialsErrorNamingTheKey() throws Exception {
            try (Running run = new Running(remote, null, Map.of())) {
                run.sink.awaitErrors("credentials", 1);

                assertThat(run.sink.errors().get(0).message()).contains("source.windows.password-env", "VSS_PASSWORD");
                assertThat(api.logins()).isEmpty();
            }
        }
    }

    @Nested
    class LogCleared {
        @Test
        void event104IsReportedAndTheBookmarkOfTheClearedChannelDropped() throws Exception {
            String checkpoint;
            try (Running run = new Running(local(), null)) {
                run.sink.awaitUpAfter(0);
                api.logAll("Application", LIVE.subList(0, 2));
                run.sink.awaitEvents(2);
                awaitPosition(run.sink, "Application", 2);

                api.clear("Application", true);
                api.log("System", APPLICATION_CLEARED);
                run.sink.awaitErrors("log_cleared", 1);
                SourceError error = run.sink.errors().get(0);
                assertThat(error.location()).isEqualTo("windows/Application");
                assertThat(error.message()).contains("2024-03-08T05:00:00Z");
                assertThat(positions(run.sink.lastCheckpoint())).doesNotContainKey("Application");

                api.log("Application", LIVE.get(2)); // record 1 again after the clear
                run.sink.awaitEvents(3);
                awaitPosition(run.sink, "Application", 1);
                checkpoint = run.sink.lastCheckpoint();
                assertThat(positions(checkpoint)).containsExactly(Map.entry("Application", 1L));
                assertThat(run.sink.missed()).isZero();
                assertThat(run.sink.isUp()).isTrue();
            }
            api.log("Application", LIVE.get(3));
            try (Running run = new Running(local(), checkpoint)) {
                run.sink.awaitEvents(1);
                api.log("Application", LIVE.get(4));
                run.sink.awaitEvents(2);
                assertThat(times(run.sink.events())).containsExactlyElementsOf(timesOf(LIVE.subList(3, 5)));
            }
        }

        @Test
        void aClearWhileStoppedIsToldByTheRecordNumbersAndReadFromTheOldestRecord() throws Exception {
            String checkpoint;
            try (Running run = new Running(local(), null)) {
                run.sink.awaitUpAfter(0);
                api.logAll("Application", LIVE.subList(0, 3));
                run.sink.awaitEvents(3);
                awaitPosition(run.sink, "Application", 3);
                checkpoint = run.sink.lastCheckpoint();
            }
            api.clear("Application", true);
            api.logAll("Application", LIVE.subList(3, 5));

            try (Running run = new Running(local(), checkpoint)) {
                run.sink.awaitEvents(2);
                api.log("Application", LIVE.get(5));
                run.sink.awaitEvents(3);

                assertThat(times(run.sink.events())).containsExactlyElementsOf(timesOf(LIVE.subList(3, 6)));
                assertThat(run.sink.errorKinds()).containsExactly("log_cleared");
                assertThat(run.sink.missed()).isZero();
                assertThat(run.sink.isUp()).isTrue();
            }
        }

        @Test
        void event1102IsReportedWhenTheSecurityLogIsRead() throws Exception {
            api.addChannel("Security");
            try (Running run = new Running(config(List.of("Application", "Security")), null)) {
                run.sink.awaitUpAfter(0);
                api.log("Security", SECURITY_CLEARED);
                run.sink.awaitErrors("log_cleared", 1);

                assertThat(run.sink.errors().get(0).location()).isEqualTo("windows/Security");
                assertThat(run.sink.events()).isEmpty();
            }
            assertThat(api.subscribed()).contains(new Subscribed("Security", Start.FUTURE, null, null));
        }

        @Test
        void aClearOfAChannelNotReadIsIgnored() throws Exception {
            try (Running run = new Running(config(List.of("Application")), null)) {
                run.sink.awaitUpAfter(0);
                api.log("System", APPLICATION_CLEARED.replace("<Channel>Application</Channel>", "<Channel>Setup</Channel>"));
                api.log("Application", LIVE.get(0));
                run.sink.awaitEvents(1);

                assertThat(run.sink.errors()).isEmpty();
            }
        }
    }

    @Nested
    class LogWrapped {
        @Test
        void pastTheBookmarkWhileStoppedCountsTheOverwrittenRecordsAsMissed() throws Exception {
            String checkpoint;
            try (Running run = new Running(local(), null)) {
                run.sink.awaitUpAfter(0);
                api.logAll("Application", LIVE.subList(0, 3));
                run.sink.awaitEvents(3);
                awaitPosition(run.sink, "Application", 3);
                checkpoint = run.sink.lastCheckpoint();
            }
            api.logAll("Application", LIVE.subList(3, 10)); // records 4 to 10
            api.overwriteOldest("Application", 7);           // records 1 to 7 gone
            assertThat(api.oldestRecordId("Application")).isEqualTo(8);

            try (Running run = new Running(local(), checkpoint)) {
                run.sink.awaitEvents(3);

                assertThat(times(run.sink.events())).containsExactlyElementsOf(timesOf(LIVE.subList(7, 10)));
                assertThat(run.sink.missed()).isEqualTo(4);
                assertThat(run.sink.errorKinds()).containsExactly("log_wrapped");
                assertThat(run.sink.errors().get(0).message()).contains("records 4 to 7", "wevtutil sl Application");
                assertThat(run.sink.isUp()).isTrue();
            }
        }

        @Test
        void whileReadingGivesAStaleResultThenResumesAtTheOldestRecord() throws Exception {
            try (Running run = new Running(local(), null)) {
                run.sink.awaitUpAfter(0);
                api.logAll("Application", LIVE.subList(0, 2));
                run.sink.awaitEvents(2);

                api.logAndOverwrite("Application", LIVE.subList(2, 10), 5); // records 3 to 10 logged, 1 to 5 gone
                run.sink.awaitEvents(7);
                api.log("Application", LIVE.get(0)); // anything read twice would come before this one
                run.sink.awaitEvents(8);

                List<String> expected = new ArrayList<>(LIVE.subList(0, 2));
                expected.addAll(LIVE.subList(5, 10));
                expected.add(LIVE.get(0));
                assertThat(times(run.sink.events())).containsExactlyElementsOf(timesOf(expected));
                assertThat(run.sink.errorKinds()).containsExactly("query_stale", "log_wrapped");
                assertThat(run.sink.missed()).isEqualTo(3);
                assertThat(run.sink.ups()).containsExactly(true, false, true);
            }
        }
    }

    @Nested
    class LargeEvents {
        @Test
        void aBatchTooLargeForOneReplyIsReadAgainFromTheBookmarkInSmallerBatches() throws Exception {
            try (Running run = new Running(local(), null)) {
                run.sink.awaitUpAfter(0);
                api.logAll("Application", LIVE.subList(0, 2));
                run.sink.awaitEvents(2);
                awaitPosition(run.sink, "Application", 2);

                api.limitBatch("Application", 10); // 64, 32 and 16 fail, each time skipping the events
                api.logAll("Application", LIVE.subList(2, 6));
                run.sink.awaitEvents(6);
                api.log("Application", LIVE.get(6)); // anything read twice would come before this one
                run.sink.awaitEvents(7);

                assertThat(times(run.sink.events())).containsExactlyElementsOf(timesOf(LIVE.subList(0, 7)));
                assertThat(run.sink.errors()).isEmpty();
                assertThat(run.sink.ups()).doesNotContain(false);
                assertThat(sleeps()).isEmpty();
            }
            assertThat(api.subscribed()).filteredOn(s -> s.channel().equals("Application")).containsExactly(
                    new Subscribed("Application", Start.OLDEST, Duration.ofDays(7), null),
                    new Subscribed("Application", Start.AFTER_BOOKMARK_STRICT, null, 2L),
                    new Subscribed("Application", Start.AFTER_BOOKMARK_STRICT, null, 2L),
                    new Subscribed("Application", Start.AFTER_BOOKMARK_STRICT, null, 2L));
        }
    }

    @Nested
    class AsTheRealApiBehaves {
        @Test
        void anIdleSourceStaysUpForHoursAndCallsEvtNextOnlyWhenSignalled() throws Exception {
            try (Running run = new Running(local(), null)) {
                run.sink.awaitUpAfter(0);
                awaitFakeTime(Duration.ofHours(6));

                assertThat(run.sink.ups()).containsExactly(true);
                assertThat(run.sink.errors()).isEmpty();
                assertThat(sleeps()).isEmpty();
                // One EvtNext per subscription, Application and the System clear watch, when they were made.
                assertThat(api.calls(Call.NEXT)).isEqualTo(2);

                api.log("Application", LIVE.get(0));
                run.sink.awaitEvents(1);
                awaitFakeTime(Duration.ofHours(12));
                assertThat(api.calls(Call.NEXT)).isEqualTo(4); // the event, then nothing more to read
                assertThat(run.sink.errors()).isEmpty();
            }
        }

        @Test
        void aRestartAfterOtherProvidersRecordsWereOverwrittenMissesNothing() throws Exception {
            restartAfterOtherRecordsWereOverwritten();
            assertThat(api.subscribed()).contains(new Subscribed("Application", Start.AFTER_BOOKMARK_STRICT, null, 53L));
        }

        @Test
        void aStrictSubscriptionRefusingAPositionOnAnotherProvidersRecordIsNoClear() throws Exception {
            api.strictNeedsMatchingRecord();
            restartAfterOtherRecordsWereOverwritten();
            assertThat(api.subscribed()).contains(new Subscribed("Application", Start.AFTER_BOOKMARK_STRICT, null, 53L),
                    new Subscribed("Application", Start.AFTER_BOOKMARK, null, 53L));
        }

        private void restartAfterOtherRecordsWereOverwritten() throws Exception {
            String checkpoint;
            try (Running run = new Running(local(), null)) {
                run.sink.awaitUpAfter(0);
                api.logAll("Application", LIVE.subList(0, 3)); // records 1 to 3
                run.sink.awaitEvents(3);
                api.logAll("Application", java.util.Collections.nCopies(50, NOISE)); // records 4 to 53
                awaitPosition(run.sink, "Application", 53);
                checkpoint = run.sink.lastCheckpoint();
            }
            api.overwriteOldest("Application", 10); // records 1 to 10 gone, the last matching one with them
            api.log("Application", LIVE.get(3));     // record 54

            try (Running run = new Running(local(), checkpoint)) {
                run.sink.awaitEvents(1);

                assertThat(times(run.sink.events())).containsExactlyElementsOf(timesOf(LIVE.subList(3, 4)));
                assertThat(run.sink.missed()).isZero();
                assertThat(run.sink.errors()).isEmpty();
            }
        }

        @Test
        void aRemoteDropWhileOtherRecordsOverwriteTheLastMatchingOneResumesWithNothingMissed() throws Exception {
            WindowsSourceConfig remote = new WindowsSourceConfig(List.of("Application"), WindowsSourceConfig.DEFAULT_QUERIES,
                    "EXCH02.contoso.local", null, null, null, Duration.ofDays(7), Duration.ofSeconds(1), Duration.ofSeconds(4));
            try (Running run = new Running(remote, null)) {
                run.sink.awaitUpAfter(0);
                api.logAll("Application", LIVE.subList(0, 2));                       // records 1 and 2
                run.sink.awaitEvents(2);
                api.logAll("Application", java.util.Collections.nCopies(30, NOISE)); // records 3 to 32
                awaitPosition(run.sink, "Application", 32);

                api.overwriteOldest("Application", 5); // the last matching record with them: no running read is stale
                api.fail(Call.NEXT, "Application", Win32Error.RPC_S_CALL_FAILED, 1);
                api.log("Application", LIVE.get(2)); // record 33, read after the drop
                run.sink.awaitUpAfter(1);
                run.sink.awaitEvents(3);

                assertThat(run.sink.errorKinds()).containsExactly("rpc_unavailable");
                assertThat(run.sink.missed()).isZero();
                assertThat(run.sink.ups()).containsExactly(true, false, true);
            }
            assertThat(api.subscribed()).contains(new Subscribed("Application", Start.AFTER_BOOKMARK_STRICT, null, 32L));
        }

        @Test
        void aStaleQueryResultOnSubscribingResubscribesWithoutStrictInsteadOfFailing() throws Exception {
            api.logAll("Application", LIVE.subList(0, 4));
            api.fail(Call.SUBSCRIBE, "Application", Win32Error.ERROR_EVT_QUERY_RESULT_STALE, 1);
            String checkpoint = "<BookmarkList><Bookmark Channel='Application' RecordId='2' IsCurrent='true'/></BookmarkList>";

            try (Running run = new Running(local(), checkpoint)) {
                run.sink.awaitEvents(2);

                assertThat(times(run.sink.events())).containsExactlyElementsOf(timesOf(LIVE.subList(2, 4)));
                assertThat(run.sink.errors()).isEmpty();
                assertThat(run.sink.ups()).containsExactly(true);
                assertThat(run.sink.missed()).isZero();
            }
            assertThat(api.subscribed()).startsWith(
                    new Subscribed("Application", Start.AFTER_BOOKMARK_STRICT, null, 2L),
                    new Subscribed("Application", Start.AFTER_BOOKMARK, null, 2L));
        }

        @Test
        void forwardedEventsResumeWithoutStrictAndNeverLoopOnStaleBookmarks() throws Exception {
            api.addChannel("ForwardedEvents");
            api.logAll("ForwardedEvents", FORWARDED);
            String checkpoint = "<BookmarkList><Bookmark Channel='ForwardedEvents' RecordId='1' IsCurrent='true'/></BookmarkList>";

            try (Running run = new Running(config(List.of("ForwardedEvents")), checkpoint)) {
                run.sink.awaitEvents(1);
                awaitFakeTime(Duration.ofHours(1));

                assertThat(run.sink.eventIds()).containsExactly(9607);
                assertThat(run.sink.errors()).isEmpty();
                assertThat(run.sink.ups()).containsExactly(true);
            }
            assertThat(api.subscribed()).filteredOn(s -> s.channel().equals("ForwardedEvents"))
                    .containsExactly(new Subscribed("ForwardedEvents", Start.AFTER_BOOKMARK, null, 1L));
        }

        @Test
        void forwardedEventsWrappedPastThePositionCountTheOverwrittenRecords() throws Exception {
            api.addChannel("ForwardedEvents");
            api.logAll("ForwardedEvents", java.util.Collections.nCopies(6, FORWARDED.get(0))); // records 1 to 6
            api.overwriteOldest("ForwardedEvents", 4);                                          // 5 is the oldest
            String checkpoint = "<BookmarkList><Bookmark Channel='ForwardedEvents' RecordId='2' IsCurrent='true'/></BookmarkList>";

            try (Running run = new Running(config(List.of("ForwardedEvents")), checkpoint)) {
                run.sink.awaitEvents(2);
                run.sink.awaitErrors("log_wrapped", 1);

                assertThat(run.sink.missed()).isEqualTo(2); // records 3 and 4
                assertThat(run.sink.isUp()).isTrue();
            }
        }

        @Test
        void aForwardedEventWithoutRenderingInfoIsNeverFormattedInNativeCode() throws Exception {
            api.addChannel("ForwardedEvents");
            api.messages("MSExchangeIS", "text of the local message file");
            String withoutRenderingInfo = FORWARDED.get(1).replaceAll("<RenderingInfo.*</RenderingInfo>", "");
            try (Running run = new Running(config(List.of("ForwardedEvents")), null)) {
                run.sink.awaitUpAfter(0);
                api.log("ForwardedEvents", withoutRenderingInfo);
                run.sink.awaitEvents(1);

                assertThat(run.sink.events().get(0).eventId()).isEqualTo(9607);
                assertThat(run.sink.events().get(0).message()).isNull();
            }
        }

        @Test
        void charactersXmlDoesNotAllowAreRemovedAndTheEventKept() throws Exception {
            String withControlCharacters = LIVE.get(0).replace("<EventData/>",
                    "<EventData><Data>Backup\u0001 in\u001F progress&#x1;</Data></EventData>");
            try (Running run = new Running(local(), null)) {
                run.sink.awaitUpAfter(0);
                api.log("Application", withControlCharacters);
                run.sink.awaitEvents(1);

                assertThat(run.sink.errors()).isEmpty();
                assertThat(run.sink.events().get(0).data()).extracting(EventData::value).containsExactly("Backup in progress");
            }
        }

        @Test
        void aMessageOnlyInTheSystemLanguageIsKeptAndTheBinaryDataStillSaysWhatHappened() throws Exception {
            api.messages("MSExchangeIS", "de-DE", "Fehler 0x50d des Exchange-VSS-Writers beim Vorbereiten der Sicherung.");
            try (Running run = new Running(local(), null)) {
                run.sink.awaitUpAfter(0);
                api.log("Application", LIVE.get(2)); // 9607
                run.sink.awaitEvents(1);

                EventRecord refused = run.sink.events().get(0);
                assertThat(refused.message()).startsWith("Fehler 0x50d");
                assertThat(refused.binaryText()).isEqualTo("Backup in progress.");
                assertThat(io.github.exchangevss.lifecycle.VssEvents.mentions(refused, "backup in progress")).isTrue();
            }
        }

        @Test
        void aSavedPositionIsFoundWhateverTheCaseOfTheChannelName() throws Exception {
            api.logAll("Application", LIVE.subList(0, 3));
            String checkpoint = "<BookmarkList><Bookmark Channel='application' RecordId='2' IsCurrent='true'/></BookmarkList>";

            try (Running run = new Running(local(), checkpoint)) {
                run.sink.awaitEvents(1);
                awaitPosition(run.sink, "Application", 3);

                assertThat(run.sink.eventIds()).containsExactly(9607);
            }
            assertThat(api.subscribed()).contains(new Subscribed("Application", Start.AFTER_BOOKMARK_STRICT, null, 2L));
        }

        @Test
        void aRemoteBookmarkThatIsGoneIsToldByItsOwnCodeAndCountedOnce() throws Exception {
            WindowsSourceConfig remote = new WindowsSourceConfig(List.of("Application"), WindowsSourceConfig.DEFAULT_QUERIES,
                    "EXCH02.contoso.local", null, null, null, Duration.ofDays(7), Duration.ofSeconds(1), Duration.ofSeconds(4));
            api.logAll("Application", LIVE.subList(0, 8));
            api.overwriteOldest("Application", 5); // 6 is the oldest
            String checkpoint = "<BookmarkList><Bookmark Channel='Application' RecordId='3' IsCurrent='true'/></BookmarkList>";
            String after;
            try (Running run = new Running(remote, checkpoint)) {
                run.sink.awaitEvents(3);
                awaitPosition(run.sink, "Application", 8);
                after = run.sink.lastCheckpoint();

                assertThat(run.sink.errorKinds()).containsExactly("log_wrapped");
                assertThat(run.sink.missed()).isEqualTo(2);
            }
            try (Running run = new Running(remote, after)) {
                run.sink.awaitUpAfter(0);
                api.log("Application", LIVE.get(8));
                run.sink.awaitEvents(1);
                assertThat(run.sink.missed()).isZero();
            }
        }
    }

    @Nested
    class Platform {
        @Test
        void onlyWindowsStartsTheSourceElsewhereTheAlternativesAreNamed() throws Exception {
            if (com.sun.jna.Platform.isWindows()) {
                WindowsEventSource.create(WindowsSourceConfig.defaults(), null).close();
                return;
            }
            assertThatThrownBy(() -> WindowsEventSource.create(WindowsSourceConfig.defaults(), null))
                    .isInstanceOf(SourceException.class)
                    .hasMessage("--source windows needs Windows; on this OS use --source xml:PATH,"
                            + " --source evtx:PATH or --source demo");
        }
    }

    /** Waits until the fake clock, which moves only while the source waits for signals, passed {@code duration}. */
    private void awaitFakeTime(Duration duration) throws InterruptedException {
        Instant until = START.plus(duration);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (api.clock().instant().isBefore(until)) {
            assertThat(System.nanoTime()).as("fake time reaches " + until).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    /** Waits until the last checkpoint (a bookmark) puts {@code channel} at {@code recordId}. */
    private static void awaitPosition(RecordingSink sink, String channel, long recordId) throws InterruptedException {
        sink.awaitCheckpoint(bookmark -> Long.valueOf(recordId).equals(BookmarkList.parse(bookmark).recordIds().get(channel)),
                "checkpoint at " + channel + " record " + recordId);
    }
}
