package dev.rampart.policy.sts.fetch;

import dev.rampart.policy.dane.DaneNames;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The WebPKI check of an SMTP server certificate (MTA-STS STS-18, RFC 8461 §4.2; the manual
 * {@code secure} level): the chain must validate to one of the {@link StsTrust} anchors (the JDK roots
 * plus {@code tls.trust-store}), unexpired, and a SAN dNSName of the leaf must match one of the
 * reference identifiers; the subject CN is ignored and a wildcard covers exactly the leftmost label.
 * The same check serves enforcement (as the session's trust manager, failing the handshake) and
 * report-only audits ({@link #problem}, MTA-STS {@code testing}, STS-20, and shadow mode).
 *
 * <p>Immutable and thread-safe; it holds no per-session state, so one instance may serve many sessions.
 */
public final class PkixPeerCheck extends X509ExtendedTrustManager {
    private static final int DNS_NAME = 2;

    private final X509TrustManager chainTrust;
    private final List<String> referenceIds;

    /**
     * @param chainTrust   path validation ({@link StsTrust#trustManager()})
     * @param referenceIds names the leaf must carry (at least one), e.g. the MX host name under MTA-STS
     */
    public PkixPeerCheck(X509TrustManager chainTrust, List<String> referenceIds) {
        this.chainTrust = Objects.requireNonNull(chainTrust);
        this.referenceIds = referenceIds.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
        if (this.referenceIds.isEmpty()) {
            throw new IllegalArgumentException("a PKIX check needs at least one reference identifier");
        }
    }

    public List<String> referenceIds() {
        return referenceIds;
    }

    /** Why a chain was refused, in the terms TLS-RPT reports (RPT-06). */
    public enum Kind {
        /** No certificate, a chain that does not reach an anchor, a broken signature: certificate-not-trusted. */
        NOT_TRUSTED,
        /** The chain failed validation and a certificate in it is outside its validity period: certificate-expired. */
        EXPIRED,
        /** The chain is valid but no SAN dNSName matches: certificate-host-mismatch. */
        HOST_MISMATCH
    }

    /** A refused chain: its kind and a precise, loggable reason. */
    public record Refusal(Kind kind, String reason) {
        public Refusal {
            Objects.requireNonNull(kind);
            Objects.requireNonNull(reason);
        }
    }

    /** The refusal of {@code chain}, or empty when it passes. Never throws for a bad chain. */
    public Optional<Refusal> refusal(X509Certificate[] chain, String authType) {
        try {
            check(chain, authType);
            return Optional.empty();
        } catch (Refused e) {
            return Optional.of(e.refusal);
        } catch (CertificateException e) {
            return Optional.of(new Refusal(Kind.NOT_TRUSTED, String.valueOf(e.getMessage())));
        }
    }

    /**
     * Why the chain fails the check, or empty when it passes. For audits: never throws for a bad chain.
     * The reason is precise and loggable, e.g. {@code certificate names [a.example] do not match mx.example.org}.
     */
    public Optional<String> problem(X509Certificate[] chain, String authType) {
        try {
            check(chain, authType);
            return Optional.empty();
        } catch (CertificateException e) {
            return Optional.of(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    private void check(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new Refused(Kind.NOT_TRUSTED, "the server presented no certificate");
        }
        try {
            chainTrust.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            throw new Refused(outsideValidity(chain) ? Kind.EXPIRED : Kind.NOT_TRUSTED,
                    "certificate chain not trusted (PKIX): " + rootCause(e));
        }
        List<String> presented = dnsNames(chain[0]);
        for (String name : presented) {
            for (String reference : referenceIds) {
                if (DaneNames.matches(name, reference)) {
                    return;
                }
            }
        }
        throw new Refused(Kind.HOST_MISMATCH, "certificate names " + presented + " do not match "
                + String.join(" or ", referenceIds) + " (SAN dNSName required, CN ignored)");
    }

    private static boolean outsideValidity(X509Certificate[] chain) {
        java.util.Date now = new java.util.Date();
        for (X509Certificate c : chain) {
            try {
                c.checkValidity(now);
            } catch (CertificateException e) {
                return true;
            }
        }
        return false;
    }

    /** A refusal thrown through the trust-manager interface, keeping its kind. */
    private static final class Refused extends CertificateException {
        private final Refusal refusal;

        Refused(Kind kind, String reason) {
            super(reason);
            this.refusal = new Refusal(kind, reason);
        }
    }

    /** SAN dNSNames only: unlike DANE-TA (DANE-15), WebPKI matching never falls back to the CN. */
    static List<String> dnsNames(X509Certificate leaf) {
        List<String> names = new ArrayList<>();
        Collection<List<?>> sans;
        try {
            sans = leaf.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return List.of();
        }
        if (sans != null) {
            for (List<?> entry : sans) {
                if (entry.size() >= 2 && entry.get(0) instanceof Integer type && type == DNS_NAME
                        && entry.get(1) instanceof String name) {
                    names.add(name);
                }
            }
        }
        return List.copyOf(names);
    }

    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain, authType);
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
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("not used for client certificates");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
