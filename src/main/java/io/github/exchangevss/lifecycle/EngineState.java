package io.github.exchangevss.lifecycle;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The engine's persistent part, opaque outside this package: it writes itself as JSON in the format of
 * docs/state-format.md, and reading it back validates it (an inconsistent state fails to read, naming the
 * problem, so the state file is set aside as corrupt) and migrates the first release's format.
 */
public final class EngineState {
    final EngineStateFormat.State state;

    EngineState(EngineStateFormat.State state) {
        this.state = state;
    }

    /** Written as the format's records, straight into the state file: no intermediate tree under the lock. */
    @JsonValue
    EngineStateFormat.State toJson() {
        return state;
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static EngineState fromJson(JsonNode json) {
        return new EngineState(EngineStateFormat.read(json));
    }
}
