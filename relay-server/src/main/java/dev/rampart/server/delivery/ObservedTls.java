package dev.rampart.server.delivery;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/** What transport security a session actually had, for the delivery log and (later) TLS-RPT. */
public sealed interface ObservedTls {

    /** The keyword used in the delivery log's {@code tls=} field. */
    String logValue();

    /** The session ran in plaintext. */
    record None() implements ObservedTls {
        @Override
        public String logValue() {
            return "none";
        }
    }

    /**
     * TLS was negotiated; {@code authentication} is "unauthenticated" for opportunistic TLS, or what the
     * plan's trust manager proved ("pkix", "dane-ee", "dane-ta"); {@code peerChain} is the chain the
     * server presented, leaf first.
     */
    record Negotiated(String protocol, String cipher, String peerCertificate, String authentication,
                      List<X509Certificate> peerChain) implements ObservedTls {
        public Negotiated {
            Objects.requireNonNull(protocol);
            Objects.requireNonNull(cipher);
            Objects.requireNonNull(peerCertificate);
            Objects.requireNonNull(authentication);
            peerChain = List.copyOf(peerChain);
        }

        /** Without the presented chain (it only matters to {@code policy explain --probe}). */
        public Negotiated(String protocol, String cipher, String peerCertificate, String authentication) {
            this(protocol, cipher, peerCertificate, authentication, List.of());
        }

        /** The same session with what its trust manager proved. */
        Negotiated authenticatedAs(String how) {
            return new Negotiated(protocol, cipher, peerCertificate, how, peerChain);
        }

        @Override
        public String logValue() {
            return authentication;
        }
    }

    static ObservedTls none() {
        return new None();
    }
}
