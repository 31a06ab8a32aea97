package dev.rampart.server.delivery;

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
     * plan's trust manager proved ("pkix", "dane-ee", "dane-ta").
     */
    record Negotiated(String protocol, String cipher, String peerCertificate, String authentication)
            implements ObservedTls {
        public Negotiated {
            Objects.requireNonNull(protocol);
            Objects.requireNonNull(cipher);
            Objects.requireNonNull(peerCertificate);
            Objects.requireNonNull(authentication);
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
