package io.github.exchangevss.source.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Winevt;
import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.source.xml.XmlEventReader;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The one class that calls wevtapi. The tests against the real event log run on Windows only (elsewhere the
 * fake-driven {@link WindowsEventSourceTest} covers everything around it); they read the Application log and never
 * write. What needs no wevtapi.dll runs everywhere.
 */
class WevtapiEventLogApiTest {
    private final EventLogApi api = new WevtapiEventLogApi();

    @Test
    void thePasswordIsZeroedInTheNativeLoginStructureOnly() {
        Winevt.EVT_RPC_LOGIN login = new Winevt.EVT_RPC_LOGIN("EXCH02.contoso.local", "svc-vss", "CONTOSO", "s3cret!",
                Winevt.EVT_RPC_LOGIN_FLAGS.EvtRpcLoginAuthNegotiate);
        login.write(); // what JNA does before the call
        Pointer password = login.getPointer().getPointer(3L * Native.POINTER_SIZE);
        assertThat(password.getWideString(0)).isEqualTo("s3cret!");

        WevtapiEventLogApi.wipePassword(login);

        assertThat(password.getByteArray(0, ("s3cret!".length() + 1) * Native.WCHAR_SIZE)).containsOnly((byte) 0);
        assertThat(login.getPointer().getPointer(0).getWideString(0)).isEqualTo("EXCH02.contoso.local");
        assertThat(login.getPointer().getPointer(2L * Native.POINTER_SIZE).getWideString(0)).isEqualTo("CONTOSO");
    }

    @Test
    @EnabledOnOs(OS.WINDOWS)
    void aMissingChannelIsReportedWithItsWin32Code() throws Exception {
        try (EventLogApi.Session session = api.openSession(null)) {
            assertThatThrownBy(() -> session.subscribe(new SubscriptionQuery("No-Such-Channel-exchange-vss-exporter",
                            List.of("*"), null), EventLogApi.Start.FUTURE, null))
                    .isInstanceOfSatisfying(EventLogException.class,
                            e -> assertThat(e.code()).isEqualTo(Win32Error.ERROR_EVT_CHANNEL_NOT_FOUND));
        }
    }

    @Test
    @EnabledOnOs(OS.WINDOWS)
    void readsRendersAndBookmarksApplicationEvents() throws Exception {
        try (EventLogApi.Session session = api.openSession(null);
                EventLogApi.Bookmark bookmark = api.createBookmark(null);
                EventLogApi.Subscription subscription = session.subscribe(
                        new SubscriptionQuery("Application", List.of("*"), Duration.ofDays(30)),
                        EventLogApi.Start.OLDEST, null)) {
            EventLogApi.LogInfo info = session.logInfo("Application");
            assertThat(info.newest()).isGreaterThanOrEqualTo(info.oldest());
            assertThat(session.await(List.of(subscription), Duration.ofSeconds(5))).containsExactly(subscription);
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
