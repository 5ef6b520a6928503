package io.github.exchangevss.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.security.crypto.bcrypt.BCrypt;

class WebConfigTest {
    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("web-config.yml"), yaml);
    }

    @Test
    void emptyFileMeansPlainHttpWithoutAuth() throws Exception {
        assertThat(WebConfig.load(write(""))).isEqualTo(WebConfig.NONE);
    }

    @Test
    void unknownTopLevelKeyIsRefusedNamingFileAndKey() throws Exception {
        Path file = write("http_server_config:\n  http2: true\n");
        assertThatThrownBy(() -> WebConfig.load(file)).isInstanceOf(WebConfigException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("http_server_config");
    }

    @Test
    void unreadableYamlNamesTheFile() throws Exception {
        Path file = write("basic_auth_users: [unclosed\n");
        assertThatThrownBy(() -> WebConfig.load(file)).isInstanceOf(WebConfigException.class)
                .hasMessageContaining(file.toString());
    }

    @Test
    void missingFileNamesTheFile() {
        Path file = dir.resolve("absent.yml");
        assertThatThrownBy(() -> WebConfig.load(file)).isInstanceOf(WebConfigException.class)
                .hasMessageContaining(file.toString());
    }

    @Nested
    class BasicAuthUsers {
        @Test
        void bcryptHashesAreAccepted() throws Exception {
            String hash = BCrypt.hashpw("secret", BCrypt.gensalt(4));
            WebConfig config = WebConfig.load(write("basic_auth_users:\n  prometheus: '" + hash + "'\n"));
            assertThat(config.basicAuthUsers()).containsExactlyEntriesOf(java.util.Map.of("prometheus", hash));
            assertThat(config.tls()).isEmpty();
        }

        @Test
        void aPlainPasswordIsRefusedWithoutQuotingIt() throws Exception {
            Path file = write("basic_auth_users:\n  prometheus: hunter2\n");
            assertThatThrownBy(() -> WebConfig.load(file)).isInstanceOf(WebConfigException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining("basic_auth_users.prometheus")
                    .hasMessageNotContaining("hunter2");
        }

        @Test
        void aListIsRefused() throws Exception {
            Path file = write("basic_auth_users:\n  - prometheus\n");
            assertThatThrownBy(() -> WebConfig.load(file)).isInstanceOf(WebConfigException.class)
                    .hasMessageContaining("basic_auth_users:");
        }
    }

    /** {@code row} is "YAML|key named|words of the reason"; the YAML follows {@code before}. */
    private void assertRefused(String before, String row) throws IOException {
        String[] parts = row.split("\\|");
        Path file = write(before + parts[0]);
        assertThatThrownBy(() -> WebConfig.load(file)).isInstanceOf(WebConfigException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining(parts[1]).hasMessageContaining(parts[2]);
    }

    @Nested
    class HttpServerConfig {
        @Test
        void headersAreRead() throws Exception {
            WebConfig config = WebConfig.load(write("http_server_config:\n  http2: false\n  headers:\n"
                    + "    X-Frame-Options: DENY\n"));
            assertThat(config.headers()).containsExactly(Map.entry("X-Frame-Options", "DENY"));
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "  headers:\n    Content-Type: text/html\n|http_server_config.headers.Content-Type|cannot be overridden",
                "  headers:\n    'Bad Name': x\n|http_server_config.headers.Bad Name|not a valid",
                "  headers:\n    X-List: [a, b]\n|http_server_config.headers.X-List|single-line",
                "  http2: true\n|http_server_config.http2|HTTP/1.1",
                "  keep_alive: true\n|http_server_config.keep_alive|unknown"})
        void wrongSettingsNameTheKey(String row) throws Exception {
            assertRefused("http_server_config:\n", row);
        }
    }

    @Nested
    class TlsServerConfig {
        @ParameterizedTest
        @ValueSource(strings = {"rsa", "ec"})
        void pemCertificateAndPkcs8KeyMakeAnSslContext(String keyType) throws Exception {
            TestCertificates.Pair pair = TestCertificates.selfSigned(dir, keyType);
            // Relative paths are resolved against the config file's directory, as exporter-toolkit does.
            WebConfig config = WebConfig.load(write("tls_server_config:\n  cert_file: " + pair.certFile().getFileName()
                    + "\n  key_file: " + pair.keyFile().getFileName() + "\n"));
            WebConfig.Tls tls = config.tls().orElseThrow();
            assertThat(tls.certFile()).isEqualTo(pair.certFile().toAbsolutePath());
            assertThat(tls.protocols()).containsExactlyInAnyOrder("TLSv1.2", "TLSv1.3");
            assertThat(tls.sslContext()).isNotNull();
        }

        @Test
        void minVersionTls13AllowsOnlyTls13() throws Exception {
            TestCertificates.Pair pair = TestCertificates.selfSigned(dir, "ec");
            WebConfig config = WebConfig.load(write(tlsYaml(pair.certFile(), pair.keyFile()) + "  min_version: TLS13\n"));
            assertThat(config.tls().orElseThrow().protocols()).isEqualTo(List.of("TLSv1.3"));
        }

        @Test
        void unknownMinVersionNamesTheKey() throws Exception {
            TestCertificates.Pair pair = TestCertificates.selfSigned(dir, "ec");
            Path file = write(tlsYaml(pair.certFile(), pair.keyFile()) + "  min_version: SSL3\n");
            assertThatThrownBy(() -> WebConfig.load(file)).isInstanceOf(WebConfigException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining("tls_server_config.min_version");
        }

        @Test
        void pkcs1KeySaysHowToConvertIt() throws Exception {
            TestCertificates.Pair pair = TestCertificates.selfSigned(dir, "rsa");
            Path pkcs1 = TestCertificates.pkcs1(pair.keyFile());
            Path file = write(tlsYaml(pair.certFile(), pkcs1));
            assertThatThrownBy(() -> WebConfig.load(file)).isInstanceOf(WebConfigException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining("tls_server_config.key_file")
                    .hasMessageContaining("BEGIN RSA PRIVATE KEY").hasMessageContaining("openssl pkcs8 -topk8");
        }

        @Test
        void keyOfAnotherCertificateIsRefused() throws Exception {
            TestCertificates.Pair rsa = TestCertificates.selfSigned(dir, "rsa");
            Path other = Files.createDirectory(dir.resolve("other"));
            TestCertificates.Pair otherRsa = TestCertificates.selfSigned(other, "rsa");
            Path file = write(tlsYaml(rsa.certFile(), otherRsa.keyFile()));
            assertThatThrownBy(() -> WebConfig.load(file)).isInstanceOf(WebConfigException.class)
                    .hasMessageContaining("tls_server_config.key_file").hasMessageContaining("does not belong");
        }

        @Test
        void missingKeyFileNamesTheKey() throws Exception {
            TestCertificates.Pair pair = TestCertificates.selfSigned(dir, "ec");
            Path file = write("tls_server_config:\n  cert_file: " + pair.certFile() + "\n");
            assertThatThrownBy(() -> WebConfig.load(file)).isInstanceOf(WebConfigException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining("tls_server_config.key_file");
        }

        @Test
        void certificateFileWithoutCertificateNamesTheKey() throws Exception {
            TestCertificates.Pair pair = TestCertificates.selfSigned(dir, "ec");
            Path file = write(tlsYaml(pair.keyFile(), pair.keyFile()));
            assertThatThrownBy(() -> WebConfig.load(file)).isInstanceOf(WebConfigException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining("tls_server_config.cert_file");
        }

        @Test
        void unsupportedTlsKeyIsRefused() throws Exception {
            TestCertificates.Pair pair = TestCertificates.selfSigned(dir, "ec");
            Path file = write(tlsYaml(pair.certFile(), pair.keyFile()) + "  client_allowed_sans: [prometheus]\n");
            assertThatThrownBy(() -> WebConfig.load(file)).isInstanceOf(WebConfigException.class)
                    .hasMessageContaining("tls_server_config.client_allowed_sans");
        }

        @Test
        void defaultSuitesAreForwardSecretAeadOnly() throws Exception {
            TestCertificates.Pair pair = TestCertificates.selfSigned(dir, "ec");
            List<String> suites = WebConfig.load(write(tlsYaml(pair.certFile(), pair.keyFile()))).tls().orElseThrow()
                    .cipherSuites();
            assertThat(suites).isNotEmpty().contains("TLS_AES_128_GCM_SHA256",
                    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
            assertThat(suites).allMatch(suite -> suite.matches("TLS_(AES_\\d+_GCM|CHACHA20_POLY1305)_SHA\\d+")
                    || suite.matches("TLS_ECDHE_(ECDSA|RSA)_WITH_(AES_\\d+_GCM|CHACHA20_POLY1305)_SHA\\d+"));
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "  client_ca_file: ca.pem\n|tls_server_config.client_ca_file|client_auth_type",
                "  client_auth_type: RequireAndVerifyClientCert\n|tls_server_config.client_auth_type|client_ca_file",
                "  client_auth_type: RequireAnyClientCert\n|tls_server_config.client_auth_type|without verifying",
                "  client_auth_type: Sometimes\n|tls_server_config.client_auth_type|RequireAndVerifyClientCert",
                "  cipher_suites: [TLS_NO_SUCH_SUITE]\n|tls_server_config.cipher_suites|TLS_NO_SUCH_SUITE",
                "  cipher_suites: []\n|tls_server_config.cipher_suites|list",
                "  min_version: TLS13\n  max_version: TLS12\n|tls_server_config.max_version|below",
                "  min_version: TLS11\n|tls_server_config.min_version|disabled in the Java runtime",
                "  prefer_server_cipher_suites: often\n|tls_server_config.prefer_server_cipher_suites|true or false"})
        void wrongTlsSettingsNameTheKey(String row) throws Exception {
            TestCertificates.Pair pair = TestCertificates.selfSigned(dir, "ec");
            assertRefused(tlsYaml(pair.certFile(), pair.keyFile()), row);
        }

        @Test
        void versionsAndClientAuthAreRead() throws Exception {
            TestCertificates.Pair pair = TestCertificates.selfSigned(dir, "ec");
            WebConfig.Tls tls = WebConfig.load(write(tlsYaml(pair.certFile(), pair.keyFile())
                    + "  max_version: TLS12\n  client_auth_type: VerifyClientCertIfGiven\n  client_ca_file: '"
                    + pair.certFile() + "'\n  prefer_server_cipher_suites: false\n")).tls().orElseThrow();
            assertThat(tls.protocols()).containsExactly("TLSv1.2");
            assertThat(tls.clientAuth()).isEqualTo(WebConfig.ClientAuth.VERIFY_IF_GIVEN);
            assertThat(tls.preferServerCipherSuites()).isFalse();
        }

        private static String tlsYaml(Path cert, Path key) {
            return "tls_server_config:\n  cert_file: '" + cert + "'\n  key_file: '" + key + "'\n";
        }
    }
}
