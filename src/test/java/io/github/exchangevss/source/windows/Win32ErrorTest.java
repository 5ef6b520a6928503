package io.github.exchangevss.source.windows;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Win32ErrorTest {
    @Test
    void mapsTheCodesTheSourceMeetsToBoundedKinds() {
        assertThat(Win32Error.kind(15007)).isEqualTo("channel_not_found");
        assertThat(Win32Error.kind(5)).isEqualTo("access_denied");
        assertThat(Win32Error.kind(1722)).isEqualTo("rpc_unavailable");
        assertThat(Win32Error.kind(1727)).isEqualTo("rpc_unavailable");
        assertThat(Win32Error.kind(15011)).isEqualTo("query_stale");
        assertThat(Win32Error.kind(15012)).isEqualTo("bookmark_not_found");
        assertThat(Win32Error.kind(1168)).isEqualTo("bookmark_not_found");
        assertThat(Win32Error.kind(6)).isEqualTo("subscription_lost");
        assertThat(Win32Error.kind(1326)).isEqualTo("logon_failure");
        assertThat(Win32Error.kind(15001)).isEqualTo("invalid_query");
        assertThat(Win32Error.kind(31)).isEqualTo("win32_error");
    }

    @Test
    void tellsWhatToFixForTheFaultsAnAdministratorCanFix() {
        assertThat(Win32Error.hint(5)).contains("Event Log Readers");
        assertThat(Win32Error.hint(1722)).contains("Remote Event Log Management");
        assertThat(Win32Error.hint(15007)).contains("source.windows.channels");
        assertThat(Win32Error.hint(1326)).contains("source.windows.username");
        assertThat(Win32Error.hint(15011)).isNull();
    }

    @Test
    void aVanishedBookmarkIsEitherNotFoundCode() {
        assertThat(Win32Error.bookmarkGone(1168)).isTrue();
        assertThat(Win32Error.bookmarkGone(15012)).isTrue();
        assertThat(Win32Error.bookmarkGone(15011)).isFalse();
    }
}
