package io.github.exchangevss.service;

import com.sun.jna.Platform;
import io.github.exchangevss.cli.Cli;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code service install|uninstall|start|stop}, and {@code service run}, which the Service Control Manager starts.
 * No wrapper: the exporter registers itself with the SCM, like windows_exporter does.
 */
@Command(name = "service", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Install and control the exporter as a Windows service (run from an elevated prompt).",
                "install creates or updates the service '" + ServiceDefinition.NAME + "' to run this jar with the Java"
                        + " running this command, and starts it."})
public final class ServiceCommand {
    /** A service that needs longer than this to start or stop is reported as failing. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final String NEEDS_WINDOWS = "the service commands need Windows; elsewhere run 'serve' (systemd, a container)";
    static final int FAILED = 1;
    private static final long LOG_FILE_BYTES = 10L * 1024 * 1024;
    private static final int LOG_FILES_KEPT = 5;

    /** Where the running java.exe and jar are; what the service will run. */
    record Installation(Path javaExe, Path jar) {
        static Installation ofThisProcess() {
            Path jar;
            try {
                jar = Path.of(ServiceCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
            return new Installation(Path.of(System.getProperty("java.home"), "bin", "java.exe"), jar);
        }
    }

    private final Supplier<ServiceManager> manager;
    private final Installation installation;
    private final ServiceInstaller.Sleeper sleeper;

    @Spec
    CommandSpec spec;

    public ServiceCommand() {
        this(() -> Platform.isWindows() ? new WindowsServiceApi() : null, Installation.ofThisProcess(),
                duration -> Thread.sleep(duration.toMillis()));
    }

    ServiceCommand(Supplier<ServiceManager> manager, Installation installation, ServiceInstaller.Sleeper sleeper) {
        this.manager = manager;
        this.installation = installation;
        this.sleeper = sleeper;
    }

    @Command(name = "install", mixinStandardHelpOptions = true,
            description = {"Create the service, or update it to this jar and Java, give its account read access to the"
                    + " event log (Event Log Readers) and write access to the data directory, and start it."})
    int install(
            @Option(names = "--config.file", paramLabel = "FILE",
                    description = "Configuration file (default: exchange-vss-exporter.yml beside the jar).") Path configFile,
            @Option(names = "--storage.path", paramLabel = "DIR",
                    description = "Data directory: state, bookmarks, log files (default: data beside the jar).") Path storage,
            @Option(names = "--account", paramLabel = "ACCOUNT",
                    description = "Account to run as: a gMSA (DOMAIN\\name$) or a built-in one"
                            + " (default: the virtual account NT SERVICE\\" + ServiceDefinition.NAME + ").") String account) {
        return withInstaller(installer -> {
            Path jar = installation.jar().toAbsolutePath();
            if (!jar.getFileName().toString().endsWith(".jar") || !Files.isRegularFile(jar)) {
                throw new ServiceException("run it from the installed jar: java -jar exchange-vss-exporter.jar service install", 0);
            }
            Path config = (configFile != null ? configFile : jar.resolveSibling("exchange-vss-exporter.yml")).toAbsolutePath();
            if (!Files.isRegularFile(config)) {
                throw new ServiceException("--config.file: " + config + " does not exist", 0);
            }
            Path data = (storage != null ? storage : jar.resolveSibling("data")).toAbsolutePath();
            ServiceDefinition definition = new ServiceDefinition(ServiceDefinition.NAME, ServiceDefinition.DISPLAY_NAME,
                    ServiceDefinition.DESCRIPTION, installation.javaExe(), jar, config, data,
                    account != null ? account : ServiceDefinition.virtualAccount(ServiceDefinition.NAME),
                    ServiceDefinition.DEPENDENCIES, ServiceDefinition.RESTART_DELAYS,
                    ServiceDefinition.RESET_FAILURES_AFTER, ServiceDefinition.PRESHUTDOWN_TIMEOUT);
            if (!definition.accountWithoutPassword()) {
                // A password would have to come from somewhere: never the command line.
                throw new ServiceException("--account: " + account + " has a password; use a gMSA (name ending in $),"
                        + " the virtual account (the default) or a built-in account", 0);
            }
            installer.install(definition);
        });
    }

    @Command(name = "uninstall", mixinStandardHelpOptions = true, description = "Stop and remove the service; the data stays.")
    int uninstall() {
        return withInstaller(installer -> installer.uninstall(ServiceDefinition.NAME));
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Start the service and wait until it runs.")
    int start() {
        return withInstaller(installer -> installer.start(ServiceDefinition.NAME));
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stop the service and wait until it saved its state and stopped.")
    int stop() {
        return withInstaller(installer -> installer.stop(ServiceDefinition.NAME));
    }

    @Command(name = "run", hidden = true,
            description = "What the Service Control Manager starts: the exporter as 'serve' would run it.")
    int run(@Option(names = "--config.file", paramLabel = "FILE", required = true) Path configFile,
            @Option(names = "--storage.path", paramLabel = "DIR", required = true) Path storage) throws Exception {
        if (!Platform.isWindows()) {
            return fail(NEEDS_WINDOWS);
        }
        logToFiles(storage.resolve("logs"));
        Logger log = LoggerFactory.getLogger(ServiceHost.class);
        ServiceHost host = new ServiceHost(ServiceDefinition.NAME,
                () -> Cli.startServe("--config.file=" + configFile, "--storage.path=" + storage), new ServiceHost.Log() {
                    @Override
                    public void info(String message) {
                        log.info(message);
                    }

                    @Override
                    public void error(String message) {
                        log.error(message);
                    }
                });
        Thread.setDefaultUncaughtExceptionHandler(host::fatal);
        try {
            WindowsServiceApi.dispatch(ServiceDefinition.NAME, host);
        } catch (ServiceException e) {
            return fail(e.getMessage() + "; 'service run' is for the Service Control Manager: in a console use 'serve'");
        }
        return 0;
    }

    /**
     * Everything the process writes to standard error (the log lines, a JVM's last words) goes to a rolling
     * file under the data directory: a service has no console.
     */
    private static void logToFiles(Path directory) throws IOException {
        PrintStream file = new PrintStream(new RollingFileStream(directory, ServiceDefinition.NAME, LOG_FILE_BYTES,
                LOG_FILES_KEPT), true, StandardCharsets.UTF_8);
        System.setErr(file);
        System.setOut(file);
    }

    @FunctionalInterface
    private interface InstallerCall {
        void call(ServiceInstaller installer) throws ServiceException, InterruptedException;
    }

    private int withInstaller(InstallerCall call) {
        ServiceManager scm = manager.get();
        if (scm == null) {
            return fail(NEEDS_WINDOWS);
        }
        try {
            call.call(new ServiceInstaller(scm, spec.commandLine().getOut(), sleeper, TIMEOUT));
            return 0;
        } catch (ServiceException e) {
            return fail(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        }
    }

    private int fail(String message) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("exchange-vss-exporter: service: " + message);
        return message.equals(NEEDS_WINDOWS) ? CommandLine.ExitCode.USAGE : FAILED;
    }
}
