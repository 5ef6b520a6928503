package io.github.exchangevss.source;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** exchange_vss_source_errors_total has its common kinds at 0 before the first error, so the first one is an increase. */
class SourceErrorKindsTest {
    @Test
    void fileSourcesStartWithTheirCommonKindsAtZero() {
        SourceStatus status = new SourceStatus("evtx:C:\\logs");
        assertThat(status.snapshot().errors()).containsEntry("malformed_event", 0L).containsEntry("file_missing", 0L)
                .containsEntry("bad_chunk_magic", 0L).containsEntry("chunk_crc", 0L);
        assertThat(status.error("malformed_event")).isEqualTo(1L);
        assertThat(status.snapshot().errors()).containsEntry("malformed_event", 1L).containsEntry("file_missing", 0L);
    }

    @Test
    void windowsSourcesStartWithTheirCommonKindsAtZero() {
        assertThat(new SourceStatus("windows:EXCH02").snapshot().errors())
                .containsKeys("access_denied", "rpc_unavailable", "logon_failure", "log_wrapped")
                .allSatisfy((kind, count) -> assertThat(count).isZero());
        assertThat(new SourceStatus("windows").snapshot().errors()).containsKey("access_denied");
    }

    @Test
    void theDemoHasNone() {
        assertThat(new SourceStatus("demo").snapshot().errors()).isEmpty();
    }
}
