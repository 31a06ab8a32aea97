package dev.rampart.server.delivery;

import dev.rampart.policy.decide.AuditResult;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * What transport security a session actually had, for the delivery log and TLS-RPT: plaintext and why,
 * or the negotiated TLS with the presented chain; plus the {@link TlsFindings} that the report-only
 * checks (MTA-STS {@code testing}) and shadow mode made of it. Immutable.
 */
public sealed interface ObservedTls {

    /** The keyword used in the delivery log's {@code tls=} field. */
    String logValue();

    /** What the report-only audit and shadow mode found on this session; {@link TlsFindings#NONE} if nothing ran. */
    TlsFindings findings();

    /** The same session with these findings. */
    ObservedTls withFindings(TlsFindings findings);

    /** Why a session ran without TLS, as far as TLS-RPT and the audits care (RPT-06). */
    enum Plaintext {
        /** No STARTTLS was attempted on this session (or there was no session). */
        NOT_ATTEMPTED,
        /** STARTTLS was not in the EHLO reply: {@code starttls-not-supported}. */
        NOT_OFFERED,
        /** STARTTLS was answered with 454 or 5xx: {@code starttls-not-supported}. */
        REFUSED,
        /** The handshake failed and the session was retried in plaintext (POL-06): {@code validation-failure}. */
        HANDSHAKE_FAILED
    }

    /**
     * The session ran in plaintext.
     *
     * @param detail plain words for logs, e.g. {@code STARTTLS refused: 454 4.7.0 TLS not available}; empty
     *               when {@code why} is {@link Plaintext#NOT_ATTEMPTED}
     */
    record None(Plaintext why, String detail, TlsFindings findings) implements ObservedTls {
        public None {
            Objects.requireNonNull(why);
            Objects.requireNonNull(detail);
            Objects.requireNonNull(findings);
        }

        public None(Plaintext why, String detail) {
            this(why, detail, TlsFindings.NONE);
        }

        public None() {
            this(Plaintext.NOT_ATTEMPTED, "");
        }

        @Override
        public String logValue() {
            return "none";
        }

        @Override
        public None withFindings(TlsFindings findings) {
            return new None(why, detail, findings);
        }
    }

    /**
     * TLS was negotiated; {@code authentication} is "unauthenticated" for opportunistic TLS, or what the
     * plan's trust manager proved ("pkix", "dane-ee", "dane-ta"); {@code peerChain} is the chain the
     * server presented, leaf first.
     */
    record Negotiated(String protocol, String cipher, String peerCertificate, String authentication,
                      List<X509Certificate> peerChain, TlsFindings findings) implements ObservedTls {
        public Negotiated {
            Objects.requireNonNull(protocol);
            Objects.requireNonNull(cipher);
            Objects.requireNonNull(peerCertificate);
            Objects.requireNonNull(authentication);
            peerChain = List.copyOf(peerChain);
            Objects.requireNonNull(findings);
        }

        public Negotiated(String protocol, String cipher, String peerCertificate, String authentication,
                          List<X509Certificate> peerChain) {
            this(protocol, cipher, peerCertificate, authentication, peerChain, TlsFindings.NONE);
        }

        /** Without the presented chain (it only matters to {@code policy explain --probe} and the audits). */
        public Negotiated(String protocol, String cipher, String peerCertificate, String authentication) {
            this(protocol, cipher, peerCertificate, authentication, List.of());
        }

        /** The same session with what its trust manager proved. */
        Negotiated authenticatedAs(String how) {
            return new Negotiated(protocol, cipher, peerCertificate, how, peerChain, findings);
        }

        @Override
        public String logValue() {
            return authentication;
        }

        @Override
        public Negotiated withFindings(TlsFindings findings) {
            return new Negotiated(protocol, cipher, peerCertificate, authentication, peerChain, findings);
        }
    }

    /**
     * The verdicts on a session that never change how it went: the report-only audit (STS-20) and
     * whether shadow mode found that enforcement would have blocked it.
     */
    record TlsFindings(AuditResult audit, boolean shadowWouldBlock) {
        public static final TlsFindings NONE = new TlsFindings(AuditResult.NOT_AUDITED, false);

        public TlsFindings {
            Objects.requireNonNull(audit);
        }
    }

    static ObservedTls none() {
        return new None();
    }
}
