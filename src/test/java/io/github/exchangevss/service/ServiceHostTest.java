package io.github.exchangevss.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.exchangevss.service.ServiceManager.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ServiceHostTest {
    private final List<String> statuses = new ArrayList<>();
    private final List<String> logged = new ArrayList<>();
    private final AtomicBoolean saved = new AtomicBoolean();

    private final ServiceHost.Log log = new ServiceHost.Log() {
        @Override
        public void info(String message) {
            record("info " + message);
        }

        @Override
        public void error(String message) {
            record("error " + message);
        }
    };

    private void record(String entry) {
        synchronized (logged) {
            logged.add(entry);
        }
    }

    private void status(State state, int exitCode, Duration waitHint) {
        synchronized (statuses) {
            statuses.add(state + "/" + exitCode + (waitHint.isZero() ? "" : "/" + waitHint.toSeconds() + "s"));
            statuses.notifyAll();
        }
    }

    private void awaitStatus(String status) throws InterruptedException {
        synchronized (statuses) {
            long deadline = System.currentTimeMillis() + 10_000;
            while (!statuses.contains(status) && System.currentTimeMillis() < deadline) {
                statuses.wait(100);
            }
            assertThat(statuses).contains(status);
        }
    }

    private Thread serviceMain(ServiceHost host) {
        Thread main = new Thread(() -> host.run(this::status), "service-main");
        main.start();
        return main;
    }

    @ParameterizedTest(name = "control {0}")
    @ValueSource(ints = {ServiceHost.SERVICE_CONTROL_STOP, ServiceHost.SERVICE_CONTROL_SHUTDOWN,
            ServiceHost.SERVICE_CONTROL_PRESHUTDOWN})
    void stopShutdownAndPreshutdownSaveTheStateBeforeSayingStopped(int control) throws Exception {
        ServiceHost host = new ServiceHost("exchange-vss-exporter", () -> () -> {
            assertThat(statuses).last().isEqualTo("STOP_PENDING/0/30s");
            saved.set(true);
        }, log);
        Thread main = serviceMain(host);
        awaitStatus("RUNNING/0");
        assertThat(host.control(ServiceHost.SERVICE_CONTROL_INTERROGATE)).isZero();
        assertThat(saved).isFalse();

        assertThat(host.control(control)).isZero();
        main.join(10_000);

        assertThat(main.isAlive()).isFalse();
        assertThat(saved).isTrue();
        assertThat(statuses).containsExactly("START_PENDING/0/30s", "RUNNING/0", "STOP_PENDING/0/30s", "STOPPED/0");
        assertThat(logged).containsExactly("info exchange-vss-exporter started",
                "info exchange-vss-exporter stopped; state saved");
    }

    @Test
    void aFailedStartIsAFatalErrorInTheLogAndAServiceSpecificExitCode() {
        ServiceHost host = new ServiceHost("exchange-vss-exporter", () -> {
            throw new java.io.IOException("listen tcp :19607: address already in use");
        }, log);

        host.run(this::status);

        assertThat(statuses).containsExactly("START_PENDING/0/30s", "STOPPED/" + ServiceHost.EXIT_START_FAILED);
        assertThat(logged).singleElement().asString().startsWith("error exchange-vss-exporter could not start")
                .contains("address already in use");
    }

    @Test
    void aStateThatCannotBeSavedEndsWithItsOwnExitCodeSoTheFailureActionsApply() throws Exception {
        ServiceHost host = new ServiceHost("exchange-vss-exporter", () -> () -> {
            throw new java.io.IOException("data\\state.json: disk full");
        }, log);
        Thread main = serviceMain(host);
        awaitStatus("RUNNING/0");

        host.control(ServiceHost.SERVICE_CONTROL_STOP);
        main.join(10_000);

        assertThat(statuses).last().isEqualTo("STOPPED/" + ServiceHost.EXIT_SAVE_FAILED);
        assertThat(logged).last().asString().contains("could not save its state", "disk full");
    }

    @Test
    void anExceptionNoThreadCaughtIsAFatalErrorInTheLog() {
        ServiceHost host = new ServiceHost("exchange-vss-exporter", () -> () -> { }, log);
        host.fatal(new Thread("source-windows"), new OutOfMemoryError("Java heap space"));
        assertThat(logged).containsExactly(
                "error exchange-vss-exporter: fatal error in thread source-windows: java.lang.OutOfMemoryError: Java heap space");
    }

    @Test
    void controlsItDoesNotHandleAreRefusedAsWindowsExpects() {
        ServiceHost host = new ServiceHost("exchange-vss-exporter", () -> () -> { }, log);
        assertThat(host.control(0x2 /* PAUSE */)).isEqualTo(ServiceHost.ERROR_CALL_NOT_IMPLEMENTED);
    }
}
