package io.github.exchangevss.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The log lines on stderr in both formats, read back as a log shipper would. */
class LoggingTest {
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private PrintStream original;

    @BeforeEach
    void captureStderr() {
        original = System.err;
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setErr(original);
        Logging.configure("info", "logfmt");
    }

    private List<String> lines() {
        return stderr.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void logfmtQuotesTheMessageAndPutsTheExceptionOnTheSameLine() {
        Logging.configure("info", "logfmt");
        Logger log = LoggerFactory.getLogger(LoggingTest.class);
        log.debug("not shown at info");
        log.warn("cannot read {}: \"bad\" \\ value\nsecond line", "C:\\logs\\a.xml", new IllegalStateException("boom"));
        List<String> lines = lines();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).matches("time=\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z level=warn source=LoggingTest "
                + "msg=\"cannot read C:\\\\\\\\logs\\\\\\\\a\\.xml: \\\\\"bad\\\\\" \\\\\\\\ value\\\\nsecond line\" "
                + "err=\"java\\.lang\\.IllegalStateException: boom\\\\n.*\"");
    }

    @Test
    void jsonIsOneObjectPerLineWithTheLevelAndTheFormattedMessage() throws Exception {
        Logging.configure("debug", "json");
        Logger log = LoggerFactory.getLogger(LoggingTest.class);
        log.debug("shown at debug");
        log.error("state file {} is \"corrupt\"", "state.json");
        List<String> lines = lines();
        assertThat(lines).hasSize(2);
        ObjectMapper json = new ObjectMapper();
        JsonNode debug = json.readTree(lines.get(0));
        JsonNode error = json.readTree(lines.get(1));
        assertThat(debug.path("level").asText()).isEqualTo("DEBUG");
        assertThat(error.path("level").asText()).isEqualTo("ERROR");
        assertThat(error.path("loggerName").asText()).isEqualTo(LoggingTest.class.getName());
        assertThat(error.path("formattedMessage").asText()).isEqualTo("state file state.json is \"corrupt\"");
        assertThat(error.path("timestamp").asLong()).isPositive();
    }
}
