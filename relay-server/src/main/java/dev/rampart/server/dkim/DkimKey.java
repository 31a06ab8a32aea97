package dev.rampart.server.dkim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;

/**
 * A DKIM signing key for one domain and selector: RSA (rsa-sha256, RFC 6376; at least 1024 bits, 2048
 * recommended) or Ed25519 (ed25519-sha256, RFC 8463). Read from an unencrypted PKCS#8 PEM file
 * ({@code -----BEGIN PRIVATE KEY-----}, what {@code openssl genpkey} and OpenSSL 3's {@code genrsa} write).
 * The key material is never logged or printed: {@link #toString} names the domain, selector and algorithm only.
 * Immutable.
 */
public final class DkimKey {
    /** The {@code a=} tag value. */
    public enum Algorithm {
        RSA_SHA256("rsa-sha256"),
        ED25519_SHA256("ed25519-sha256");

        private final String tag;

        Algorithm(String tag) {
            this.tag = tag;
        }

        public String tag() {
            return tag;
        }
    }

    private final String domain;
    private final String selector;
    private final PrivateKey key;
    private final Algorithm algorithm;

    public DkimKey(String domain, String selector, PrivateKey key) {
        this.domain = Objects.requireNonNull(domain).toLowerCase(Locale.ROOT);
        this.selector = Objects.requireNonNull(selector);
        this.key = Objects.requireNonNull(key);
        this.algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> Algorithm.RSA_SHA256;
            case "Ed25519", "EdDSA" -> Algorithm.ED25519_SHA256;
            default -> throw new IllegalArgumentException("DKIM keys are RSA or Ed25519, not " + key.getAlgorithm());
        };
        if (key instanceof RSAPrivateCrtKey rsa && rsa.getModulus().bitLength() < 1024) {
            throw new IllegalArgumentException("an RSA DKIM key needs at least 1024 bits (RFC 8301), this one has "
                    + rsa.getModulus().bitLength());
        }
        if (!selector.matches("[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*")) {
            throw new IllegalArgumentException("not a valid DKIM selector: '" + selector + "'");
        }
    }

    /**
     * Reads a PKCS#8 PEM private key. Errors name the file, never its content.
     *
     * @throws IOException unreadable file, not PEM, or not an RSA/Ed25519 PKCS#8 key
     */
    public static DkimKey read(String domain, String selector, Path pem) throws IOException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        if (text.contains("BEGIN RSA PRIVATE KEY")) {
            throw new IOException(pem.getFileName() + ": a PKCS#1 RSA key; convert it with"
                    + " 'openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8'");
        }
        if (text.contains("BEGIN ENCRYPTED PRIVATE KEY")) {
            throw new IOException(pem.getFileName() + ": an encrypted key; DKIM keys must be unencrypted PKCS#8");
        }
        int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = text.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new IOException(pem.getFileName() + ": no '-----BEGIN PRIVATE KEY-----' block");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(begin + 27, end));
        } catch (IllegalArgumentException e) {
            throw new IOException(pem.getFileName() + ": the PEM block is not valid base64");
        }
        for (String algorithm : new String[] {"RSA", "Ed25519"}) {
            try {
                return new DkimKey(domain, selector, KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der)));
            } catch (GeneralSecurityException | ClassCastException e) {
                // try the next algorithm
            } catch (IllegalArgumentException e) {
                throw new IOException(pem.getFileName() + ": " + e.getMessage());
            }
        }
        throw new IOException(pem.getFileName() + ": not an RSA or Ed25519 PKCS#8 private key");
    }

    public String domain() {
        return domain;
    }

    public String selector() {
        return selector;
    }

    public Algorithm algorithm() {
        return algorithm;
    }

    PrivateKey privateKey() {
        return key;
    }

    @Override
    public String toString() {
        return "DkimKey[d=" + domain + ", s=" + selector + ", a=" + algorithm.tag() + "]";
    }
}
