package io.github.exchangevss.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.exchangevss.cli.Cli;
import io.github.exchangevss.service.ServiceManager.State;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ServiceCommandTest {
    @TempDir
    Path dir;

    private final FakeServiceManager scm = new FakeServiceManager();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private Path installedJar() throws IOException {
        Path jar = Files.writeString(dir.resolve("exchange-vss-exporter.jar"), "jar");
        Files.writeString(dir.resolve("exchange-vss-exporter.yml"), "web:\n  listen-address: \":19607\"\n");
        return jar;
    }

    private int service(String... args) throws IOException {
        Path java = Path.of("C:\\Program Files\\Eclipse Adoptium\\jre-17\\bin\\java.exe");
        ServiceCommand command = new ServiceCommand(() -> scm, new ServiceCommand.Installation(java, installedJar()),
                duration -> { });
        return new CommandLine(command).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
    }

    @Test
    void installCreatesTheServiceAsTheDocumentedDefaultsSayAndStartsIt() throws Exception {
        assertThat(service("install")).isZero();

        ServiceDefinition d = scm.services.get("exchange-vss-exporter");
        assertThat(d.account()).isEqualTo("NT SERVICE\\exchange-vss-exporter");
        assertThat(d.commandLine()).isEqualTo("\"C:\\Program Files\\Eclipse Adoptium\\jre-17\\bin\\java.exe\" -Xrs -jar \""
                + dir.resolve("exchange-vss-exporter.jar") + "\" service run --config.file=\""
                + dir.resolve("exchange-vss-exporter.yml") + "\" --storage.path=\"" + dir.resolve("data") + "\"");
        assertThat(d.restartDelays()).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(2));
        assertThat(d.resetFailuresAfter()).isEqualTo(Duration.ofHours(1));
        assertThat(d.dependencies()).containsExactly("EventLog");
        assertThat(d.description()).contains("KB 910250");
        assertThat(scm.groups.get(ServiceInstaller.EVENT_LOG_READERS)).containsExactly("NT SERVICE\\exchange-vss-exporter");
        assertThat(scm.writable).containsEntry(dir.resolve("data"), "NT SERVICE\\exchange-vss-exporter");
        // The virtual account exists only once the service does; no event source is registered: the exporter
        // never writes to the event log.
        assertThat(scm.calls).containsExactly("create", "addToLocalGroup", "grantModify", "start");
        assertThat(scm.state("exchange-vss-exporter")).contains(State.RUNNING);
        assertThat(out.toString()).contains("Created service", "is running");
    }

    @Test
    void aSecondInstallStopsUpdatesAndStartsAgainWhichIsTheUpgrade() throws Exception {
        assertThat(service("install")).isZero();
        scm.calls.clear();

        assertThat(service("install", "--account", "CONTOSO\\svc-vss$")).isZero();

        assertThat(scm.calls).containsExactly("stop", "update", "addToLocalGroup", "grantModify", "start");
        assertThat(scm.services.get("exchange-vss-exporter").account()).isEqualTo("CONTOSO\\svc-vss$");
        assertThat(scm.state("exchange-vss-exporter")).contains(State.RUNNING);
    }

    @Test
    void anAccountWithAPasswordIsRefusedBeforeAnythingChanges() throws Exception {
        assertThat(service("install", "--account", "CONTOSO\\svc-vss")).isEqualTo(ServiceCommand.FAILED);

        assertThat(err.toString()).contains("--account", "gMSA");
        assertThat(scm.calls).isEmpty();
    }

    @Test
    void aMissingConfigurationFileIsNamed() throws Exception {
        assertThat(service("install", "--config.file", dir.resolve("nope.yml").toString())).isEqualTo(ServiceCommand.FAILED);
        assertThat(err.toString()).contains("--config.file", "nope.yml");
        assertThat(scm.calls).isEmpty();
    }

    @Test
    void uninstallStopsAndRemovesTheServiceAndKeepsTheData() throws Exception {
        service("install");
        scm.calls.clear();

        assertThat(service("uninstall")).isZero();

        assertThat(scm.calls).containsExactly("stop", "delete");
        assertThat(scm.services).isEmpty();
        assertThat(out.toString()).contains("data directory is kept");
        assertThat(service("uninstall")).isZero();
        assertThat(out.toString()).contains("is not installed");
    }

    @Test
    void stopAndStartWaitForTheStateAndSayWhenItNeverComes() throws Exception {
        service("install");
        assertThat(service("stop")).isZero();
        assertThat(scm.state("exchange-vss-exporter")).contains(State.STOPPED);
        assertThat(service("start")).isZero();
        assertThat(scm.state("exchange-vss-exporter")).contains(State.RUNNING);

        service("stop");
        scm.failsAtStart = true;
        assertThat(service("start")).isEqualTo(ServiceCommand.FAILED);
        assertThat(err.toString()).contains("stopped right after its start", "Application log");

        scm.failsAtStart = false;
        scm.looksWhilePending = 10_000;
        assertThat(service("start")).isEqualTo(ServiceCommand.FAILED);
        assertThat(err.toString()).contains("did not start within 60 s");
    }

    @Test
    void controllingAServiceThatIsNotInstalledSaysToInstallIt() throws Exception {
        assertThat(service("start")).isEqualTo(ServiceCommand.FAILED);
        assertThat(err.toString()).contains("not installed", "service install");
    }

    @Test
    void elsewhereThanWindowsTheCommandsSayWhatToRunInstead() {
        if (com.sun.jna.Platform.isWindows()) {
            return;
        }
        StringWriter errors = new StringWriter();
        for (List<String> args : List.of(List.of("service", "install"), List.of("service", "stop"),
                List.of("service", "run", "--config.file=x.yml", "--storage.path=data"))) {
            int code = Cli.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(errors, true),
                    args.toArray(String[]::new));
            assertThat(code).as(String.join(" ", args)).isEqualTo(Cli.USAGE);
        }
        assertThat(errors.toString()).contains(ServiceCommand.NEEDS_WINDOWS);
    }
}
