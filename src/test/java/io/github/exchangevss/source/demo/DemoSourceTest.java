package io.github.exchangevss.source.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.github.exchangevss.config.Durations;
import io.github.exchangevss.lifecycle.ComputerSnapshot;
import io.github.exchangevss.lifecycle.EventCount;
import io.github.exchangevss.lifecycle.ExchangeWriters;
import io.github.exchangevss.lifecycle.LifecycleEngine;
import io.github.exchangevss.lifecycle.Remediation;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo's loop replayed second by second through the real engine: the incidents it shows must last long enough
 * for the shipped alert rules to fire within ten minutes.
 */
class DemoSourceTest {
    private static final Path RULES = Path.of(System.getProperty("project.root", "."))
            .resolve("alerts/exchange-vss.rules.yml");
    /** Scrape and evaluation intervals of docs/demo.md's Prometheus plus Alertmanager's group_wait, rounded up. */
    private static final Duration DELIVERY = Duration.ofMinutes(1);
    private static final Duration DEADLINE = Duration.ofMinutes(10);

    /** The state of each demo computer at each second of the loop. */
    private static final List<TreeMap<String, ComputerSnapshot>> SECONDS = new ArrayList<>();
    /** The event counts at the loop's end. */
    private static List<EventCount> lastEvents;

    @BeforeAll
    static void replayOneLoop() {
        Instant start = Instant.parse("2026-01-05T02:00:00Z");
        DemoSource demo = new DemoSource(() -> start, Duration.ofSeconds(1));
        LifecycleEngine engine = new LifecycleEngine(DemoSource.LIFECYCLE, () -> start);
        int next = 0;
        for (int second = 0; second < DemoSource.LOOP.toSeconds(); second++) {
            Instant now = start.plusSeconds(second);
            while (next < DemoSource.SCRIPT.size() && DemoSource.SCRIPT.get(next).atSecond() <= second) {
                assertThat(engine.apply(demo.event(DemoSource.SCRIPT.get(next), now))).isTrue();
                next++;
            }
            TreeMap<String, ComputerSnapshot> states = new TreeMap<>();
            engine.snapshotAt(now).computers().forEach(c -> states.put(c.computer().replace(DemoSource.DOMAIN, ""), c));
            SECONDS.add(states);
        }
        assertThat(next).as("every step inside the loop").isEqualTo(DemoSource.SCRIPT.size());
        lastEvents = engine.snapshotAt(start.plus(DemoSource.LOOP)).events();
    }

    @Test
    void theStuckAlertOfMethod2AndMethod3FiresWithinTenMinutes() throws Exception {
        Duration stuckFor = stuckWarningFor();
        for (var expected : List.of(new Object[] {"EXCH02", Remediation.RESTART_INFORMATION_STORE},
                new Object[] {"EXCH03", Remediation.FIX_BACKUP_PROGRAM_CLEANUP})) {
            String server = (String) expected[0];
            Remediation method = (Remediation) expected[1];
            int from = firstSecond(server, c -> c.stuck() && c.remediation() == method);
            assertThat(from).as(server + " stuck with " + method).isNotNegative();
            int until = from;
            while (until < SECONDS.size() && matches(server, until, c -> c.stuck() && c.remediation() == method)) {
                until++;
            }
            Duration firing = Duration.ofSeconds(from).plus(stuckFor).plus(DELIVERY);
            assertThat(firing).as(server + ": stuck from second " + from + ", the alert notifies by").isLessThanOrEqualTo(DEADLINE);
            assertThat(Duration.ofSeconds(until)).as(server + " stays stuck (from second " + from + ")")
                    .isGreaterThanOrEqualTo(firing);
            assertThat(SECONDS.get(SECONDS.size() - 1).get(server).backupInProgress()).as(server + " at the loop's end").isFalse();
        }
    }

    @Test
    void theMethod1OverlapIsNeverStuckAndCompletes() {
        assertThat(firstSecond("EXCH04", c -> c.remediation() == Remediation.WAIT_FOR_RUNNING_BACKUP)).isNotNegative();
        assertThat(firstSecond("EXCH04", ComputerSnapshot::stuck)).as("EXCH04 stuck at some second").isNegative();
        assertThat(SECONDS.get(SECONDS.size() - 1).get("EXCH04").backupInProgress()).isFalse();
        assertThat(firstSecond("EXCH01", ComputerSnapshot::backupInProgress)).isNotNegative();
        assertThat(firstSecond("EXCH01", ComputerSnapshot::stuck)).isNegative();
    }

    @Test
    void theExchange2013ServerIsCountedButNotJudged() {
        assertThat(SECONDS.get(SECONDS.size() - 1)).doesNotContainKey("EXCH05");
        assertThat(ExchangeWriters.replicationOnly(lastEvents)).containsExactly("EXCH05" + DemoSource.DOMAIN);
        assertThat(lastEvents).filteredOn(e -> e.provider().equals("MSExchangeRepl"))
                .extracting(EventCount::eventId).containsExactlyInAnyOrder(2021, 2023, 2034, 2110);
    }

    /** The {@code for:} of the warning ExchangeVssBackupStuck rule as shipped. */
    private static Duration stuckWarningFor() throws Exception {
        JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(RULES.toFile());
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.path("alert").asText().equals("ExchangeVssBackupStuck")
                        && rule.at("/labels/severity").asText().equals("warning")) {
                    return Durations.parse("for", rule.path("for").asText());
                }
            }
        }
        throw new AssertionError("no warning ExchangeVssBackupStuck rule in " + RULES);
    }

    private static int firstSecond(String server, Predicate<ComputerSnapshot> state) {
        for (int second = 0; second < SECONDS.size(); second++) {
            if (matches(server, second, state)) {
                return second;
            }
        }
        return -1;
    }

    private static boolean matches(String server, int second, Predicate<ComputerSnapshot> state) {
        ComputerSnapshot c = SECONDS.get(second).get(server);
        return c != null && state.test(c);
    }
}
