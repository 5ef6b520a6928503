package io.github.exchangevss.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/** Server TLS material from PEM files, as the exporter-toolkit web config names them. */
final class Pem {
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    /** Signature algorithms used to check that the key belongs to the certificate, by key algorithm. */
    private static final Map<String, String> PROOF_SIGNATURES = Map.of(
            "RSA", "SHA256withRSA", "EC", "SHA256withECDSA", "Ed25519", "Ed25519", "EdDSA", "Ed25519");

    /** A PEM file that cannot be used, with the reason in words a user can act on. */
    static final class PemException extends Exception {
        PemException(String message) {
            super(message);
        }
    }

    private Pem() {}

    /** The certificates of {@code file}, server certificate first. */
    static List<X509Certificate> certificateChain(Path file) throws PemException {
        byte[] bytes = read(file);
        try {
            List<X509Certificate> chain = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bytes)).stream()
                    .map(X509Certificate.class::cast).toList();
            if (chain.isEmpty()) {
                throw new PemException(file + ": no \"BEGIN CERTIFICATE\" block");
            }
            return chain;
        } catch (GeneralSecurityException e) {
            throw new PemException(file + ": not a PEM certificate chain: " + e.getMessage());
        }
    }

    /** The PKCS#8 private key of {@code file}, which must belong to {@code certificate}. */
    static PrivateKey privateKey(Path file, X509Certificate certificate) throws PemException {
        String text = new String(read(file), StandardCharsets.US_ASCII);
        Matcher block = BLOCK.matcher(text);
        if (!block.find()) {
            throw new PemException(file + ": no PEM block; expected \"BEGIN PRIVATE KEY\"");
        }
        String convert = "openssl pkcs8 -topk8 -nocrypt -in " + file + " -out " + file + ".pkcs8";
        switch (block.group(1)) {
            case "PRIVATE KEY" -> { }
            case "RSA PRIVATE KEY", "EC PRIVATE KEY" -> throw new PemException(file + ": \"BEGIN " + block.group(1)
                    + "\" is the traditional key format; convert it to PKCS#8 with: " + convert);
            case "ENCRYPTED PRIVATE KEY" -> throw new PemException(file
                    + ": the key is encrypted; store it unencrypted (PKCS#8) with: " + convert
                    + " and protect the file by its permissions");
            default -> throw new PemException(file + ": \"BEGIN " + block.group(1)
                    + "\" is not a private key; expected \"BEGIN PRIVATE KEY\"");
        }
        String algorithm = certificate.getPublicKey().getAlgorithm();
        PrivateKey key;
        try {
            byte[] der = Base64.getMimeDecoder().decode(block.group(2));
            key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new PemException(file + ": not a PKCS#8 " + algorithm + " private key (the certificate's key type): "
                    + e.getMessage());
        }
        requireMatch(file, key, certificate);
        return key;
    }

    /** A key manager presenting {@code chain} with {@code key}. */
    static X509ExtendedKeyManager keyManager(List<X509Certificate> chain, PrivateKey key)
            throws GeneralSecurityException {
        char[] noPassword = new char[0];
        KeyStore store = emptyStore();
        store.setKeyEntry("server", key, noPassword, chain.toArray(new Certificate[0]));
        // SunX509 keeps the key store's alias, which ReloadingKeyManager asks for.
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance("SunX509");
        keyManagers.init(store, noPassword);
        return (X509ExtendedKeyManager) keyManagers.getKeyManagers()[0];
    }

    /** Trust managers that accept certificates issued by the CAs of {@code caFile}. */
    static TrustManager[] trustManagers(Path caFile) throws PemException, GeneralSecurityException {
        List<X509Certificate> authorities = certificateChain(caFile);
        KeyStore store = emptyStore();
        for (int i = 0; i < authorities.size(); i++) {
            store.setCertificateEntry("ca-" + i, authorities.get(i));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        return trust.getTrustManagers();
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot create an in-memory key store", e);
        }
        return store;
    }

    /** A key of another certificate would only fail in the TLS handshake, with a message no one connects to it. */
    private static void requireMatch(Path file, PrivateKey key, X509Certificate certificate) throws PemException {
        String algorithm = PROOF_SIGNATURES.get(key.getAlgorithm());
        if (algorithm == null) {
            return;
        }
        try {
            byte[] challenge = "exchange-vss-exporter key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            if (!verifier.verify(signature)) {
                throw new PemException(file + ": the private key does not belong to the certificate "
                        + certificate.getSubjectX500Principal());
            }
        } catch (GeneralSecurityException e) {
            throw new PemException(file + ": cannot check the key against the certificate: " + e.getMessage());
        }
    }

    private static byte[] read(Path file) throws PemException {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new PemException(file + ": cannot read: " + e);
        }
    }
}
