package dev.rampart.server.smtp.auth;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Salted PBKDF2-HMAC-SHA256 password hashes in the users-file format
 * {@code $pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>}. Thread-safe.
 *
 * <p>Verification compares in constant time ({@link MessageDigest#isEqual}). Hashing is deliberately slow
 * (default {@value #DEFAULT_ITERATIONS} iterations, the OWASP 2023 figure), so callers must keep it off
 * event loops. Passwords are taken as {@code char[]} so callers can wipe them; they are never logged.
 */
public final class PasswordHasher {
    public static final int DEFAULT_ITERATIONS = 600_000;
    static final String PREFIX = "$pbkdf2-sha256$";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final int iterations;

    public PasswordHasher() {
        this(DEFAULT_ITERATIONS);
    }

    /** @param iterations PBKDF2 rounds for new hashes (≥ 1000) */
    public PasswordHasher(int iterations) {
        if (iterations < 1000) {
            throw new IllegalArgumentException("too few PBKDF2 iterations: " + iterations);
        }
        this.iterations = iterations;
    }

    /** A new encoded hash of {@code password} with a fresh random salt. */
    public String hash(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] hash = pbkdf2(password, salt, iterations, HASH_BYTES);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return PREFIX + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    /** A complete users-file line {@code user:$pbkdf2-sha256$...}; the CLI prints this. */
    public String userLine(String user, char[] password) {
        if (!validUserName(user)) {
            throw new IllegalArgumentException("user names are 1-256 printable characters without ':' or spaces");
        }
        return user + ":" + hash(password);
    }

    static boolean validUserName(String user) {
        if (user.isEmpty() || user.length() > 256) {
            return false;
        }
        return user.codePoints().allMatch(c -> c > 32 && c != ':' && c != 127 && !Character.isISOControl(c));
    }

    /** A parsed encoded hash. */
    record Encoded(int iterations, byte[] salt, byte[] hash) {
        boolean matches(char[] password) {
            byte[] candidate = pbkdf2(password, salt, iterations, hash.length);
            return MessageDigest.isEqual(candidate, hash);
        }
    }

    /** Parses an encoded hash; empty when it is not in the expected format. */
    static Optional<Encoded> parse(String encoded) {
        if (!encoded.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String[] parts = encoded.substring(PREFIX.length()).split("\\$", -1);
        if (parts.length != 3 || !parts[0].matches("\\d{4,9}")) {
            return Optional.empty();
        }
        try {
            byte[] salt = Base64.getDecoder().decode(parts[1]);
            byte[] hash = Base64.getDecoder().decode(parts[2]);
            if (salt.length < 8 || hash.length < 16) {
                return Optional.empty();
            }
            return Optional.of(new Encoded(Integer.parseInt(parts[0]), salt, hash));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Checks {@code password} against an encoded hash; false for a malformed hash. */
    public static boolean verify(String encoded, char[] password) {
        return parse(encoded).map(e -> e.matches(password)).orElse(false);
    }

    static byte[] pbkdf2(char[] password, byte[] salt, int iterations, int bytes) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, bytes * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable", e);
        } finally {
            spec.clearPassword();
        }
    }

    /** Decodes SASL octets (UTF-8) into a wipeable char array. */
    static char[] chars(byte[] utf8) {
        CharBuffer decoded = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(utf8));
        char[] exact = new char[decoded.remaining()];
        decoded.get(exact);
        Arrays.fill(decoded.array(), '\0');
        return exact;
    }
}
