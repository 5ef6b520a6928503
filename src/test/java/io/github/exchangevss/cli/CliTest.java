package io.github.exchangevss.cli;

import static io.github.exchangevss.config.ExporterConfig.KEYS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.github.exchangevss.config.ConfigException;
import io.github.exchangevss.config.ConfigValues;
import io.github.exchangevss.config.ExporterConfig;
import io.github.exchangevss.lifecycle.LifecycleSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Wrong input on the command line and in the config file: exit code 2 and a message that names the flag, or the
 * file and key. Every run here must fail before serve starts; the timeout guards against one that would not.
 */
class CliTest {
    private static final Duration MUST_FAIL_FAST = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private String validSource;

    record Run(int exitCode, String out, String err) {}

    @BeforeEach
    void exportedLog() throws IOException {
        validSource = "xml:" + Files.writeString(dir.resolve("app.xml"), "");
    }

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = assertTimeoutPreemptively(MUST_FAIL_FAST,
                () -> Cli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args));
        return new Run(code, out.toString(), err.toString());
    }

    /** serve with a valid source plus the arguments under test, so that only they can be wrong. */
    private Run serve(String... args) {
        List<String> all = new ArrayList<>(List.of("serve", "--source", validSource));
        all.addAll(List.of(args));
        return cli(all.toArray(String[]::new));
    }

    private Path config(String yaml) throws IOException {
        return Files.writeString(dir.resolve("exporter.yml"), yaml);
    }

    @Nested
    class BadFlags {
        @Test
        void listenAddressWithoutPort() {
            Run run = serve("--web.listen-address=foo");
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains("--web.listen-address", "foo");
        }

        @Test
        void listenAddressWithPortOutOfRange() {
            Run run = serve("--web.listen-address=127.0.0.1:70000");
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains("--web.listen-address", "70000");
        }

        @ParameterizedTest
        @ValueSource(strings = {"--backup.stuck-after", "--backup.active-timeout", "--source.poll-interval"})
        void durationWithAnUnknownUnit(String flag) {
            Run run = serve(flag + "=6x");
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains(flag, "6x");
        }

        @Test
        void theLiveSourceElsewhereThanWindowsNamesTheAlternatives() {
            assumeFalse(com.sun.jna.Platform.isWindows(), "on Windows the live source starts instead");
            for (String[] args : new String[][] {{"--source", "windows"}, {"--source.windows.server", "EXCH02"}}) {
                Run run = cli(args);
                assertThat(run.exitCode()).isEqualTo(2);
                assertThat(run.err()).contains("--source windows needs Windows", "xml:PATH", "evtx:PATH", "demo");
            }
        }

        @ParameterizedTest
        @ValueSource(strings = {"99999999999999999d", "9223372036854775807w", "106751991167301d1d", "99999999999999999999s"})
        void overflowingDurationIsTooLargeNotAStackTrace(String duration) {
            Run run = serve("--backup.stuck-after=" + duration);
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains("--backup.stuck-after", duration, "too large").doesNotContain("Exception");
        }

        @Test
        void aFileSourceReadOnceThatDoesNotExistFailsAtStart() {
            Path missing = dir.resolve("nosuch");
            Run run = cli("serve", "--source", "xml:" + missing, "--web.listen-address=127.0.0.1:0");
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains("xml:" + missing, "no such file or directory", "--source.follow")
                    .doesNotContain("Exception");
        }

        @Test
        void aStoragePathThatIsAFileFailsAtStart() throws IOException {
            Path file = Files.writeString(dir.resolve("state-file"), "not a directory");
            for (Path storage : List.of(file, file.resolve("below"))) {
                Run run = serve("--storage.path=" + storage, "--web.listen-address=127.0.0.1:0");
                assertThat(run.exitCode()).as("--storage.path=%s", storage).isEqualTo(2);
                assertThat(run.err()).contains("--storage.path", file.toString(), "not a directory")
                        .doesNotContain("Exception");
            }
        }

        @Test
        void zeroDuration() {
            Run run = serve("--backup.stuck-after=0s");
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains("--backup.stuck-after");
        }

        @Test
        void unknownFlag() {
            Run run = serve("--web.listen-adress=:0");
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains("--web.listen-adress");
        }

        @Test
        void unknownSourceKind() {
            Run run = cli("serve", "--source", "bogus:x");
            assertThat(run.exitCode()).isEqualTo(2);
            // The flag the user typed, not the config file's key behind it (source.inputs).
            assertThat(run.err()).containsPattern("--source(?![.\\w-])").contains("bogus:x")
                    .doesNotContain("source.inputs");
        }

        @Test
        void noSourceAtAll() {
            Run run = cli("serve", "--web.listen-address=127.0.0.1:0");
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains("--source");
        }

        @Test
        void unknownLogLevel() {
            Run run = serve("--log.level=loud");
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains("--log.level", "loud");
        }

        @Test
        void telemetryPathThatCollidesWithTheHealthEndpoints() {
            Run run = serve("--web.telemetry-path=/-/x");
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains("--web.telemetry-path", "/-/x");
        }

        @Test
        void runbookUrlThatIsNeitherAUrlNorAPath() {
            Run run = serve("--web.runbook-url=wiki.example.com/vss/");
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains("--web.runbook-url", "wiki.example.com/vss/");
        }

        @Test
        void optionsFirstMeanServeAndAreCheckedAsServe() {
            Run run = cli("--source", validSource, "--log.level=loud");
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains("--log.level", "loud");
        }

        @Test
        void unknownCommandLikeWord() {
            Run run = cli("diagnoze", "app.xml");
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains("diagnoze");
        }

        @ParameterizedTest
        @ValueSource(strings = {"diagnos", "diagnoze", "dignose"})
        void aMistypedCommandSuggestsTheRightOne(String typo) {
            Run run = cli(typo, "app.xml");
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains("'" + typo + "'", "Did you mean", "diagnose")
                    .doesNotContain("Usage: exchange-vss-exporter serve");
        }

        @Test
        void unknownEventProvider() {
            Run run = serve("--events.providers=MSExchangeIS,Outlook");
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains("--events.providers", "'Outlook' is not one of MSExchangeIS, MSExchangeRepl, ESE, VSS");
        }

        @Test
        void eventSeriesLimitThatIsNoNumber() {
            Run run = serve("--events.max-series=lots");
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains("--events.max-series", "lots");
        }

        @Test
        void unknownLogFormat() {
            Run run = serve("--log.format=xml");
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains("--log.format", "xml", "logfmt, json");
        }

        @Test
        void demoChecksItsFlagsToo() {
            Run run = cli("demo", "--web.listen-address=nowhere");
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains("--web.listen-address", "nowhere");
        }
    }

    @Nested
    class BadConfigFile {
        @Test
        void unknownKeyIsNamedWithTheFile() throws IOException {
            Path file = config("web:\n  listen-adress: ':19607'\n");
            Run run = serve("--config.file=" + file);
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains(file.toString(), "web.listen-adress");
        }

        @Test
        void wrongTypeIsNamedWithTheFileAndKeyPath() throws IOException {
            Path file = config("backup:\n  stuck-after: [6h, 7h]\n");
            Run run = serve("--config.file=" + file);
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains(file.toString(), "backup.stuck-after");
        }

        @Test
        void notABooleanIsNamedWithTheFileAndKeyPath() throws IOException {
            Path file = config("source:\n  follow: sometimes\n");
            Run run = serve("--config.file=" + file);
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains(file.toString(), "source.follow", "sometimes");
        }

        @Test
        void badValueIsNamedWithTheFileAndKeyPath() throws IOException {
            Path file = config("log:\n  level: loud\n");
            Run run = serve("--config.file=" + file);
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains(file.toString(), "log.level", "loud");
        }

        @Test
        void badListenAddressIsNamedWithTheFileAndKeyPath() throws IOException {
            Path file = config("web:\n  listen-address: foo\n");
            Run run = serve("--config.file=" + file);
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains(file.toString(), "web.listen-address", "foo");
        }

        @Test
        void badSourceIsNamedWithTheFileAndKeyPath() throws IOException {
            Path file = config("source:\n  inputs: [bogus:x]\n");
            Run run = cli("serve", "--config.file=" + file);
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains(file.toString(), "source.inputs", "bogus:x");
        }

        @Test
        void missingFileIsNamed() {
            Path file = dir.resolve("absent.yml");
            Run run = serve("--config.file=" + file);
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains("--config.file", file.toString());
        }

        @Test
        void invalidYamlIsNamed() throws IOException {
            Path file = config("web:\n  listen-address: [:19607\n");
            Run run = serve("--config.file=" + file);
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains(file.toString(), "YAML");
        }

        @Test
        void aListAtTheTopIsNamed() throws IOException {
            Path file = config("- web.listen-address\n");
            Run run = serve("--config.file=" + file);
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains(file.toString());
        }
    }

    @Nested
    class Version {
        @Test
        void printsTheProjectVersion() throws IOException {
            Run run = cli("--version");
            assertThat(run.exitCode()).isZero();
            assertThat(run.out()).startsWith("exchange-vss-exporter, version " + pomVersion() + " (branch: ");
        }

        /** As the Prometheus exporters print it: the build on the first lines, then the runtime. */
        @Test
        void printsTheBuildAndTheRuntimeOnSeveralLines() {
            List<String> lines = cli("--version").out().lines().toList();
            assertThat(lines).hasSize(5);
            assertThat(lines.get(0)).matches("exchange-vss-exporter, version \\S+ \\(branch: \\S+, revision: \\S+\\)");
            assertThat(lines.get(1)).matches("  build user: +\\S+@\\S+");
            assertThat(lines.get(2)).matches("  build date: +\\S+");
            assertThat(lines.get(3)).startsWith("  java version:").contains(System.getProperty("java.version"));
            assertThat(lines.get(4)).startsWith("  platform:").endsWith("/" + System.getProperty("os.arch"));
        }

        /** The version the build was given, read from the POM rather than from the code that reports it. */
        private String pomVersion() throws IOException {
            String pom = Files.readString(Path.of("pom.xml"));
            Matcher m = Pattern.compile("<artifactId>exchange-vss-exporter</artifactId>\\s*<version>([^<]+)</version>")
                    .matcher(pom);
            assertThat(m.find()).as("project version in pom.xml").isTrue();
            return m.group(1);
        }
    }

    @Nested
    class Help {
        /** Each command's summary in the command list is whole sentences, however the description is wrapped. */
        @Test
        void commandSummariesAreWholeSentences() {
            String help = cli("--help").out();
            String commands = help.substring(help.indexOf("Commands:") + "Commands:".length());
            Matcher summary = Pattern.compile("(?m)^  (\\w+) +(.+(?:\\n {14}.+)*)").matcher(commands);
            List<String> names = new ArrayList<>();
            while (summary.find()) {
                names.add(summary.group(1));
                assertThat(summary.group(2).replaceAll("\\s+", " ")).as(summary.group(1) + " summary").endsWith(".");
            }
            assertThat(names).containsExactly("serve", "diagnose", "demo", "evtx", "service");
        }

        @Test
        void eachCommandShowsItsOwnThresholdDefaults() {
            String demo = cli("demo", "--help").out().replaceAll("\\s+", " ");
            assertThat(demo).contains("still running (default: 15s)", "is stuck (default: 10m)");
            String serve = cli("serve", "--help").out().replaceAll("\\s+", " ");
            assertThat(serve).contains("still running (default: 30m)", "is stuck (default: 6h)");
        }

        /** The defaults shown by help must not count as given flags: the configuration file would lose to them. */
        @Test
        void helpDefaultsAreNotTakenForGivenFlags() {
            DemoCommand demo = new DemoCommand();
            picocli.CommandLine command = new picocli.CommandLine(demo)
                    .setDefaultValueProvider(WebOptions.lifecycleDefaults(io.github.exchangevss.source.demo.DemoSource.LIFECYCLE));
            command.parseArgs("--backup.stuck-after=2h");
            Map<String, Object> flags = new java.util.HashMap<>();
            demo.web.putGiven(flags);
            assertThat(demo.web.activeTimeout).as("the field holds the shown default").isEqualTo("15s");
            assertThat(flags).containsEntry(ExporterConfig.STUCK_AFTER, "2h").doesNotContainKey(ExporterConfig.ACTIVE_TIMEOUT);
        }

        @Test
        void showsTheLogFormat() {
            assertThat(cli("serve", "--help").out()).contains("--log.format=FORMAT", "logfmt or json");
        }
    }

    /** Flags over the file over defaults, through the same two calls serve makes. */
    @Nested
    class Precedence {
        private static final String FILE = String.join("\n",
                "web:",
                "  listen-address: '127.0.0.1:9999'",
                "  telemetry-path: /file-metrics",
                "log:",
                "  level: warn",
                "backup:",
                "  stuck-after: 2h",
                "  active-timeout: 45m",
                "source:",
                "  inputs: ['xml:/logs/a', 'evtx:/logs/b.evtx']",
                "  follow: true",
                "storage:",
                "  path: /var/lib/from-file",
                "");

        @Test
        void fileValuesAreUsed() throws Exception {
            ExporterConfig c = ExporterConfig.resolve(ConfigValues.load(config(FILE), Map.of(), KEYS), "data",
                    LifecycleSettings.DEFAULTS);
            assertThat(c.http().listenAddress()).isEqualTo(new InetSocketAddress("127.0.0.1", 9999));
            assertThat(c.http().telemetryPath()).isEqualTo("/file-metrics");
            assertThat(c.logLevel()).isEqualTo("warn");
            assertThat(c.lifecycle()).isEqualTo(new LifecycleSettings(Duration.ofMinutes(45), Duration.ofHours(2)));
            assertThat(c.sources()).containsExactly("xml:/logs/a", "evtx:/logs/b.evtx");
            assertThat(c.follow()).isTrue();
            assertThat(c.storagePath()).isEqualTo(Path.of("/var/lib/from-file"));
        }

        @Test
        void flagsWinOverTheFileKeyByKey() throws Exception {
            Map<String, Object> flags = Map.of(
                    ExporterConfig.LISTEN_ADDRESS, "127.0.0.1:1234",
                    ExporterConfig.STUCK_AFTER, "90m",
                    ExporterConfig.SOURCES, List.of("demo"),
                    ExporterConfig.FOLLOW, false);
            ExporterConfig c = ExporterConfig.resolve(ConfigValues.load(config(FILE), flags, KEYS), "data",
                    LifecycleSettings.DEFAULTS);
            assertThat(c.http().listenAddress()).isEqualTo(new InetSocketAddress("127.0.0.1", 1234));
            assertThat(c.lifecycle().stuckAfter()).isEqualTo(Duration.ofMinutes(90));
            assertThat(c.sources()).containsExactly("demo");
            assertThat(c.follow()).isFalse();
            // Not given as flags: still the file's.
            assertThat(c.lifecycle().activeTimeout()).isEqualTo(Duration.ofMinutes(45));
            assertThat(c.logLevel()).isEqualTo("warn");
            assertThat(c.http().telemetryPath()).isEqualTo("/file-metrics");
        }

        @Test
        void defaultsWithoutFileOrFlags() throws Exception {
            ExporterConfig c = ExporterConfig.resolve(ConfigValues.load(null, Map.of(), KEYS), "data",
                    LifecycleSettings.DEFAULTS);
            assertThat(c.http().listenAddress().getPort()).isEqualTo(19607);
            assertThat(c.http().telemetryPath()).isEqualTo("/metrics");
            assertThat(c.logLevel()).isEqualTo("info");
            assertThat(c.lifecycle()).isEqualTo(new LifecycleSettings(Duration.ofMinutes(30), Duration.ofHours(6)));
            assertThat(c.sources()).isEmpty();
            assertThat(c.follow()).isFalse();
            assertThat(c.storagePath()).isEqualTo(Path.of("data"));
        }

        @Test
        void aBadFlagIsBlamedOnTheFlagEvenWhenTheFileHasTheKey() throws Exception {
            Path file = config(FILE);
            assertThatThrownBy(() -> ExporterConfig.resolve(
                    ConfigValues.load(file, Map.of(ExporterConfig.STUCK_AFTER, "6x"), KEYS), "data",
                    LifecycleSettings.DEFAULTS))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("--backup.stuck-after")
                    .hasMessageNotContaining(file.toString());
        }
    }
}
