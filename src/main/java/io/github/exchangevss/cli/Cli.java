package io.github.exchangevss.cli;

import io.github.exchangevss.config.ConfigException;
import io.github.exchangevss.metrics.BuildInfo;
import io.github.exchangevss.service.ServiceCommand;
import java.io.PrintWriter;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

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
        return cli.execute(withDefaultCommand(cli, args));
    }

    /** No command, or options first: the user means {@code serve}. */
    private static String[] withDefaultCommand(CommandLine cli, String[] args) {
        if (args.length > 0 && (cli.getSubcommands().containsKey(args[0]) || TOP_LEVEL.contains(args[0]))) {
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
        serve.parseArgs(args);
        return ((ServeCommand) serve.getCommand()).start();
    }

    @Override
    public void run() {
        // Unreachable: withDefaultCommand always names a subcommand.
        throw new CommandLine.ParameterException(new CommandLine(this), "no command");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            BuildInfo info = BuildInfo.fromClasspath();
            return new String[] {"exchange-vss-exporter " + info.version() + " (revision " + info.revision() + ")"};
        }
    }
}
