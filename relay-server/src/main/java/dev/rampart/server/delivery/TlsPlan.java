package dev.rampart.server.delivery;

import java.util.Objects;
import javax.net.ssl.X509TrustManager;

/**
 * What transport security a session to one host must have. Today the scheduler always passes
 * {@link Opportunistic}; a policy-driven host plan will pass {@link Required} with a trust manager built
 * from DANE or PKIX facts (design.md step 5).
 */
public sealed interface TlsPlan {

    /**
     * Use STARTTLS when offered, accept any certificate, fall back to plaintext when it is not offered,
     * refused, or (on a fresh connection) when the handshake fails (POL-06).
     */
    record Opportunistic() implements TlsPlan {}

    /**
     * STARTTLS is mandatory: when it is absent, refused, fails, or the connection drops during it, the
     * session ends with a policy failure and no command after EHLO is ever sent in clear (QUE-17, POL-05).
     *
     * @param trustManager   decides whether the peer's chain is acceptable (DANE matcher, PKIX, or accept-any
     *                       for "encrypt")
     * @param peerName       SNI and reference identifier (the MX host name or TLSA base domain)
     * @param verifyHostname run the JDK's HTTPS-style name check against {@code peerName} as well
     * @param authentication what a successful handshake proves, for the delivery log: "pkix", "dane-ee",
     *                       "dane-ta", or "unauthenticated"
     */
    record Required(X509TrustManager trustManager, String peerName, boolean verifyHostname, String authentication)
            implements TlsPlan {
        public Required {
            Objects.requireNonNull(trustManager);
            Objects.requireNonNull(peerName);
            Objects.requireNonNull(authentication);
        }
    }

    static TlsPlan opportunistic() {
        return new Opportunistic();
    }
}
