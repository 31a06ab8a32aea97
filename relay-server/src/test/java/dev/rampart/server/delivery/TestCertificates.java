package dev.rampart.server.delivery;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Server certificates for the fake SMTP server (BouncyCastle, test scope only). */
public final class TestCertificates {
    private TestCertificates() {}

    public record ServerCert(X509Certificate certificate, SSLContext serverContext) {}

    /** A leaf issued by its own CA; the server presents [leaf, ca]. */
    public record IssuedCert(X509Certificate leaf, X509Certificate ca, SSLContext serverContext) {}

    public static IssuedCert issued(String dnsName, String caName) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(256);
            KeyPair caKeys = g.generateKeyPair();
            KeyPair leafKeys = g.generateKeyPair();
            Instant now = Instant.now();
            X500Name caSubject = new X500Name("CN=" + caName);
            JcaX509v3CertificateBuilder cb = new JcaX509v3CertificateBuilder(caSubject,
                    BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(Duration.ofDays(30))), caSubject, caKeys.getPublic());
            cb.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            cb.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            X509Certificate ca = new JcaX509CertificateConverter()
                    .getCertificate(cb.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
            JcaX509v3CertificateBuilder lb = new JcaX509v3CertificateBuilder(caSubject,
                    BigInteger.valueOf(now.toEpochMilli() + 1), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(Duration.ofDays(30))), new X500Name("CN=" + dnsName), leafKeys.getPublic());
            lb.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
            X509Certificate leaf = new JcaX509CertificateConverter()
                    .getCertificate(lb.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("server", leafKeys.getPrivate(), "pw".toCharArray(), new X509Certificate[] {leaf, ca});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, "pw".toCharArray());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return new IssuedCert(leaf, ca, ctx);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static ServerCert selfSigned(String dnsName) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(256);
            KeyPair kp = g.generateKeyPair();
            X500Name subject = new X500Name("CN=" + dnsName);
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject,
                    BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(Duration.ofDays(30))), subject, kp.getPublic());
            b.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
            X509Certificate cert = new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("server", kp.getPrivate(), "pw".toCharArray(), new X509Certificate[] {cert});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, "pw".toCharArray());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return new ServerCert(cert, ctx);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
