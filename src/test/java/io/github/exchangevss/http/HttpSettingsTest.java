package io.github.exchangevss.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpSettingsTest {
    @Test
    void portOnlyMeansAllInterfaces() {
        InetSocketAddress address = HttpSettings.parseListenAddress(":19607");
        assertThat(address.getAddress().isAnyLocalAddress()).isTrue();
        assertThat(address.getPort()).isEqualTo(19607);
    }

    @Test
    void hostAndPort() {
        InetSocketAddress address = HttpSettings.parseListenAddress("127.0.0.1:0");
        assertThat(address.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(address.getPort()).isZero();
    }

    @Test
    void ipv6HostInBrackets() {
        InetSocketAddress address = HttpSettings.parseListenAddress("[::1]:9000");
        assertThat(address.getAddress().isLoopbackAddress()).isTrue();
        assertThat(address.getPort()).isEqualTo(9000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"19607", "localhost:http", ":65536", ":-1", "::1:9000", "no-such-host.invalid:9000"})
    void badAddressesNameTheSetting(String value) {
        assertThatThrownBy(() -> HttpSettings.parseListenAddress(value)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("web.listen-address \"" + value + "\": ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "metrics", "/", "/-/metrics"})
    void telemetryPathMustNotTakeTheStatusPageOrProbes(String path) {
        assertThatThrownBy(() -> new HttpSettings(new InetSocketAddress(0), path, WebConfig.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("web.telemetry-path");
    }
}
