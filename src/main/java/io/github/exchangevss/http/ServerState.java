package io.github.exchangevss.http;

import io.github.exchangevss.lifecycle.ComputerSnapshot;
import java.util.Optional;

/** The three states the pages show a server in, worst first; {@code key} is the filter's query value. */
enum ServerState {
    STUCK("stuck", "Stuck"),
    RUNNING("running", "Backup in progress"),
    OK("ok", "OK");

    final String key;
    final String label;

    ServerState(String key, String label) {
        this.key = key;
        this.label = label;
    }

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
