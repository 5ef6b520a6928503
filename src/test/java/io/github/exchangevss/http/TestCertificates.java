package io.github.exchangevss.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Self-signed certificates for 127.0.0.1 and localhost, made by the openssl command line tool. */
final class TestCertificates {
    /** @param certFile PEM certificate; @param keyFile PEM key in the format asked for */
    record Pair(Path certFile, Path keyFile) {}

    private TestCertificates() {}

    /** A certificate with a PKCS#8 key of {@code keyType}, "rsa" or "ec". */
    static Pair selfSigned(Path dir, String keyType) throws IOException, InterruptedException {
        Path cert = dir.resolve(keyType + "-cert.pem");
        Path key = dir.resolve(keyType + "-key.pem");
        List<String> command = new ArrayList<>(List.of("openssl", "req", "-x509", "-nodes", "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout", key.toString(), "-out", cert.toString()));
        command.addAll(keyType.equals("ec")
                ? List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1")
                : List.of("-newkey", "rsa:2048"));
        openssl(command);
        return new Pair(cert, key);
    }

    /** The same RSA key written in the traditional PKCS#1 format ("BEGIN RSA PRIVATE KEY"). */
    static Path pkcs1(Path pkcs8RsaKey) throws IOException, InterruptedException {
        Path out = pkcs8RsaKey.resolveSibling("pkcs1-key.pem");
        openssl(List.of("openssl", "rsa", "-traditional", "-in", pkcs8RsaKey.toString(), "-out", out.toString()));
        return out;
    }

    private static void openssl(List<String> command) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("openssl is not available to make test certificates: " + e.getMessage());
            return;
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }
}
