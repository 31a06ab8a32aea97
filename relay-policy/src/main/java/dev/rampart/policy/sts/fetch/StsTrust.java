package dev.rampart.policy.sts.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The trust the policy fetch uses (STS-06): the JDK's root certificates plus the relay's
 * {@code tls.trust-store} CAs, PKIX path validation, and no revocation checking (STS-22: allowed, off by
 * default, because a soft-failing OCSP lookup adds latency and protects nothing). Immutable, thread-safe.
 */
public final class StsTrust {
    private final SSLContext context;
    private final X509TrustManager trustManager;

    private StsTrust(SSLContext context, X509TrustManager trustManager) {
        this.context = context;
        this.trustManager = trustManager;
    }

    /**
     * @param extraAnchors CAs to trust besides the JDK roots (may be empty)
     * @param includeJdkRoots false to trust only {@code extraAnchors}
     * @throws GeneralSecurityException when no anchor is left or the JDK trust store cannot be read
     */
    public static StsTrust of(List<X509Certificate> extraAnchors, boolean includeJdkRoots)
            throws GeneralSecurityException {
        Set<TrustAnchor> anchors = new HashSet<>();
        if (includeJdkRoots) {
            TrustManagerFactory jdk = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            jdk.init((KeyStore) null);
            for (TrustManager tm : jdk.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    for (X509Certificate root : x.getAcceptedIssuers()) {
                        anchors.add(new TrustAnchor(root, null));
                    }
                }
            }
        }
        for (X509Certificate ca : extraAnchors) {
            anchors.add(new TrustAnchor(ca, null));
        }
        if (anchors.isEmpty()) {
            throw new GeneralSecurityException("no trust anchors for the MTA-STS policy fetch");
        }
        PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, null);
        params.setRevocationEnabled(false);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(new CertPathTrustManagerParameters(params));
        X509TrustManager x509 = null;
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                x509 = x;
            }
        }
        if (x509 == null) {
            throw new GeneralSecurityException("the PKIX trust manager factory offers no X.509 trust manager");
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {x509}, null);
        return new StsTrust(ctx, x509);
    }

    /** Reads every certificate of a PEM bundle (the format of {@code tls.trust-store}). */
    public static List<X509Certificate> readPem(Path bundle) throws IOException {
        try (InputStream in = Files.newInputStream(bundle)) {
            Collection<? extends Certificate> certs =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            List<X509Certificate> out = new ArrayList<>();
            for (var c : certs) {
                out.add((X509Certificate) c);
            }
            return List.copyOf(out);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read certificates from " + bundle.getFileName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The same anchors for other PKIX checks: the MX certificate under MTA-STS (STS-18) and the manual
     * {@code secure} level, so that {@code tls.trust-store} means one thing everywhere. The name check is
     * the caller's (this checks the chain only).
     */
    public X509TrustManager trustManager() {
        return trustManager;
    }

    /** A TLS client context over these anchors (policy fetches, TLS-RPT HTTPS reports). */
    public SSLContext context() {
        return context;
    }
}
