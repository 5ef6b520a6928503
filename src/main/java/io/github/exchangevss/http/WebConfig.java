package io.github.exchangevss.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * The exporter-toolkit web config file ({@code --web.config.file}): TLS from PEM files (with client certificates,
 * versions and cipher suites), basic auth users with bcrypt hashes and extra response headers. Keys this exporter
 * does not implement are refused rather than ignored, so a security setting never silently has no effect.
 *
 * @param tls             the server certificate and key; empty for plain HTTP
 * @param basicAuthUsers  user name to bcrypt hash; empty when no authentication is required
 * @param headers         added to every response ({@code http_server_config.headers})
 */
public record WebConfig(Optional<Tls> tls, Map<String, String> basicAuthUsers, Map<String, String> headers) {
    private static final Set<String> TOP_LEVEL_KEYS = Set.of("tls_server_config", "basic_auth_users",
            "http_server_config");
    private static final Set<String> TLS_KEYS = Set.of("cert_file", "key_file", "min_version", "max_version",
            "cipher_suites", "prefer_server_cipher_suites", "client_auth_type", "client_ca_file");
    private static final Set<String> HTTP_KEYS = Set.of("headers", "http2");
    /** exporter-toolkit's version names; TLS 1.0 and 1.1 are disabled in the Java runtime. */
    private static final List<String> VERSIONS = List.of("TLS12", "TLS13");
    /** Headers the server sets itself for the protocol; a config cannot replace them. */
    private static final Set<String> RESERVED_HEADERS = Set.of("authorization", "www-authenticate", "content-type",
            "content-length", "content-encoding", "transfer-encoding", "connection", "date", "allow", "retry-after",
            "vary");

    /** No TLS, no authentication: what the exporter does without {@code --web.config.file}. */
    public static final WebConfig NONE = new WebConfig(Optional.empty(), Map.of(), Map.of());

    /** exporter-toolkit's {@code client_auth_type} values this exporter implements. */
    public enum ClientAuth {
        /** {@code NoClientCert}: no client certificate is asked for. */
        NONE,
        /** {@code VerifyClientCertIfGiven}: a client may present a certificate, which must verify. */
        VERIFY_IF_GIVEN,
        /** {@code RequireAndVerifyClientCert}: every client must present a certificate that verifies. */
        REQUIRE_AND_VERIFY
    }

    /**
     * @param certFile     PEM certificate chain, server certificate first
     * @param keyFile      PEM PKCS#8 private key of the server certificate
     * @param protocols    TLS protocol versions to allow
     * @param cipherSuites cipher suites to allow, JSSE (IANA) names
     * @param preferServerCipherSuites choose the suite by the server's order rather than the client's
     * @param clientAuth   whether client certificates are asked for and required
     * @param sslContext   the server context presenting the certificate chain and key, re-read when the files change
     */
    public record Tls(Path certFile, Path keyFile, List<String> protocols, List<String> cipherSuites,
            boolean preferServerCipherSuites, ClientAuth clientAuth, SSLContext sslContext) {}

    public WebConfig {
        basicAuthUsers = Map.copyOf(basicAuthUsers);
        headers = Map.copyOf(headers);
    }

    /** Reads and checks the file; relative certificate paths are resolved against the file's directory. */
    public static WebConfig load(Path file) throws WebConfigException {
        JsonNode root;
        try {
            ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
            yaml.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            root = yaml.readTree(file.toFile());
        } catch (IOException e) {
            throw new WebConfigException("web config " + file + ": cannot read: " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return NONE;
        }
        Keys keys = new Keys(file);
        keys.requireObject(root, "the top level");
        keys.refuseUnknown(root, "", TOP_LEVEL_KEYS);
        return new WebConfig(tls(keys, root.get("tls_server_config")), users(keys, root.get("basic_auth_users")),
                headers(keys, root.get("http_server_config")));
    }

    private static Optional<Tls> tls(Keys keys, JsonNode node) throws WebConfigException {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        keys.requireObject(node, "tls_server_config");
        keys.refuseUnknown(node, "tls_server_config.", TLS_KEYS);
        Path certFile = keys.path(node, "tls_server_config.cert_file");
        Path keyFile = keys.path(node, "tls_server_config.key_file");
        List<String> protocols = protocols(keys, node);
        ClientAuth clientAuth = clientAuth(keys, node.get("client_auth_type"));
        JsonNode caNode = node.get("client_ca_file");
        boolean hasCa = caNode != null && !caNode.isNull();
        if (hasCa && clientAuth == ClientAuth.NONE) {
            // As exporter-toolkit: a CA without a policy would look like mTLS while asking for nothing.
            throw keys.error("tls_server_config.client_ca_file", "set, but client_auth_type does not ask for client"
                    + " certificates; set client_auth_type: RequireAndVerifyClientCert or VerifyClientCertIfGiven");
        }
        if (!hasCa && clientAuth != ClientAuth.NONE) {
            throw keys.error("tls_server_config.client_auth_type", "verifies client certificates, so"
                    + " tls_server_config.client_ca_file must name the PEM file of the CA that issues them");
        }
        ReloadingKeyManager keyManager;
        try {
            keyManager = ReloadingKeyManager.load(certFile, keyFile);
        } catch (Pem.PemException e) {
            throw keys.error(e.getMessage().startsWith(keyFile.toString()) && !keyFile.equals(certFile)
                    ? "tls_server_config.key_file" : "tls_server_config.cert_file", e.getMessage());
        }
        try {
            TrustManager[] trust = null;
            if (hasCa) {
                trust = Pem.trustManagers(keys.path(node, "tls_server_config.client_ca_file"));
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {keyManager}, trust, null);
            List<String> suites = cipherSuites(keys, node.get("cipher_suites"), context);
            JsonNode prefer = node.get("prefer_server_cipher_suites");
            if (prefer != null && !prefer.isBoolean()) {
                throw keys.error("tls_server_config.prefer_server_cipher_suites", "must be true or false");
            }
            return Optional.of(new Tls(certFile, keyFile, protocols, suites, prefer == null || prefer.asBoolean(),
                    clientAuth, context));
        } catch (Pem.PemException e) {
            throw keys.error("tls_server_config.client_ca_file", e.getMessage());
        } catch (GeneralSecurityException e) {
            throw keys.error("tls_server_config", "cannot set up TLS: " + e.getMessage());
        }
    }

    /** {@code min_version} (default TLS12) to {@code max_version} (default TLS13), as JSSE protocol names. */
    private static List<String> protocols(Keys keys, JsonNode node) throws WebConfigException {
        int min = version(keys, node, "min_version", 0);
        int max = version(keys, node, "max_version", VERSIONS.size() - 1);
        if (min > max) {
            throw keys.error("tls_server_config.max_version", VERSIONS.get(max) + " is below min_version "
                    + VERSIONS.get(min));
        }
        List<String> protocols = new ArrayList<>();
        for (int i = max; i >= min; i--) {
            protocols.add(VERSIONS.get(i).equals("TLS13") ? "TLSv1.3" : "TLSv1.2");
        }
        return protocols;
    }

    private static int version(Keys keys, JsonNode node, String key, int fallback) throws WebConfigException {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return fallback;
        }
        int index = value.isTextual() ? VERSIONS.indexOf(value.asText()) : -1;
        if (index < 0) {
            throw keys.error("tls_server_config." + key, "must be TLS12 or TLS13, not " + value
                    + (value.asText().matches("TLS1[01]") ? " (TLS 1.0 and 1.1 are disabled in the Java runtime)" : ""));
        }
        return index;
    }

    private static ClientAuth clientAuth(Keys keys, JsonNode value) throws WebConfigException {
        String key = "tls_server_config.client_auth_type";
        if (value == null || value.isNull()) {
            return ClientAuth.NONE;
        }
        return switch (value.isTextual() ? value.asText() : "") {
            case "NoClientCert" -> ClientAuth.NONE;
            case "VerifyClientCertIfGiven" -> ClientAuth.VERIFY_IF_GIVEN;
            case "RequireAndVerifyClientCert" -> ClientAuth.REQUIRE_AND_VERIFY;
            case "RequestClientCert", "RequireAnyClientCert" -> throw keys.error(key, value.asText()
                    + " accepts client certificates without verifying them, which this exporter does not do; use"
                    + " VerifyClientCertIfGiven or RequireAndVerifyClientCert with client_ca_file");
            default -> throw keys.error(key, "must be NoClientCert, VerifyClientCertIfGiven or"
                    + " RequireAndVerifyClientCert, not " + value);
        };
    }

    /**
     * The configured suites, or by default only those with forward secrecy (ECDHE, or TLS 1.3) and authenticated
     * encryption (GCM or ChaCha20-Poly1305). As in exporter-toolkit, {@code cipher_suites} sets the TLS 1.2 suites;
     * the TLS 1.3 suites, all forward-secret AEAD, stay on unless the list names some of them.
     */
    private static List<String> cipherSuites(Keys keys, JsonNode node, SSLContext context) throws WebConfigException {
        List<String> supported = List.of(context.getSupportedSSLParameters().getCipherSuites());
        List<String> tls13 = supported.stream().filter(WebConfig::isTls13Suite).toList();
        if (node == null || node.isNull()) {
            return supported.stream().filter(suite -> isTls13Suite(suite) || suite.startsWith("TLS_ECDHE_")
                    && (suite.contains("_GCM_") || suite.contains("_CHACHA20_POLY1305_"))).toList();
        }
        String key = "tls_server_config.cipher_suites";
        if (!node.isArray() || node.isEmpty()) {
            throw keys.error(key, "must be a list of cipher suite names, e.g. [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256]");
        }
        List<String> suites = new ArrayList<>();
        for (JsonNode suite : node) {
            if (!suite.isTextual() || !supported.contains(suite.asText())) {
                throw keys.error(key, suite + " is not a cipher suite of this Java runtime");
            }
            suites.add(suite.asText());
        }
        if (suites.stream().noneMatch(WebConfig::isTls13Suite)) {
            suites.addAll(tls13);
        }
        return List.copyOf(suites);
    }

    private static boolean isTls13Suite(String suite) {
        return suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_");
    }

    private static Map<String, String> headers(Keys keys, JsonNode node) throws WebConfigException {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        keys.requireObject(node, "http_server_config");
        keys.refuseUnknown(node, "http_server_config.", HTTP_KEYS);
        JsonNode http2 = node.get("http2");
        if (http2 != null && !(http2.isBoolean() && !http2.asBoolean())) {
            throw keys.error("http_server_config.http2", "the server speaks HTTP/1.1 only; remove the key or set false");
        }
        JsonNode headers = node.get("headers");
        if (headers == null || headers.isNull()) {
            return Map.of();
        }
        keys.requireObject(headers, "http_server_config.headers");
        Map<String, String> result = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = headers.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> header = it.next();
            String key = "http_server_config.headers." + header.getKey();
            if (!header.getKey().matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
                throw keys.error(key, "not a valid HTTP header name");
            }
            if (RESERVED_HEADERS.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                throw keys.error(key, "set by the exporter itself; it cannot be overridden");
            }
            if (!header.getValue().isTextual() || header.getValue().asText().matches(".*[\\r\\n].*")) {
                throw keys.error(key, "must be a single-line string");
            }
            result.put(header.getKey(), header.getValue().asText());
        }
        return result;
    }

    private static Map<String, String> users(Keys keys, JsonNode node) throws WebConfigException {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        keys.requireObject(node, "basic_auth_users");
        Map<String, String> users = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> user = it.next();
            String key = "basic_auth_users." + user.getKey();
            // The hash itself is never quoted back: it is a secret, even if a malformed one.
            if (!user.getValue().isTextual() || !BcryptAuthenticator.isBcryptHash(user.getValue().asText())) {
                throw keys.error(key, "must be a bcrypt hash ($2a$, $2b$ or $2y$)");
            }
            if (user.getKey().contains(":")) {
                throw keys.error(key, "a user name cannot contain ':' in HTTP basic auth");
            }
            users.put(user.getKey(), user.getValue().asText());
        }
        return users;
    }

    /** Error messages that name the file and the dotted key path. */
    private record Keys(Path file) {
        WebConfigException error(String key, String problem) {
            return new WebConfigException("web config " + file + ": " + key + ": " + problem);
        }

        void requireObject(JsonNode node, String key) throws WebConfigException {
            if (!node.isObject()) {
                throw error(key, "must be a mapping of keys to values");
            }
        }

        void refuseUnknown(JsonNode node, String prefix, Set<String> known) throws WebConfigException {
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!known.contains(name)) {
                    throw error(prefix + name, "unknown or unsupported key; supported: " + known.stream().sorted().toList());
                }
            }
        }

        Path path(JsonNode parent, String key) throws WebConfigException {
            JsonNode value = parent.get(key.substring(key.lastIndexOf('.') + 1));
            if (value == null || !value.isTextual() || value.asText().isBlank()) {
                throw error(key, "must be set to a file path");
            }
            Path base = file.toAbsolutePath().getParent();
            return base.resolve(value.asText());
        }
    }
}
