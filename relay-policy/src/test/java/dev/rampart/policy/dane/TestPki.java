package dev.rampart.policy.dane;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v1CertificateBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v1CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Test certificates: EC P-256 keys, certificates with exactly the fields a DANE case needs. */
final class TestPki {
    /** The instant the DANE-TA checks of the tests run at. */
    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    private static final AtomicLong SERIAL = new AtomicLong(1000);

    private TestPki() {}

    /** A certificate and the key pair of its subject. */
    record Issued(X509Certificate cert, KeyPair keys) {
        X500Principal name() {
            return cert.getSubjectX500Principal();
        }
    }

    static KeyPair newKey() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair newRsaKey() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A version 1 certificate (no extensions, no explicit version field in the DER). */
    static Issued v1SelfSigned(String subjectDn) {
        KeyPair keys = newKey();
        try {
            X500Principal name = new X500Principal(subjectDn);
            X509v1CertificateBuilder b = new JcaX509v1CertificateBuilder(name,
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(NOW.minus(Duration.ofDays(1))),
                    Date.from(NOW.plus(Duration.ofDays(1))), name, keys.getPublic());
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate());
            return new Issued(new JcaX509CertificateConverter().getCertificate(b.build(signer)), keys);
        } catch (Exception e) {
            throw new IllegalStateException("test certificate " + subjectDn, e);
        }
    }

    static Spec cert(String subjectDn) {
        return new Spec(subjectDn);
    }

    /** What to put in one certificate; unset fields get sensible defaults (valid around {@link #NOW}). */
    static final class Spec {
        private final String subject;
        private final List<String> dnsNames = new ArrayList<>();
        private KeyPair keys = newKey();
        private Instant notBefore = NOW.minus(Duration.ofDays(30));
        private Instant notAfter = NOW.plus(Duration.ofDays(30));
        private boolean ca;
        private int pathLen = -1;

        private Spec(String subject) {
            this.subject = subject;
        }

        Spec san(String... names) {
            dnsNames.addAll(List.of(names));
            return this;
        }

        Spec ca() {
            this.ca = true;
            return this;
        }

        Spec ca(int pathLen) {
            this.ca = true;
            this.pathLen = pathLen;
            return this;
        }

        Spec keys(KeyPair keys) {
            this.keys = keys;
            return this;
        }

        Spec validity(Instant from, Instant to) {
            this.notBefore = from;
            this.notAfter = to;
            return this;
        }

        Spec expired() {
            return validity(NOW.minus(Duration.ofDays(60)), NOW.minus(Duration.ofDays(1)));
        }

        Issued selfSigned() {
            return new Issued(build(new X500Principal(subject), keys.getPrivate()), keys);
        }

        Issued signedBy(Issued issuer) {
            return new Issued(build(issuer.name(), issuer.keys().getPrivate()), keys);
        }

        /** Names {@code issuer} as issuer but signs with another key: the signature cannot verify. */
        Issued forgedAs(Issued issuer) {
            return new Issued(build(issuer.name(), newKey().getPrivate()), keys);
        }

        private X509Certificate build(X500Principal issuer, PrivateKey signingKey) {
            try {
                X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer,
                        BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter),
                        new X500Principal(subject), keys.getPublic());
                if (ca) {
                    b.addExtension(Extension.basicConstraints, true,
                            pathLen >= 0 ? new BasicConstraints(pathLen) : new BasicConstraints(true));
                    b.addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
                }
                if (!dnsNames.isEmpty()) {
                    GeneralName[] names = dnsNames.stream()
                            .map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new);
                    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
                }
                String algorithm = signingKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
                ContentSigner signer = new JcaContentSignerBuilder(algorithm).build(signingKey);
                return new JcaX509CertificateConverter().getCertificate(b.build(signer));
            } catch (Exception e) {
                throw new IllegalStateException("test certificate " + subject, e);
            }
        }
    }
}
