package io.github.exchangevss.service;

import io.github.exchangevss.service.ServiceManager.State;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code service install|uninstall|start|stop} do, in terms of {@link ServiceManager} calls. Installing twice
 * updates the service in place (a new jar, Java or configuration path), so an upgrade is the same command.
 */
public final class ServiceInstaller {
    /** S-1-5-32-573, whose name Windows translates ("Event Log Readers", "Ereignisprotokollleser", ...). */
    public static final String EVENT_LOG_READERS = "S-1-5-32-573";
    /** How often the state is looked at while waiting for a start or a stop. */
    static final Duration POLL = Duration.ofMillis(250);

    /** Waits between looks at the state. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final ServiceManager manager;
    private final PrintWriter out;
    private final Sleeper sleeper;
    private final Duration timeout;

    /**
     * @param timeout how long a start or a stop may take; the exporter saves its state within the preshutdown time
     */
    public ServiceInstaller(ServiceManager manager, PrintWriter out, Sleeper sleeper, Duration timeout) {
        this.manager = Objects.requireNonNull(manager, "manager");
        this.out = Objects.requireNonNull(out, "out");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** Creates the service or updates the installed one, gives its account what it needs, and starts it. */
    public void install(ServiceDefinition definition) throws ServiceException, InterruptedException {
        String name = definition.name();
        Optional<State> state = manager.state(name);
        if (state.isPresent()) {
            stopAndWait(name, state.get());
            manager.update(definition);
            out.println("Updated service " + name + ": " + definition.commandLine());
        } else {
            manager.create(definition);
            out.println("Created service " + name + ": " + definition.commandLine());
        }
        // A virtual account exists only once its service does, so only now can it join a group or get rights.
        manager.addToLocalGroup(EVENT_LOG_READERS, definition.account());
        out.println(definition.account() + " is in Event Log Readers");
        Path data = definition.dataDirectory();
        manager.grantModify(data, definition.account());
        out.println(definition.account() + " may write " + data);
        start(name);
    }

    /** Stops and deletes the service; the data directory stays. */
    public void uninstall(String name) throws ServiceException, InterruptedException {
        Optional<State> state = manager.state(name);
        if (state.isEmpty()) {
            out.println("Service " + name + " is not installed");
            return;
        }
        stopAndWait(name, state.get());
        manager.delete(name);
        out.println("Removed service " + name + "; the data directory is kept");
    }

    public void start(String name) throws ServiceException, InterruptedException {
        State state = installed(name);
        if (state != State.RUNNING) {
            if (state != State.START_PENDING) {
                manager.start(name);
            }
            awaitState(name, State.RUNNING, "start");
        }
        out.println("Service " + name + " is running");
    }

    public void stop(String name) throws ServiceException, InterruptedException {
        stopAndWait(name, installed(name));
        out.println("Service " + name + " is stopped");
    }

    private State installed(String name) throws ServiceException {
        return manager.state(name).orElseThrow(() -> new ServiceException("service " + name
                + " is not installed; run 'service install' first", 1060));
    }

    private void stopAndWait(String name, State state) throws ServiceException, InterruptedException {
        if (state == State.STOPPED) {
            return;
        }
        if (state != State.STOP_PENDING) {
            manager.stop(name);
        }
        awaitState(name, State.STOPPED, "stop");
    }

    private void awaitState(String name, State wanted, String what) throws ServiceException, InterruptedException {
        for (Duration waited = Duration.ZERO; waited.compareTo(timeout) < 0; waited = waited.plus(POLL)) {
            State state = installed(name);
            if (state == wanted) {
                return;
            }
            if (wanted == State.RUNNING && state == State.STOPPED) {
                throw new ServiceException("service " + name + " stopped right after its start; see the Application log"
                        + " (source " + name + ") and the log files under its data directory", 1066);
            }
            sleeper.sleep(POLL);
        }
        throw new ServiceException("service " + name + " did not " + what + " within " + timeout.toSeconds() + " s", 1053);
    }
}
