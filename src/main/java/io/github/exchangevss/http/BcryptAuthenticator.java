package io.github.exchangevss.http;

import com.sun.net.httpserver.BasicAuthenticator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.springframework.security.crypto.bcrypt.BCrypt;

/** HTTP basic auth against the bcrypt hashes of the web config's {@code basic_auth_users}. */
final class BcryptAuthenticator extends BasicAuthenticator {
    private static final Pattern BCRYPT_HASH = Pattern.compile("\\$2[aby]\\$\\d\\d\\$[./A-Za-z0-9]{53}");
    /** Checked for unknown users too, so the response time does not tell which user names exist. */
    private static final String UNKNOWN_USER_HASH = BCrypt.hashpw("unknown user", BCrypt.gensalt(10));

    private final Map<String, String> hashes;
    /**
     * SHA-256 of the last password that passed bcrypt, per user: bcrypt is slow on purpose, and Prometheus sends the
     * same credentials on every scrape.
     */
    private final Map<String, byte[]> verified = new ConcurrentHashMap<>();

    BcryptAuthenticator(Map<String, String> hashes) {
        super("exchange-vss-exporter", StandardCharsets.UTF_8);
        this.hashes = Map.copyOf(hashes);
    }

    static boolean isBcryptHash(String value) {
        return BCRYPT_HASH.matcher(value).matches();
    }

    @Override
    public boolean checkCredentials(String user, String password) {
        byte[] digest = sha256(user + '\0' + password);
        byte[] known = verified.get(user);
        if (known != null && MessageDigest.isEqual(known, digest)) {
            return true;
        }
        String hash = hashes.get(user);
        boolean valid = bcryptMatches(password, hash == null ? UNKNOWN_USER_HASH : hash) && hash != null;
        if (valid) {
            verified.put(user, digest);
        }
        return valid;
    }

    private static boolean bcryptMatches(String password, String hash) {
        try {
            return BCrypt.checkpw(password, hash);
        } catch (IllegalArgumentException e) {
            return false; // e.g. a password longer than bcrypt's 72 bytes
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
