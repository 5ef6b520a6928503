package io.github.exchangevss.lifecycle;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the exporter knows about one computer's Exchange VSS writer at one moment.
 *
 * @param backupInProgress  the inferred {@code backupInProgress} flag of the writer
 * @param inProgressSince   when the flag was set; null when it is not set
 * @param stuck             the flag is set and nothing will clear it by itself
 * @param stuckReason       why it is judged stuck, in plain words; null when not stuck
 * @param remediation       the KB 910250 method that applies now; null when none
 * @param diagnosis         why that method applies, in plain words; null when none
 * @param attempts          attempts counted so far per outcome (every outcome present)
 * @param lastSuccessfulBackup end of the last completed attempt; null when none seen
 * @param incident          events of the current incident, from the attempt that set the flag to now, newest
 *                          first (that attempt's events marked); empty when the flag is clear
 * @param history           earlier MSExchangeIS lifecycle events, newest first
 * @param lastEventTime     time of the last event read for this computer
 */
public record ComputerSnapshot(
        String computer,
        boolean backupInProgress,
        Instant inProgressSince,
        boolean stuck,
        String stuckReason,
        Remediation remediation,
        String diagnosis,
        Map<Outcome, Long> attempts,
        Instant lastSuccessfulBackup,
        DurationHistogram.Snapshot durations,
        List<EvidenceEvent> incident,
        List<EvidenceEvent> history,
        Instant lastEventTime) {}
