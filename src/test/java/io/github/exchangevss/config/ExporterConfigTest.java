package io.github.exchangevss.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.exchangevss.lifecycle.LifecycleSettings;
import io.github.exchangevss.source.windows.WindowsSourceConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ExporterConfigTest {
    private static final Path SHIPPED = Path.of("packaging/config/exchange-vss-exporter.yml");

    private static ExporterConfig resolve(Path file, Map<String, Object> flags) throws ConfigException {
        return ExporterConfig.resolve(ConfigValues.load(file, flags, ExporterConfig.KEYS), "data", LifecycleSettings.DEFAULTS);
    }

    @Test
    void theShippedServiceConfigurationIsValid() throws Exception {
        ExporterConfig config = resolve(SHIPPED, Map.of(ExporterConfig.SOURCES, List.of("windows")));
        assertThat(config.http().telemetryPath()).isEqualTo("/metrics");
        assertThat(config.http().listenAddress().getPort()).isEqualTo(19607);
        assertThat(config.lifecycle()).isEqualTo(LifecycleSettings.DEFAULTS);
        WindowsSourceConfig windows = config.windows().get("windows");
        assertThat(windows.channels()).containsExactly("Application");
        assertThat(windows.queries()).containsExactly("*[System[Provider[@Name='MSExchangeIS' or @Name='MSExchangeRepl']]]");
        assertThat(windows.lookback()).isEqualTo(Duration.ofDays(7));
        assertThat(windows.server()).isNull();
    }

    /** The live log's default subscription follows the counted providers, so an Exchange 2013 writer is read too. */
    @Test
    void theDefaultSubscriptionSelectsTheInformationStoreAndEveryCountedProvider() throws Exception {
        ExporterConfig byDefault = resolve(null, Map.of(ExporterConfig.SOURCES, List.of("windows:EXCH13")));
        assertThat(byDefault.windows().get("windows:EXCH13").queries())
                .containsExactly("*[System[Provider[@Name='MSExchangeIS' or @Name='MSExchangeRepl']]]");
        ExporterConfig ese = resolve(null, Map.of(ExporterConfig.SOURCES, List.of("windows:EXCH13"),
                ExporterConfig.EVENTS_PROVIDERS, List.of("ese", "vss")));
        assertThat(ese.eventCounting().providers()).containsExactlyInAnyOrder("ESE", "VSS");
        assertThat(ese.windows().get("windows:EXCH13").queries())
                .containsExactly("*[System[Provider[@Name='ESE' or @Name='MSExchangeIS' or @Name='VSS']]]");
    }

    @Nested
    class WindowsSources {
        @Test
        void eachServerBecomesItsOwnSourceWithTheCredentials() throws Exception {
            ExporterConfig config = resolve(null, Map.of(ExporterConfig.SOURCES, List.of("windows"),
                    ExporterConfig.WINDOWS_SERVER, List.of("EXCH02", "EXCH03"),
                    ExporterConfig.WINDOWS_USERNAME, "CONTOSO\\reader", ExporterConfig.WINDOWS_PASSWORD_ENV, "VSS_PW"));
            assertThat(config.sources()).containsExactly("windows", "windows:EXCH02", "windows:EXCH03");
            assertThat(config.windows().get("windows").username()).isNull();
            assertThat(config.windows().get("windows:EXCH03").server()).isEqualTo("EXCH03");
            assertThat(config.windows().get("windows:EXCH03").username()).isEqualTo("CONTOSO\\reader");
            assertThat(config.windows().get("windows:EXCH03").passwordEnv()).isEqualTo("VSS_PW");
        }

        @Test
        void credentialsWithoutARemoteServerAreAnError() {
            assertThatThrownBy(() -> resolve(null, Map.of(ExporterConfig.SOURCES, List.of("xml:/logs"),
                    ExporterConfig.WINDOWS_USERNAME, "bob")))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("--source.windows.username: only used with source.windows.server");
            assertThatThrownBy(() -> resolve(null, Map.of(ExporterConfig.SOURCES, List.of("windows"),
                    ExporterConfig.WINDOWS_USERNAME, "bob", ExporterConfig.WINDOWS_PASSWORD_ENV, "X")))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("--source.windows.username: only used with source.windows.server");
        }

        @Test
        void aUserWithoutAPasswordSourceIsAnError() {
            assertThatThrownBy(() -> resolve(null, Map.of(ExporterConfig.WINDOWS_SERVER, List.of("EXCH02"),
                    ExporterConfig.WINDOWS_USERNAME, "bob")))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("--source.windows.username: needs source.windows.password-file");
        }

        @Test
        void aSourceGivenTwiceIsAnError() {
            assertThatThrownBy(() -> resolve(null, Map.of(ExporterConfig.SOURCES, List.of("windows:EXCH02"),
                    ExporterConfig.WINDOWS_SERVER, List.of("EXCH02"))))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("given twice");
        }
    }
}
