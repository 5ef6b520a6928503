package io.github.exchangevss.cli;

import io.github.exchangevss.config.ConfigException;
import io.github.exchangevss.lifecycle.LifecycleSettings;
import io.github.exchangevss.metrics.BuildInfo;
import io.github.exchangevss.service.ServiceCommand;
import io.github.exchangevss.source.demo.DemoSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.UsageMessageSpec;

/** The command line: picocli with {@code serve} as the default command and exit code 2 for any wrong input. */
@Command(name = "exchange-vss-exporter", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Prometheus exporter for the Exchange Information Store VSS writer (KB 910250).",
        subcommands = {ServeCommand.class, DiagnoseCommand.class, DemoCommand.class, EvtxCommand.class, ServiceCommand.class})
public final class Cli implements Runnable {
    public static final int USAGE = 2;
    private static final Set<String> TOP_LEVEL = Set.of("-h", "--help", "-V", "--version");

    public static int execute(String... args) {
        return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Cli()).setOut(out).setErr(err)
                .setExecutionExceptionHandler((e, commandLine, parsed) -> {
                    if (e instanceof ConfigException) {
                        commandLine.getErr().println("exchange-vss-exporter: " + e.getMessage());
                        return USAGE;
                    }
                    throw e;
                });
        cli.getSubcommands().get("serve").setDefaultValueProvider(WebOptions.lifecycleDefaults(LifecycleSettings.DEFAULTS));
        cli.getSubcommands().get("demo").setDefaultValueProvider(WebOptions.lifecycleDefaults(DemoSource.LIFECYCLE));
        asParagraphs(cli);
        return cli.execute(withDefaultCommand(cli, args));
    }

    /**
     * No arguments, or options first: the user means {@code serve}. A first word that is no command stays where
     * it is, so picocli reports it with the commands it resembles ("Did you mean: diagnose?").
     */
    private static String[] withDefaultCommand(CommandLine cli, String[] args) {
        if (args.length > 0 && (cli.getSubcommands().containsKey(args[0]) || TOP_LEVEL.contains(args[0])
                || !args[0].startsWith("-"))) {
            return args;
        }
        String[] withServe = new String[args.length + 1];
        withServe[0] = "serve";
        System.arraycopy(args, 0, withServe, 1, args.length);
        return withServe;
    }

    /** Starts what {@code serve ARGS} starts, without waiting; closing the result saves the state (the Windows service). */
    public static AutoCloseable startServe(String... args) throws Exception {
        CommandLine serve = new CommandLine(new ServeCommand());
        serve.setDefaultValueProvider(WebOptions.lifecycleDefaults(LifecycleSettings.DEFAULTS));
        serve.parseArgs(args);
        return ((ServeCommand) serve.getCommand()).start();
    }

    /**
     * Descriptions are written as short source lines; help shows them as paragraphs (a line ending a sentence ends
     * one), so no sentence is cut at a line end, and the command list shows each command's first paragraph whole.
     */
    private static void asParagraphs(CommandLine command) {
        UsageMessageSpec usage = command.getCommandSpec().usageMessage();
        List<String> paragraphs = new ArrayList<>();
        StringBuilder paragraph = new StringBuilder();
        for (String line : usage.description()) {
            paragraph.append(paragraph.isEmpty() ? "" : " ").append(line.strip());
            if (line.strip().endsWith(".")) {
                paragraphs.add(paragraph.toString());
                paragraph.setLength(0);
            }
        }
        if (!paragraph.isEmpty()) {
            paragraphs.add(paragraph.toString());
        }
        usage.description(paragraphs.toArray(String[]::new));
        command.getSubcommands().values().forEach(Cli::asParagraphs);
    }

    @Override
    public void run() {
        // Unreachable: withDefaultCommand always names a subcommand.
        throw new CommandLine.ParameterException(new CommandLine(this), "no command");
    }

    /** {@code --version} as the Prometheus exporters print it: the build, then the runtime. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            BuildInfo info = BuildInfo.fromClasspath();
            Properties build = buildProperties();
            return new String[] {
                "exchange-vss-exporter, version " + info.version() + " (branch: " + value(build, "branch")
                        + ", revision: " + info.revision() + ")",
                "  build user:       " + value(build, "build.user") + "@" + value(build, "build.host"),
                "  build date:       " + value(build, "build.date"),
                "  java version:     " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor")
                        + "; built with " + value(build, "build.java") + ")",
                "  platform:         " + System.getProperty("os.name").toLowerCase(Locale.ROOT).replace(' ', '-')
                        + "/" + System.getProperty("os.arch")};
        }

        private static Properties buildProperties() {
            Properties properties = new Properties();
            try (InputStream in = Cli.class.getResourceAsStream("/build.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read /build.properties", e);
            }
            return properties;
        }

        /** A value Maven left as {@code ${...}} (no git directory, an IDE build) is unknown rather than shown raw. */
        private static String value(Properties build, String key) {
            String value = build.getProperty(key);
            return value == null || value.isBlank() || value.contains("${") ? BuildInfo.UNKNOWN : value.trim();
        }
    }
}
