package dev.rampart.server.dkim;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Signs a message with DKIM (RFC 6376; Ed25519 per RFC 8463): relaxed/relaxed canonicalization, SHA-256,
 * no {@code l=} (REP-11), a timestamp {@code t=}. The signed header fields are those of
 * {@link #SIGNED_HEADERS} present in the message, each occurrence from the bottom up as §5.4.2 says, and
 * {@code From} always; the TLS-RPT headers are in the list (REP-11 [S]). The result is one
 * {@code DKIM-Signature} field, folded, to put in front of the message.
 *
 * <p>Thread-safe (no state beyond the immutable key); signing one message is CPU work only.
 */
public final class DkimSigner {
    /** What is signed when present, in this order. */
    public static final List<String> SIGNED_HEADERS = List.of("from", "to", "cc", "subject", "date", "message-id",
            "reply-to", "in-reply-to", "references", "mime-version", "content-type", "content-transfer-encoding",
            "tls-report-domain", "tls-report-submitter", "auto-submitted", "tls-required");

    /** Header sections longer than this are not signed (RFC 5322 puts no limit; real ones are far smaller). */
    public static final int MAX_HEADER = 512 * 1024;

    private final DkimKey key;

    public DkimSigner(DkimKey key) {
        this.key = Objects.requireNonNull(key);
    }

    public DkimKey key() {
        return key;
    }

    /**
     * The {@code DKIM-Signature: ...} field (with CRLF) for {@code message}: header, empty line, body, CRLF
     * line ends.
     *
     * @throws IllegalArgumentException when the message has no header/body separator or no From field
     */
    public String sign(byte[] message, Instant now) {
        try {
            return sign(new java.io.ByteArrayInputStream(message), now);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The same, reading the message as a stream: the header is read into memory (at most
     * {@link #MAX_HEADER} bytes), the body only hashed.
     *
     * @throws IllegalArgumentException no header/body separator within the limit, or no From field
     * @throws java.io.IOException      reading the stream failed
     */
    public String sign(java.io.InputStream message, Instant now) throws java.io.IOException {
        java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
        int state = 0; // how much of CR LF CR LF has been seen
        while (state < 4) {
            int c = message.read();
            if (c < 0 || head.size() >= MAX_HEADER) {
                throw new IllegalArgumentException("message has no empty line between header and body within "
                        + MAX_HEADER + " bytes");
            }
            head.write(c);
            state = switch (state) {
                case 0, 2 -> c == '\r' ? state + 1 : 0;
                case 1, 3 -> c == '\n' ? state + 1 : (c == '\r' ? 1 : 0);
                default -> throw new IllegalStateException();
            };
        }
        byte[] headBytes = head.toByteArray();
        List<String> fields = headerFields(DkimCanonicalizer.ascii(
                java.util.Arrays.copyOfRange(headBytes, 0, headBytes.length - 4)));
        RelaxedBodyHash hash = new RelaxedBodyHash();
        byte[] buffer = new byte[65536];
        for (int n; (n = message.read(buffer)) > 0; ) {
            hash.update(buffer, 0, n);
        }
        byte[] bodyHash = hash.digest();

        // Occurrences by name, bottom-most first (RFC 6376 §5.4.2).
        Map<String, List<String>> byName = new HashMap<>();
        for (int i = fields.size() - 1; i >= 0; i--) {
            String f = fields.get(i);
            byName.computeIfAbsent(nameOf(f), n -> new ArrayList<>()).add(f);
        }
        if (!byName.containsKey("from")) {
            throw new IllegalArgumentException("a message to be DKIM-signed needs a From field");
        }
        List<String> signedNames = new ArrayList<>();
        StringBuilder signedData = new StringBuilder();
        for (String name : SIGNED_HEADERS) {
            for (String f : byName.getOrDefault(name, List.of())) {
                signedNames.add(name);
                signedData.append(DkimCanonicalizer.header(f)).append("\r\n");
            }
        }
        String tags = "v=1; a=" + key.algorithm().tag() + "; c=relaxed/relaxed; d=" + key.domain() + "; s="
                + key.selector() + "; t=" + now.getEpochSecond() + "; h=" + String.join(":", signedNames) + "; bh="
                + Base64.getEncoder().encodeToString(bodyHash) + "; b=";
        String unsigned = "DKIM-Signature: " + tags;
        signedData.append(DkimCanonicalizer.header(unsigned));
        String b = Base64.getEncoder().encodeToString(signature(signedData.toString().getBytes(StandardCharsets.ISO_8859_1)));
        return fold("DKIM-Signature: " + tags, b);
    }

    private byte[] signature(byte[] data) {
        try {
            return switch (key.algorithm()) {
                case RSA_SHA256 -> {
                    Signature s = Signature.getInstance("SHA256withRSA");
                    s.initSign(key.privateKey());
                    s.update(data);
                    yield s.sign();
                }
                case ED25519_SHA256 -> {
                    // RFC 8463 §3: PureEdDSA over the SHA-256 hash of the data, not over the data itself.
                    Signature s = Signature.getInstance("Ed25519");
                    s.initSign(key.privateKey());
                    s.update(sha256(data));
                    yield s.sign();
                }
            };
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("DKIM signing with " + key + " failed: " + e.getMessage(), e);
        }
    }

    /** Folds at tag boundaries and inside the long base64 values, lines under 78 characters. */
    static String fold(String tags, String b) {
        StringBuilder out = new StringBuilder();
        int lineLength = 0;
        for (String part : tags.split("(?<=; )")) {
            if (lineLength > 0 && lineLength + part.length() > 76) {
                out.append("\r\n\t");
                lineLength = 1;
            }
            out.append(part);
            lineLength += part.length();
        }
        String rest = b;
        while (!rest.isEmpty()) {
            int room = Math.max(8, 76 - lineLength);
            if (lineLength >= 70) {
                out.append("\r\n\t");
                lineLength = 1;
                room = 75;
            }
            int n = Math.min(room, rest.length());
            out.append(rest, 0, n);
            lineLength += n;
            rest = rest.substring(n);
        }
        return out.append("\r\n").toString();
    }

    /** Header fields with their continuation lines, without the final CRLF. */
    static List<String> headerFields(String header) {
        List<String> fields = new ArrayList<>();
        for (String line : header.split("\r\n", -1)) {
            if ((line.startsWith(" ") || line.startsWith("\t")) && !fields.isEmpty()) {
                fields.set(fields.size() - 1, fields.getLast() + "\r\n" + line);
            } else if (!line.isEmpty()) {
                fields.add(line);
            }
        }
        return fields;
    }

    private static String nameOf(String field) {
        int colon = field.indexOf(':');
        return (colon < 0 ? field : field.substring(0, colon)).strip().toLowerCase(Locale.ROOT);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The DNS TXT record value to publish at {@code <selector>._domainkey.<domain>} for a public key. */
    public static String dnsRecord(java.security.PublicKey publicKey) {
        return switch (publicKey.getAlgorithm()) {
            case "RSA" -> "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(publicKey.getEncoded());
            case "Ed25519", "EdDSA" -> {
                byte[] spki = publicKey.getEncoded();
                // The raw 32-byte key is the tail of the SubjectPublicKeyInfo (RFC 8463 §4.2).
                yield "v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(
                        java.util.Arrays.copyOfRange(spki, spki.length - 32, spki.length));
            }
            default -> throw new IllegalArgumentException("no DKIM record for " + publicKey.getAlgorithm() + " keys");
        };
    }
}
