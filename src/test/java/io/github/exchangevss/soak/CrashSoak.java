package io.github.exchangevss.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.exchangevss.FreePort;
import io.github.exchangevss.event.EventRecord;
import io.github.exchangevss.lifecycle.VssEvents;
import io.github.exchangevss.scenario.KbSituation;
import io.github.exchangevss.scenario.Scrape;
import io.github.exchangevss.scenario.WevtutilXml;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Crash soak: the shaded jar follows a growing export of many servers' MSExchangeIS events and is killed with
 * SIGKILL at random moments (a quarter of them while it starts, the others while it serves), then started again
 * on the same state directory. Every scrape is recorded and checked: no counter series goes down or disappears; a
 * server once stuck stays present and stuck, across restarts, until events of its own clear it; at the end the
 * events counted equal the events written, and the state equals {@code diagnose} of the whole file.
 *
 * <pre>
 * mvn -B -ntp verify -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=CrashSoakIT -Dsoak.kills=100
 * </pre>
 *
 * Event times end seven hours or more before the run, so that judging them at any moment of the run (the exporter)
 * or at the log's last event (diagnose) gives the same answer: the soak tests durability, not the clock.
 */
public final class CrashSoak {
    private static final Path JAR = Path.of("target", "exchange-vss-exporter.jar");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Duration SCRAPE_EVERY = Duration.ofMillis(50);
    private static final Duration START = Duration.ofSeconds(60);
    /** Time after the first metrics of an exporter by which it has read the backlog of its restart. */
    private static final Duration SETTLED = Duration.ofSeconds(2);
    private static final Duration FINAL_WAIT = Duration.ofSeconds(60);
    /** How long the last exporter, never killed, follows the growing export: where latency is measured. */
    private static final Duration FOLLOWED_TO_THE_END = Duration.ofSeconds(20);
    private static final String EVENTS_TOTAL = "exchange_vss_events_total";
    private static final String CLOCK_PROVIDER = "Soak-Clock";

    /** What a run found; empty {@link #violations} means it passed. */
    public record Result(long seed, int kills, int killsBeforeLoaded, long scrapes, long refused, long notLoaded,
            long eventsWritten, long vssEventsWritten, List<Long> latenciesMillis, List<String> violations) {

        public long medianLatencyMillis() {
            List<Long> sorted = latenciesMillis.stream().sorted().toList();
            return sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2);
        }

        public String summary() {
            return String.format("seed %d: %d SIGKILLs (%d before the state was loaded), %d scrapes (%d refused"
                            + " connections, %d answered 503), %d events written (%d MSExchangeIS); event->scrape"
                            + " latency median %d ms over %d appends; %d violations%s",
                    seed, kills, killsBeforeLoaded, scrapes, refused, notLoaded, eventsWritten, vssEventsWritten,
                    medianLatencyMillis(), latenciesMillis.size(), violations.size(),
                    violations.isEmpty() ? "" : ":\n  " + String.join("\n  ", violations.subList(0,
                            Math.min(50, violations.size()))));
        }
    }

    private final long seed;
    private final Random random;
    private final int kills;
    private final int servers;
    private final Path workDir;
    private final Path export;
    private final Path storage;
    private final List<String> violations = new CopyOnWriteArrayList<>();
    /** Highest value seen so far per counter series (name and labels). */
    private final Map<String, Double> counterHighs = new HashMap<>();
    private final List<Long> latencies = new ArrayList<>();
    private final List<Append> appends = new CopyOnWriteArrayList<>();
    /** The stuck flags and the events read at the last scrape with metrics. */
    private Map<String, Double> lastStuck = Map.of();
    private long lastRead;
    /** Stuck flags the last scrape showed dropped, judged at the next one. */
    private final List<DroppedFlag> dropped = new ArrayList<>();
    /** The computer of every event, in the order they are written to the export. */
    private List<String> writtenComputers = List.of();
    private long scrapes;
    private long refused;
    private long notLoaded;
    private int killsBeforeLoaded;

    /** A computer stuck at one scrape and not at the next, {@code scrape}; {@code readBefore} events read before. */
    private record DroppedFlag(String computer, long scrape, long readBefore) {}

    /** One append to the export: when it was done and how many MSExchangeIS events were written with it. */
    private record Append(long atNanos, long vssEventsSoFar) {}

    public CrashSoak(long seed, int kills, int servers, Path workDir) {
        this.seed = seed;
        this.random = new Random(seed);
        this.kills = kills;
        this.servers = servers;
        this.workDir = workDir;
        this.export = workDir.resolve("export").resolve("forwarded-events.xml");
        this.storage = workDir.resolve("state");
    }

    public static void main(String[] args) throws Exception {
        long seed = Long.getLong("soak.seed", System.nanoTime());
        Result result = new CrashSoak(seed, Integer.getInteger("soak.kills", 100), Integer.getInteger("soak.servers", 20),
                Files.createTempDirectory("crash-soak")).run();
        System.out.println(result.summary());
        System.exit(result.violations().isEmpty() ? 0 : 1);
    }

    public Result run() throws Exception {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR + " is missing: build it with mvn package first");
        }
        Files.createDirectories(export.getParent());
        Files.writeString(export, "");
        List<EventRecord> events = fleetExport();
        writtenComputers = events.stream().map(EventRecord::computer).toList();
        long vssEvents = events.stream().filter(e -> VssEvents.PROVIDER.equalsIgnoreCase(e.provider())).count();
        // Four fifths of the export are written while the exporter is killed, about 3 s per life; the rest once the
        // last exporter serves, which follows it to the end: that is where latency is timed without restarts.
        int killedPart = events.size() * 4 / 5;
        CountDownLatch lastLifeServes = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            long vss = write(events.subList(0, killedPart), Duration.ofMillis(kills * 3000L), 0);
            try {
                lastLifeServes.await(START.toMillis() + kills * 10_000L, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            write(events.subList(killedPart, events.size()), FOLLOWED_TO_THE_END, vss);
        }, "export writer");
        writer.setDaemon(true);
        writer.start();

        for (int life = 0; life < kills; life++) {
            try (Exporter exporter = new Exporter(life)) {
                // One kill in four at a random moment of the start (mostly before the state is loaded), the others
                // at a random moment of the first three seconds of serving.
                boolean duringStart = random.nextInt(4) == 0;
                long killAfterNanos = TimeUnit.MILLISECONDS.toNanos(random.nextInt(3000));
                long killAt = duringStart ? System.nanoTime() + killAfterNanos : Long.MAX_VALUE;
                long startedBy = System.nanoTime() + START.toNanos();
                boolean shown = false;
                while (System.nanoTime() < killAt) {
                    if (exporter.scrape() != null) {
                        if (!shown) {
                            killAt = Math.min(killAt, System.nanoTime() + killAfterNanos);
                        }
                        shown = true;
                    } else if (!shown && System.nanoTime() > startedBy) {
                        violations.add("life " + life + ": no metrics within " + START);
                        break;
                    }
                    Thread.sleep(SCRAPE_EVERY.toMillis());
                }
                exporter.kill();
                if (!shown) {
                    killsBeforeLoaded++;
                }
            }
        }
        long eventsWritten = events.size();
        try (Exporter exporter = new Exporter(kills)) {
            Scrape done = null;
            boolean firstShown = true;
            long deadline = System.nanoTime() + START.toNanos();
            while (writer.isAlive() || System.nanoTime() < deadline) {
                if (writer.isAlive() && !firstShown) {
                    deadline = System.nanoTime() + FINAL_WAIT.toNanos();
                }
                Scrape scrape = exporter.scrape();
                if (scrape != null) {
                    if (firstShown) {
                        firstShown = false;
                        lastLifeServes.countDown();
                    }
                    if (!writer.isAlive() && sum(scrape, "exchange_vss_source_events_read_total") >= eventsWritten) {
                        done = scrape;
                        break;
                    }
                }
                Thread.sleep(SCRAPE_EVERY.toMillis());
            }
            if (done == null) {
                violations.add("the last exporter did not read all " + eventsWritten + " events within " + FINAL_WAIT);
            } else {
                // The last scrape's engine holds every event: a flag it dropped is judged against all of them.
                judgeDropped(eventsWritten);
                checkFinal(done, eventsWritten, vssEvents);
            }
        }
        return new Result(seed, kills, killsBeforeLoaded, scrapes, refused, notLoaded, eventsWritten, vssEvents,
                List.copyOf(latencies), List.copyOf(violations));
    }

    /**
     * Each server plays a few KB situations one after the other, record IDs counting up, the last event at least
     * seven hours before now; the servers' events are interleaved at random, each server's in order. One event of
     * another provider at the end gives {@code diagnose} the log's clock.
     */
    private List<EventRecord> fleetExport() {
        List<KbSituation> oneServer = KbSituation.all().stream()
                .filter(s -> s.events().stream().map(EventRecord::computer).distinct().count() == 1).toList();
        Instant end = Instant.now().minus(Duration.ofHours(7));
        List<List<EventRecord>> perServer = new ArrayList<>();
        for (int i = 0; i < servers; i++) {
            String computer = String.format("EXCH-%02d.soak.local", i + 1);
            List<EventRecord> played = new ArrayList<>();
            Instant next = Instant.EPOCH;
            long recordId = 1000;
            for (int n = 3 + random.nextInt(10); n > 0; n--) {
                List<EventRecord> situation = oneServer.get(random.nextInt(oneServer.size())).events();
                Instant first = situation.get(0).timeCreated();
                for (EventRecord e : situation) {
                    played.add(e.toBuilder().computer(computer).recordId(recordId++)
                            .timeCreated(next.plus(Duration.between(first, e.timeCreated()))).build());
                }
                next = played.get(played.size() - 1).timeCreated().plus(Duration.ofHours(1 + random.nextInt(5)));
            }
            Duration shift = Duration.between(played.get(played.size() - 1).timeCreated(),
                    end.minus(Duration.ofMinutes(random.nextInt(48 * 60))));
            perServer.add(played.stream().map(e -> e.toBuilder().timeCreated(e.timeCreated().plus(shift)).build())
                    .collect(Collectors.toCollection(ArrayList::new)));
        }
        List<EventRecord> interleaved = new ArrayList<>();
        int[] next = new int[servers];
        int left = perServer.stream().mapToInt(List::size).sum();
        while (left > 0) {
            int s = random.nextInt(servers);
            if (next[s] < perServer.get(s).size()) {
                interleaved.add(perServer.get(s).get(next[s]++));
                left--;
            }
        }
        interleaved.add(EventRecord.builder().channel("Application").provider(CLOCK_PROVIDER).eventId(1).level(4)
                .timeCreated(Instant.now()).recordId(1).computer("SOAK-CLOCK.soak.local").build());
        return interleaved;
    }

    /**
     * Appends the events in random chunks at random moments over about {@code over}; returns the MSExchangeIS events
     * written in all, {@code vssSoFar} of them before.
     */
    private long write(List<EventRecord> events, Duration over, long vssSoFar) {
        Random pace = new Random(seed + vssSoFar + 1);
        int chunks = Math.max(1, events.size() / 5);
        long gapMillis = Math.max(10, over.toMillis() / chunks);
        try {
            for (int i = 0; i < events.size(); ) {
                List<EventRecord> chunk = events.subList(i, Math.min(events.size(), i + 1 + pace.nextInt(9)));
                WevtutilXml.append(export, chunk);
                long vss = chunk.stream().filter(e -> VssEvents.PROVIDER.equalsIgnoreCase(e.provider())).count();
                if (vss > 0) {
                    // Only appends that move the counters can be timed.
                    vssSoFar += vss;
                    appends.add(new Append(System.nanoTime(), vssSoFar));
                }
                i += chunk.size();
                Thread.sleep(pace.nextLong(gapMillis * 2));
            }
        } catch (IOException | InterruptedException e) {
            violations.add("the export could not be written: " + e);
        }
        return vssSoFar;
    }

    /**
     * A computer that was stuck at the last scrape, by this exporter or the one killed before it, is present and
     * stuck now, unless new events of that computer were applied: time alone never clears the flag, and a restart
     * must not either. Events are counted per computer from the export itself: the exporter reads it in order, so
     * {@code exchange_vss_source_events_read_total} is how far into {@link #writtenComputers} a committed state got
     * (its per-event counters are summed over the fleet). A scrape's engine may be one commit ahead of the count it
     * shows, never ahead of the next scrape's, so a dropped flag is judged at the scrape after it.
     */
    private void checkStuckKept(Scrape scrape) {
        Map<String, Double> stuckNow = series(scrape, "exchange_vss_backup_in_progress_stuck");
        long readNow = (long) sum(scrape, "exchange_vss_source_events_read_total");
        judgeDropped(readNow);
        lastStuck.forEach((computer, value) -> {
            if (value != 1.0) {
                return;
            }
            Double now = stuckNow.get(computer);
            if (now == null) {
                violations.add("scrape " + scrapes + ": stuck " + computer + " is missing");
            } else if (now != 1.0) {
                dropped.add(new DroppedFlag(computer, scrapes, lastRead));
            }
        });
        lastStuck = stuckNow;
        lastRead = readNow;
    }

    /** Each flag dropped at the last scrape needs an event of its computer read since the scrape before. */
    private void judgeDropped(long readBy) {
        for (DroppedFlag flag : dropped) {
            boolean newEvent = writtenComputers.subList((int) Math.min(flag.readBefore(), writtenComputers.size()),
                    (int) Math.min(readBy, writtenComputers.size())).stream().anyMatch(flag.computer()::equalsIgnoreCase);
            if (!newEvent) {
                violations.add("scrape " + flag.scrape() + ": stuck " + flag.computer() + " shown stuck=0 with no new event");
            }
        }
        dropped.clear();
    }

    /** Every counter series is at least as high as ever before, in every scrape, across every restart. */
    private void checkCounters(Scrape scrape) {
        Map<String, Double> seen = new HashMap<>();
        for (Scrape.Sample s : scrape.samples()) {
            if (isCounter(s.name())) {
                String key = s.name() + new TreeMap<>(s.labels());
                seen.put(key, s.value());
                Double high = counterHighs.get(key);
                if (high != null && s.value() < high) {
                    violations.add("scrape " + scrapes + ": " + key + " went down from " + high + " to " + s.value());
                }
                counterHighs.merge(key, s.value(), Math::max);
            }
        }
        counterHighs.keySet().stream().filter(key -> !seen.containsKey(key)).findFirst()
                .ifPresent(key -> violations.add("scrape " + scrapes + ": counter " + key + " disappeared"));
    }

    private static boolean isCounter(String name) {
        return name.startsWith("exchange_vss_") && (name.endsWith("_total") || name.endsWith("_bucket")
                || name.endsWith("_count") || name.endsWith("_sum"));
    }

    /** The last exporter's state against diagnose of the whole file, and the counts against what was written. */
    private void checkFinal(Scrape scrape, long eventsWritten, long vssEventsWritten) throws Exception {
        double counted = sum(scrape, EVENTS_TOTAL);
        if (counted != vssEventsWritten) {
            violations.add("exchange_vss_events_total sums to " + counted + " for " + vssEventsWritten
                    + " MSExchangeIS events written");
        }
        double read = sum(scrape, "exchange_vss_source_events_read_total");
        if (read != eventsWritten) {
            violations.add("exchange_vss_source_events_read_total is " + read + " for " + eventsWritten + " events written");
        }
        if (sum(scrape, "exchange_vss_source_errors_total") != 0) {
            violations.add("source errors: " + scrape.samples("exchange_vss_source_errors_total"));
        }
        JsonNode diagnosis = diagnose();
        Map<String, String> expected = new TreeMap<>();
        for (JsonNode c : diagnosis.get("computers")) {
            expected.put(c.get("computer").asText(), describe(c.get("backup_in_progress").asBoolean(),
                    c.get("stuck").asBoolean(), c.get("remediation_method").isNull() ? null : c.get("remediation_method").asInt(),
                    attemptsOf(c.get("attempts"))));
        }
        Map<String, String> actual = new TreeMap<>();
        for (Scrape.Sample s : scrape.samples("exchange_vss_backup_in_progress")) {
            String computer = s.labels().get("computer");
            Integer method = scrape.samples("exchange_vss_remediation").stream()
                    .filter(r -> r.labels().get("computer").equals(computer) && r.value() == 1.0)
                    .map(r -> Integer.valueOf(r.labels().get("method"))).findFirst().orElse(null);
            Map<String, Long> attempts = new TreeMap<>();
            scrape.samples("exchange_vss_backup_attempts_total").stream()
                    .filter(a -> a.labels().get("computer").equals(computer))
                    .forEach(a -> attempts.put(a.labels().get("outcome"), (long) a.value()));
            actual.put(computer, describe(s.value() == 1.0,
                    scrape.value("exchange_vss_backup_in_progress_stuck", Map.of("computer", computer)) == 1.0,
                    method, attempts));
        }
        if (!actual.equals(expected)) {
            violations.add("final state differs from diagnose:\n    exporter: " + actual + "\n    diagnose: " + expected);
        }
    }

    private static Map<String, Long> attemptsOf(JsonNode attempts) {
        Map<String, Long> result = new TreeMap<>();
        attempts.fields().forEachRemaining(f -> result.put(f.getKey(), f.getValue().asLong()));
        return result;
    }

    private static String describe(boolean inProgress, boolean stuck, Integer method, Map<String, Long> attempts) {
        return "in_progress=" + inProgress + " stuck=" + stuck + " method=" + method + " attempts=" + attempts;
    }

    private JsonNode diagnose() throws Exception {
        Path out = workDir.resolve("diagnose.json");
        Process p = new ProcessBuilder(java(), "-jar", JAR.toAbsolutePath().toString(), "diagnose", "--format", "json",
                export.toString()).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("diagnose failed on " + export);
        }
        return new ObjectMapper().readTree(out.toFile());
    }

    private static Map<String, Double> series(Scrape scrape, String name) {
        Map<String, Double> values = new HashMap<>();
        scrape.samples(name).forEach(s -> values.put(s.labels().get("computer"), s.value()));
        return values;
    }

    private static double sum(Scrape scrape, String name) {
        return scrape.samples(name).stream().mapToDouble(Scrape.Sample::value).sum();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** One exporter process on the shared export and state directory; its output goes to a file per life. */
    private final class Exporter implements AutoCloseable {
        private final Process process;
        private final int port;
        private final Path output;
        /** Appends from this moment on are timed. */
        private long timedFrom = Long.MAX_VALUE;
        /** Appends whose events a scrape of this exporter has shown (or that came before its first scrape). */
        private int seenAppends;

        Exporter(int life) throws IOException {
            port = FreePort.get();
            output = workDir.resolve("exporter-" + life + ".log");
            process = new ProcessBuilder(java(), "-jar", JAR.toAbsolutePath().toString(), "serve",
                    "--source", "xml:" + export.getParent(), "--source.follow",
                    "--storage.path", storage.toString(), "--web.listen-address", "127.0.0.1:" + port)
                    .directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        }

        /** One scrape, checked; null when it was refused or answered 503. */
        Scrape scrape() throws InterruptedException {
            HttpResponse<String> response;
            try {
                response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            } catch (ConnectException | HttpTimeoutException e) {
                refused++;
                return null;
            } catch (IOException e) {
                refused++;
                return null;
            }
            long at = System.nanoTime();
            scrapes++;
            if (response.statusCode() == 503) {
                notLoaded++;
                return null;
            }
            if (response.statusCode() != 200) {
                violations.add("scrape " + scrapes + " answered " + response.statusCode() + ": " + response.body());
                return null;
            }
            Scrape scrape = Scrape.parse(response.body());
            checkCounters(scrape);
            checkStuckKept(scrape);
            timeAppends(scrape, at);
            return scrape;
        }

        /**
         * Event -> scrape latency of the appends made from {@link #SETTLED} after this exporter's first metrics on,
         * when it has read the backlog of its restart.
         */
        private void timeAppends(Scrape scrape, long at) {
            if (timedFrom == Long.MAX_VALUE) {
                timedFrom = at + SETTLED.toNanos();
            }
            double counted = sum(scrape, EVENTS_TOTAL);
            while (seenAppends < appends.size() && appends.get(seenAppends).vssEventsSoFar() <= counted) {
                Append append = appends.get(seenAppends++);
                if (append.atNanos() >= timedFrom) {
                    latencies.add(TimeUnit.NANOSECONDS.toMillis(at - append.atNanos()));
                }
            }
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                kill();
            }
            try {
                String log = Files.readString(output, StandardCharsets.UTF_8);
                if (log.contains("Exception") || log.contains("ERROR")) {
                    violations.add("exporter log " + output + " has errors:\n" + log);
                }
            } catch (IOException e) {
                violations.add("no exporter log " + output + ": " + e.getMessage());
            }
        }
    }
}
