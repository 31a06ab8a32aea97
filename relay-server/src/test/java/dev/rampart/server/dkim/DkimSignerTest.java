package dev.rampart.server.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * REP-11: DKIM signatures that a real verifier accepts. The verifier is dkimpy (Debian python3-dkim), fed
 * the public key directly instead of DNS; the end-to-end test (TlsRptIT) does the same with the key from DNS.
 */
class DkimSignerTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final Instant NOW = Instant.parse("2026-11-21T04:00:00Z");
    private static KeyPair rsa;
    private static KeyPair ed25519;

    @TempDir
    Path dir;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        rsa = g.generateKeyPair();
        ed25519 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    static byte[] message(String body) {
        return ("From: TLS reports <tlsrpt@relay.example>\r\n"
                + "To: reports@example.net\r\n"
                + "Subject: Report Domain: example.net Submitter: relay.example\r\n"
                + "  Report-ID: <2026-11-21.x@relay.example>\r\n"
                + "Date: Sat, 21 Nov 2026 04:00:00 +0000\r\n"
                + "TLS-Report-Domain: example.net\r\n"
                + "TLS-Report-Submitter: relay.example\r\n"
                + "X-Not-Signed: whatever\r\n"
                + "\r\n" + body).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void rep11_rsaSha256IsAcceptedByDkimpy() throws Exception {
        DkimSigner signer = new DkimSigner(new DkimKey("relay.example", "rsa2026", rsa.getPrivate()));
        byte[] m = message("Hello  world \t\r\nsecond line\r\n\r\n\r\n");
        assertThat(verify(signer.sign(m, NOW), m, DkimSigner.dnsRecord(rsa.getPublic()))).isEqualTo("pass");
    }

    @Test
    void rep11_ed25519Sha256IsAcceptedByDkimpy() throws Exception {
        DkimSigner signer = new DkimSigner(new DkimKey("relay.example", "ed2026", ed25519.getPrivate()));
        byte[] m = message("Body with 8-bit: \u00e9t\u00e9\r\n");
        assertThat(verify(signer.sign(m, NOW), m, DkimSigner.dnsRecord(ed25519.getPublic()))).isEqualTo("pass");
    }

    @Test
    void aChangedBodyOrSignedHeaderFailsVerification() throws Exception {
        DkimSigner signer = new DkimSigner(new DkimKey("relay.example", "rsa2026", rsa.getPrivate()));
        byte[] m = message("original\r\n");
        String sig = signer.sign(m, NOW);
        assertThat(verify(sig, message("changed\r\n"), DkimSigner.dnsRecord(rsa.getPublic()))).isEqualTo("fail");
        byte[] otherSubject = new String(m, StandardCharsets.UTF_8).replace("Submitter: relay", "Submitter: other")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(verify(sig, otherSubject, DkimSigner.dnsRecord(rsa.getPublic()))).isEqualTo("fail");
        // Unsigned fields may change.
        byte[] otherUnsigned = new String(m, StandardCharsets.UTF_8).replace("whatever", "changed")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(verify(sig, otherUnsigned, DkimSigner.dnsRecord(rsa.getPublic()))).isEqualTo("pass");
    }

    @Test
    void rep11_signatureHasNoLengthTagAndCoversTheReportHeaders() {
        DkimSigner signer = new DkimSigner(new DkimKey("Relay.Example", "ed2026", ed25519.getPrivate()));
        String sig = signer.sign(message("x\r\n"), NOW).replace("\r\n\t", "");
        assertThat(sig).startsWith("DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=relay.example; s=ed2026; t=")
                .contains("h=from:to:subject:date:tls-report-domain:tls-report-submitter;")
                .doesNotContain("; l=").doesNotContain("x-not-signed");
        for (String line : signer.sign(message("x\r\n"), NOW).split("\r\n")) {
            assertThat(line.length()).isLessThan(200);
        }
    }

    @Test
    void relaxedBodyCanonicalization() throws Exception {
        assertThat(bodyHash("a  b \t\r\n\r\n c\r\n \r\n\r\n")).isEqualTo(sha256("a b\r\n\r\n c\r\n"));
        assertThat(bodyHash("")).isEqualTo(sha256(""));
        assertThat(bodyHash("\r\n\r\n")).isEqualTo(sha256(""));
        assertThat(bodyHash("no newline")).isEqualTo(sha256("no newline\r\n"));
        assertThat(bodyHash("bare\rCR\r\n")).isEqualTo(sha256("bare\rCR\r\n"));
        // Streaming: the result does not depend on how the body is cut into chunks.
        String body = "x \t y\r\n\r\n\r\nz  \r\n\r\n";
        RelaxedBodyHash oneByOne = new RelaxedBodyHash();
        for (byte b : body.getBytes(StandardCharsets.US_ASCII)) {
            oneByOne.update(new byte[] {b}, 0, 1);
        }
        assertThat(oneByOne.digest()).isEqualTo(bodyHash(body));
    }

    private static byte[] bodyHash(String body) {
        RelaxedBodyHash h = new RelaxedBodyHash();
        byte[] b = body.getBytes(StandardCharsets.US_ASCII);
        h.update(b, 0, b.length);
        return h.digest();
    }

    private static byte[] sha256(String s) throws Exception {
        return java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void relaxedHeaderCanonicalization() {
        assertThat(DkimCanonicalizer.header("SubJect :  a  b\r\n\t c  ")).isEqualTo("subject:a b c");
    }

    @Test
    void keysAreReadFromPkcs8PemAndBadFilesGetClearErrors() throws Exception {
        Path good = dir.resolve("ed.pem");
        Files.writeString(good, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(ed25519.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        DkimKey key = DkimKey.read("relay.example", "ed2026", good);
        assertThat(key.algorithm()).isEqualTo(DkimKey.Algorithm.ED25519_SHA256);
        assertThat(key.toString()).isEqualTo("DkimKey[d=relay.example, s=ed2026, a=ed25519-sha256]");

        Path pkcs1 = dir.resolve("old.pem");
        Files.writeString(pkcs1, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        assertThatThrownBy(() -> DkimKey.read("relay.example", "s", pkcs1)).isInstanceOf(IOException.class)
                .hasMessageContaining("openssl pkcs8 -topk8").hasMessageNotContaining("AAAA");
        Path junk = dir.resolve("junk.pem");
        Files.writeString(junk, "-----BEGIN PRIVATE KEY-----\nAAAAAAAA\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> DkimKey.read("relay.example", "s", junk)).hasMessage("junk.pem: not an RSA or Ed25519 PKCS#8 private key");
        assertThatThrownBy(() -> new DkimKey("relay.example", "bad selector", ed25519.getPrivate()))
                .hasMessageContaining("selector");
    }

    /** Runs dkimpy on signature + message with the key record given directly; returns pass or fail. */
    private String verify(String signature, byte[] message, String record) throws Exception {
        Path msg = dir.resolve("msg.eml");
        byte[] sig = signature.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[sig.length + message.length];
        System.arraycopy(sig, 0, all, 0, sig.length);
        System.arraycopy(message, 0, all, sig.length, message.length);
        Files.write(msg, all);
        Path rec = dir.resolve("record.txt");
        Files.writeString(rec, record);
        String script = """
                import sys, dkim
                record = open(sys.argv[2], 'rb').read()
                ok = dkim.verify(open(sys.argv[1], 'rb').read(), dnsfunc=lambda name, timeout=5: record)
                print('pass' if ok else 'fail')
                """;
        Process p = new ProcessBuilder(PYTHON, "-c", script, msg.toString(), rec.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(List.of("pass", "fail")).as("dkimpy output: " + out).contains(out);
        return out;
    }
}
