package dev.rampart.policy.sts.fetch;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A test CA and the server certificates it issues, valid around the real current time because the JDK's
 * TLS stack checks validity against the system clock.
 */
final class StsTestPki {
    private static final AtomicLong SERIAL = new AtomicLong(5000);

    record Issued(X509Certificate cert, KeyPair keys, X509Certificate issuer) {}

    private StsTestPki() {}

    static Issued ca(String name) {
        KeyPair keys = newKey();
        X509Certificate cert = build("CN=" + name, "CN=" + name, keys, keys.getPrivate(), true, new String[0],
                Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)));
        return new Issued(cert, keys, cert);
    }

    static Issued server(Issued ca, String cn, String... sans) {
        return server(ca, cn, Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)), sans);
    }

    static Issued server(Issued ca, String cn, Instant notBefore, Instant notAfter, String... sans) {
        KeyPair keys = newKey();
        X509Certificate cert = build("CN=" + cn, ca.cert().getSubjectX500Principal().getName(), keys,
                ca.keys().getPrivate(), false, sans, notBefore, notAfter);
        return new Issued(cert, keys, ca.cert());
    }

    /** A server-side TLS context presenting {@code leaf} and its issuer. */
    static SSLContext serverContext(Issued leaf) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", leaf.keys().getPrivate(), new char[0],
                new X509Certificate[] {leaf.cert(), leaf.issuer()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    private static KeyPair newKey() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate build(String subject, String issuer, KeyPair keys, PrivateKey signer, boolean ca,
                                         String[] sans, Instant notBefore, Instant notAfter) {
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Principal(issuer),
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter),
                    new X500Principal(subject), keys.getPublic());
            if (ca) {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            }
            if (sans.length > 0) {
                GeneralName[] names = new GeneralName[sans.length];
                for (int i = 0; i < sans.length; i++) {
                    names[i] = new GeneralName(GeneralName.dNSName, sans[i]);
                }
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            }
            return new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
        } catch (Exception e) {
            throw new IllegalStateException("test certificate " + subject, e);
        }
    }
}
