package io.github.exchangevss.source.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.source.xml.XmlEventReader;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The one class that calls wevtapi, against the real event log. Runs on Windows only (elsewhere the fake-driven
 * {@link WindowsEventSourceTest} covers everything around it). It reads the Application log and never writes.
 */
@EnabledOnOs(OS.WINDOWS)
class WevtapiEventLogApiTest {
    private final EventLogApi api = new WevtapiEventLogApi();

    @Test
    void aMissingChannelIsReportedWithItsWin32Code() throws Exception {
        try (EventLogApi.Session session = api.openSession(null)) {
            session.checkChannel("Application");
            assertThatThrownBy(() -> session.checkChannel("No-Such-Channel-exchange-vss-exporter"))
                    .isInstanceOfSatisfying(EventLogException.class,
                            e -> assertThat(e.code()).isEqualTo(Win32Error.ERROR_EVT_CHANNEL_NOT_FOUND));
        }
    }

    @Test
    void readsRendersAndBookmarksApplicationEvents() throws Exception {
        try (EventLogApi.Session session = api.openSession(null);
                EventLogApi.Bookmark bookmark = api.createBookmark(null);
                EventLogApi.Subscription subscription = session.subscribe(
                        new SubscriptionQuery("Application", List.of("*"), Duration.ofDays(30)),
                        EventLogApi.Start.OLDEST, null)) {
            assertThat(session.oldestRecordId("Application")).isNotNegative();
            session.await(List.of(subscription), Duration.ofSeconds(5));
            List<EventLogApi.Event> events = subscription.next(10);
            assumeFalse(events.isEmpty(), "the Application log has no event of the last 30 days");
            for (EventLogApi.Event event : events) {
                try (event) {
                    EventRecord record = XmlEventReader.parseEvent(event.renderXml());
                    assertThat(record.channel()).isEqualTo("Application");
                    assertThat(record.recordId()).isPositive();
                    bookmark.update(event);
                }
            }
            assertThat(bookmark.toXml()).contains("<BookmarkList").contains("Application");
        }
    }
}
