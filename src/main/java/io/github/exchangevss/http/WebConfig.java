package io.github.exchangevss.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * The exporter-toolkit web config file ({@code --web.config.file}): TLS from PEM files and basic auth users with
 * bcrypt hashes. Keys this exporter does not implement are refused rather than ignored, so a security setting never
 * silently has no effect.
 *
 * @param tls             the server certificate and key; empty for plain HTTP
 * @param basicAuthUsers  user name to bcrypt hash; empty when no authentication is required
 */
public record WebConfig(Optional<Tls> tls, Map<String, String> basicAuthUsers) {
    private static final Set<String> TOP_LEVEL_KEYS = Set.of("tls_server_config", "basic_auth_users");
    private static final Set<String> TLS_KEYS = Set.of("cert_file", "key_file", "min_version");
    /** exporter-toolkit's {@code min_version} names and the JSSE protocols they allow. */
    private static final Map<String, List<String>> MIN_VERSIONS = Map.of(
            "TLS12", List.of("TLSv1.3", "TLSv1.2"),
            "TLS13", List.of("TLSv1.3"));

    /** No TLS, no authentication: what the exporter does without {@code --web.config.file}. */
    public static final WebConfig NONE = new WebConfig(Optional.empty(), Map.of());

    /**
     * @param certFile  PEM certificate chain, server certificate first
     * @param keyFile   PEM PKCS#8 private key of the server certificate
     * @param protocols TLS protocol versions to allow
     * @param sslContext the server context presenting that certificate chain and key
     */
    public record Tls(Path certFile, Path keyFile, List<String> protocols, SSLContext sslContext) {}

    public WebConfig {
        basicAuthUsers = Map.copyOf(basicAuthUsers);
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
        return new WebConfig(tls(keys, root.get("tls_server_config")), users(keys, root.get("basic_auth_users")));
    }

    private static Optional<Tls> tls(Keys keys, JsonNode node) throws WebConfigException {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        keys.requireObject(node, "tls_server_config");
        keys.refuseUnknown(node, "tls_server_config.", TLS_KEYS);
        Path certFile = keys.path(node, "tls_server_config.cert_file");
        Path keyFile = keys.path(node, "tls_server_config.key_file");
        List<String> protocols = MIN_VERSIONS.get("TLS12");
        JsonNode minVersion = node.get("min_version");
        if (minVersion != null && !minVersion.isNull()) {
            protocols = MIN_VERSIONS.get(minVersion.asText());
            if (!minVersion.isTextual() || protocols == null) {
                throw keys.error("tls_server_config.min_version", "must be TLS12 or TLS13, not " + minVersion);
            }
        }
        List<X509Certificate> chain;
        PrivateKey key;
        try {
            chain = Pem.certificateChain(certFile);
        } catch (Pem.PemException e) {
            throw keys.error("tls_server_config.cert_file", e.getMessage());
        }
        try {
            key = Pem.privateKey(keyFile, chain.get(0));
        } catch (Pem.PemException e) {
            throw keys.error("tls_server_config.key_file", e.getMessage());
        }
        try {
            return Optional.of(new Tls(certFile, keyFile, protocols, Pem.sslContext(chain, key)));
        } catch (GeneralSecurityException e) {
            throw keys.error("tls_server_config", "cannot set up TLS: " + e.getMessage());
        }
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
