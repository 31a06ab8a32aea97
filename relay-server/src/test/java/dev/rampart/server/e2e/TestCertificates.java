package dev.rampart.server.e2e;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * EC P-256 certificates for test MX hosts, written as PEM files that Postfix (OpenSSL) reads: self-signed
 * server certificates, a test CA, and server certificates issued by that CA (the PEM then holds the leaf
 * followed by the CA, so the handshake presents the whole chain, as DANE-TA {@code 2 0 x} needs). Keys are
 * PKCS#8, readable by root only. Also the TLSA RDATA (RFC 6698 §2.1) that names a certificate. Stateless.
 */
final class TestCertificates {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    /** Where a certificate (and, after it, its issuers) and its key were written; {@code chain} excludes the leaf. */
    record PemFiles(Path cert, Path key, X509Certificate certificate, List<X509Certificate> chain) {
        PemFiles {
            chain = List.copyOf(chain);
        }
    }

    /** A test certificate authority: its self-signed certificate (also as a PEM file) and its signing key. */
    record Ca(String name, X509Certificate certificate, PrivateKey key, Path pem) {}

    private TestCertificates() {}

    static PemFiles selfSigned(String hostname, Path dir) throws IOException {
        try {
            KeyPair kp = keyPair();
            X500Name subject = new X500Name("CN=" + hostname);
            X509Certificate cert = sign(leafBuilder(subject, subject, hostname, kp), kp.getPrivate());
            return write(hostname, dir, cert, List.of(), kp.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot make a test certificate for " + hostname, e);
        }
    }

    /** A CA certificate (basicConstraints CA:true, keyCertSign) named {@code CN=<name>}, its PEM in {@code dir}. */
    static Ca ca(String name, Path dir) throws IOException {
        try {
            KeyPair kp = keyPair();
            X500Name subject = new X500Name("CN=" + name);
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(60))), subject,
                    kp.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            X509Certificate cert = sign(b, kp.getPrivate());
            Files.createDirectories(dir);
            Path pem = dir.resolve(name + ".ca.pem");
            Files.writeString(pem, pem(cert), StandardCharsets.US_ASCII);
            return new Ca(name, cert, kp.getPrivate(), pem);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot make a test CA " + name, e);
        }
    }

    /** A server certificate for {@code hostname} (SAN and CN) issued by {@code ca}; the PEM holds leaf then CA. */
    static PemFiles issued(String hostname, Ca ca, Path dir) throws IOException {
        return issued(List.of(hostname), ca, dir);
    }

    /**
     * A server certificate whose SAN lists every name of {@code hostnames} (as dNSNames, in order), CN and
     * file name the first; issued by {@code ca}, the PEM holds leaf then CA. For one receiver that answers
     * under several MX host names.
     */
    static PemFiles issued(List<String> hostnames, Ca ca, Path dir) throws IOException {
        String hostname = hostnames.get(0);
        try {
            KeyPair kp = keyPair();
            X509Certificate cert = sign(leafBuilder(new X500Name("CN=" + hostname),
                    X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded()), hostnames, kp), ca.key());
            cert.verify(ca.certificate().getPublicKey());
            return write(hostname, dir, cert, List.of(ca.certificate()), kp.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot issue a test certificate for " + hostname + " from " + ca.name(), e);
        }
    }

    /** TLSA RDATA "usage selector 1 hex" with a SHA-256 digest of the full certificate (0) or its SPKI (1). */
    static String tlsaSha256(int usage, int selector, X509Certificate cert) {
        try {
            byte[] data = switch (selector) {
                case 0 -> cert.getEncoded();
                case 1 -> cert.getPublicKey().getEncoded();
                default -> throw new IllegalArgumentException("TLSA selector is 0 or 1: " + selector);
            };
            return usage + " " + selector + " 1 " + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (CertificateEncodingException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash a test certificate", e);
        }
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }

    private static JcaX509v3CertificateBuilder leafBuilder(X500Name subject, X500Name issuer, String hostname, KeyPair kp)
            throws IOException {
        return leafBuilder(subject, issuer, List.of(hostname), kp);
    }

    private static JcaX509v3CertificateBuilder leafBuilder(X500Name subject, X500Name issuer, List<String> hostnames,
                                                           KeyPair kp) throws IOException {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, serial(),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))), subject, kp.getPublic());
        GeneralName[] names = hostnames.stream().map(h -> new GeneralName(GeneralName.dNSName, h))
                .toArray(GeneralName[]::new);
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        return b;
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder b, PrivateKey key)
            throws GeneralSecurityException, OperatorCreationException {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }

    private static PemFiles write(String hostname, Path dir, X509Certificate cert, List<X509Certificate> chain, PrivateKey key)
            throws IOException {
        Files.createDirectories(dir);
        Path certFile = dir.resolve(hostname + ".crt.pem");
        Path keyFile = dir.resolve(hostname + ".key.pem");
        StringBuilder pem = new StringBuilder(pem(cert));
        for (X509Certificate issuer : chain) {
            pem.append(pem(issuer));
        }
        Files.writeString(certFile, pem.toString(), StandardCharsets.US_ASCII);
        Files.writeString(keyFile, pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null)), StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        return new PemFiles(certFile, keyFile, cert, chain);
    }

    private static String pem(Object o) throws IOException {
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            w.writeObject(o);
        }
        return sw.toString();
    }
}
