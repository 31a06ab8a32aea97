package dev.rampart.server.delivery;

import dev.rampart.policy.sts.fetch.PkixPeerCheck;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The session trust manager of an enforced PKIX plan (MTA-STS {@code enforce}, STS-18): refuses exactly
 * what {@link PkixPeerCheck} refuses, and remembers why, so that the deferral names the precise reason
 * ({@code MTA-STS enforce: certificate names [a.example] do not match mx.example.org}) rather than the
 * TLS engine's generic handshake alert. Serves one session (like the DANE verifier): build one per
 * connection. Thread-safe.
 */
final class PkixSessionCheck extends X509ExtendedTrustManager {
    private final PkixPeerCheck check;
    private final String policyName;
    private final AtomicReference<PkixPeerCheck.Refusal> refusal = new AtomicReference<>();

    /**
     * @param check      the stateless WebPKI check (anchors and reference identifiers)
     * @param policyName what demanded it, for reasons: "MTA-STS enforce"
     */
    PkixSessionCheck(PkixPeerCheck check, String policyName) {
        this.check = Objects.requireNonNull(check);
        this.policyName = Objects.requireNonNull(policyName);
    }

    String policyName() {
        return policyName;
    }

    /** Why the peer's chain was refused in this session; empty if it was not (or not yet) checked or passed. */
    Optional<PkixPeerCheck.Refusal> refusal() {
        return Optional.ofNullable(refusal.get());
    }

    private void verify(X509Certificate[] chain, String authType) throws CertificateException {
        Optional<PkixPeerCheck.Refusal> problem = check.refusal(chain, authType);
        if (problem.isPresent()) {
            refusal.set(problem.get());
            throw new CertificateException(problem.get().reason());
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verify(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        verify(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        verify(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("not used for client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("not used for client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("not used for client certificates");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
