package io.github.exchangevss.http;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server certificate and key of the web config, read again at the next TLS handshake after either file changed
 * (a renewed certificate needs no restart). A pair that cannot be used yet (a key written before its certificate, a
 * half-written file) is logged and the previous pair stays in use.
 *
 * <p>Each pair has its own alias, so one handshake always gets the certificate and the key of the same pair.
 */
final class ReloadingKeyManager extends X509ExtendedKeyManager {
    private static final Logger LOG = LoggerFactory.getLogger(ReloadingKeyManager.class);

    private final Path certFile;
    private final Path keyFile;
    private volatile Loaded current;
    /** The pair before {@link #current}, for a handshake that chose its alias just before a reload. */
    private volatile Loaded previous;
    /** The file state whose pair could not be used, so that it is logged once, not at every handshake. */
    private volatile List<Object> refused;

    private record Loaded(String alias, List<Object> stamp, X509ExtendedKeyManager keys) {}

    private ReloadingKeyManager(Path certFile, Path keyFile, Loaded first) {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.current = first;
        this.previous = first;
    }

    /** Reads the pair now; a pair that cannot be used is an error of the configuration. */
    static ReloadingKeyManager load(Path certFile, Path keyFile) throws Pem.PemException {
        try {
            return new ReloadingKeyManager(certFile, keyFile, read(certFile, keyFile, stamp(certFile, keyFile), 1));
        } catch (GeneralSecurityException e) {
            throw new Pem.PemException(certFile + ": cannot use the certificate: " + e.getMessage());
        }
    }

    private static Loaded read(Path certFile, Path keyFile, List<Object> stamp, int generation)
            throws Pem.PemException, GeneralSecurityException {
        List<X509Certificate> chain = Pem.certificateChain(certFile);
        PrivateKey key = Pem.privateKey(keyFile, chain.get(0));
        return new Loaded("server-" + generation, stamp, Pem.keyManager(chain, key));
    }

    /** Modification times and sizes: a renewal changes at least one of them. */
    private static List<Object> stamp(Path certFile, Path keyFile) {
        try {
            return List.of(Files.getLastModifiedTime(certFile), Files.size(certFile),
                    Files.getLastModifiedTime(keyFile), Files.size(keyFile));
        } catch (IOException e) {
            return List.of(e.toString());
        }
    }

    private Loaded fresh() {
        Loaded loaded = current;
        List<Object> stamp = stamp(certFile, keyFile);
        if (stamp.equals(loaded.stamp) || stamp.equals(refused)) {
            return loaded;
        }
        synchronized (this) {
            if (current != loaded) {
                return current;
            }
            int generation = Integer.parseInt(loaded.alias.substring("server-".length())) + 1;
            try {
                Loaded reloaded = read(certFile, keyFile, stamp, generation);
                previous = loaded;
                current = reloaded;
                LOG.info("Reloaded the TLS certificate {} and key {}", certFile, keyFile);
                return reloaded;
            } catch (Pem.PemException | GeneralSecurityException e) {
                refused = stamp;
                LOG.warn("Keeping the previous TLS certificate: {}", e.getMessage());
                return loaded;
            }
        }
    }

    private X509ExtendedKeyManager keysOf(String alias) {
        Loaded loaded = current;
        if (loaded.alias.equals(alias)) {
            return loaded.keys;
        }
        Loaded before = previous;
        return before.alias.equals(alias) ? before.keys : null;
    }

    private String aliasOf(Loaded loaded, String chosen) {
        return chosen == null ? null : loaded.alias;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        Loaded loaded = fresh();
        return aliasOf(loaded, loaded.keys.chooseEngineServerAlias(keyType, issuers, engine));
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        Loaded loaded = fresh();
        return aliasOf(loaded, loaded.keys.chooseServerAlias(keyType, issuers, socket));
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        Loaded loaded = fresh();
        return loaded.keys.getServerAliases(keyType, issuers) == null ? null : new String[] {loaded.alias};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        X509ExtendedKeyManager keys = keysOf(alias);
        return keys == null ? null : keys.getCertificateChain("server");
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        X509ExtendedKeyManager keys = keysOf(alias);
        return keys == null ? null : keys.getPrivateKey("server");
    }

    /** A server presents certificates; it never chooses a client one. */
    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
