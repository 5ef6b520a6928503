package io.github.exchangevss.service;

import io.github.exchangevss.service.ServiceManager.State;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;

/**
 * The exporter as a Windows service, between the Service Control Manager and the exporter: what ServiceMain and the
 * control handler do, with the SCM behind {@link StatusReporter} (SetServiceStatus) so it runs on any OS in tests.
 *
 * <p>Start: START_PENDING, the exporter starts, RUNNING. Stop, shutdown and preshutdown alike: STOP_PENDING, the
 * exporter is closed, which saves the state, then STOPPED. Windows sends preshutdown, with its longer timeout, to a
 * service that accepts it and no shutdown control then (SERVICE_CONTROL_PRESHUTDOWN documentation). A failure to
 * start or to save ends in STOPPED with a service-specific exit code, which the failure actions set with
 * "also on non-crash failures" turn into a restart. The start, the stop and fatal errors go to the service's log
 * file like everything else: the exporter never writes to the event log it reads.
 */
public final class ServiceHost {
    public static final int SERVICE_CONTROL_STOP = 0x1;
    public static final int SERVICE_CONTROL_INTERROGATE = 0x4;
    public static final int SERVICE_CONTROL_SHUTDOWN = 0x5;
    public static final int SERVICE_CONTROL_PRESHUTDOWN = 0xF;
    static final int NO_ERROR = 0;
    static final int ERROR_CALL_NOT_IMPLEMENTED = 120;
    /** Service-specific exit codes, shown by {@code sc query} and in the SCM's event 7024. */
    static final int EXIT_START_FAILED = 1;
    static final int EXIT_SAVE_FAILED = 2;
    /** What the SCM is told to expect while the exporter starts or saves its state. */
    static final Duration WAIT_HINT = Duration.ofSeconds(30);

    /** Starts the exporter; closing what it returns stops it and saves the state. */
    @FunctionalInterface
    public interface Exporter {
        AutoCloseable start() throws Exception;
    }

    /** SetServiceStatus: the state, the exit code (0 for none) and how long the SCM should wait for the next report. */
    @FunctionalInterface
    public interface StatusReporter {
        void report(State state, int exitCode, Duration waitHint);
    }

    /** Where the service's start, stop and fatal errors are written. */
    public interface Log {
        void info(String message);

        void error(String message);
    }

    private final String name;
    private final Exporter exporter;
    private final Log log;
    private final CountDownLatch stopRequested = new CountDownLatch(1);

    public ServiceHost(String name, Exporter exporter, Log log) {
        this.name = Objects.requireNonNull(name, "name");
        this.exporter = Objects.requireNonNull(exporter, "exporter");
        this.log = Objects.requireNonNull(log, "log");
    }

    /** ServiceMain: returns once the service has stopped and said so. */
    public void run(StatusReporter status) {
        status.report(State.START_PENDING, 0, WAIT_HINT);
        AutoCloseable running;
        try {
            running = exporter.start();
        } catch (Exception | LinkageError e) {
            log.error(name + " could not start: " + e);
            status.report(State.STOPPED, EXIT_START_FAILED, Duration.ZERO);
            return;
        }
        status.report(State.RUNNING, 0, Duration.ZERO);
        log.info(name + " started");
        awaitStop();
        status.report(State.STOP_PENDING, 0, WAIT_HINT);
        try {
            running.close();
        } catch (Exception e) {
            log.error(name + " could not save its state while stopping: " + e);
            status.report(State.STOPPED, EXIT_SAVE_FAILED, Duration.ZERO);
            return;
        }
        log.info(name + " stopped; state saved");
        status.report(State.STOPPED, 0, Duration.ZERO);
    }

    private void awaitStop() {
        boolean interrupted = false;
        while (stopRequested.getCount() > 0) {
            try {
                stopRequested.await();
            } catch (InterruptedException e) {
                interrupted = true; // only the SCM stops a service: keep waiting for it
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * An exception no thread caught: a fatal error, logged with its stack trace. The service goes on; what failed is retried by whoever owns it, or shows in the metrics.
     */
    public void fatal(Thread thread, Throwable error) {
        log.error(name + ": fatal error in thread " + thread.getName() + ": " + error);
        error.printStackTrace();
    }

    /** HandlerEx: the Win32 code the control handler returns to the SCM. */
    public int control(int code) {
        return switch (code) {
            case SERVICE_CONTROL_STOP, SERVICE_CONTROL_SHUTDOWN, SERVICE_CONTROL_PRESHUTDOWN -> {
                stopRequested.countDown();
                yield NO_ERROR;
            }
            case SERVICE_CONTROL_INTERROGATE -> NO_ERROR;
            default -> ERROR_CALL_NOT_IMPLEMENTED;
        };
    }
}
