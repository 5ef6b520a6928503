package io.github.exchangevss.http;

import io.github.exchangevss.lifecycle.ComputerSnapshot;
import java.util.Optional;

/**
 * The states the pages show a server in, worst first; {@code key} is the filter's query value. A server whose writer
 * events are all MSExchangeRepl is not judged: it comes before OK so that nobody takes it for a watched one.
 */
enum ServerState {
    STUCK("stuck", "Stuck"),
    RUNNING("running", "Backup in progress"),
    REPLICATION("replication", "Exchange 2013+: not followed by KB 910250"),
    OK("ok", "OK");

    final String key;
    final String label;

    ServerState(String key, String label) {
        this.key = key;
        this.label = label;
    }

    /** The state of a server the KB 910250 lifecycle follows. */
    static ServerState of(ComputerSnapshot computer) {
        return computer.stuck() ? STUCK : computer.backupInProgress() ? RUNNING : OK;
    }

    static Optional<ServerState> byKey(String key) {
        for (ServerState state : values()) {
            if (state.key.equals(key)) {
                return Optional.of(state);
            }
        }
        return Optional.empty();
    }

    String badge() {
        return "<span class=\"state " + key + "\">" + label + "</span>";
    }
}
