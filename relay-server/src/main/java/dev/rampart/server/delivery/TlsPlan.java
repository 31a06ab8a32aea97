package dev.rampart.server.delivery;

import dev.rampart.policy.dane.DaneTrustManager;
import dev.rampart.policy.decide.Authentication;
import dev.rampart.policy.decide.HostPlan;
import dev.rampart.policy.sts.fetch.PkixPeerCheck;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.time.InstantSource;
import java.util.Objects;
import javax.net.ssl.X509TrustManager;

/**
 * What transport security a session to one host must have, built from the host's {@link HostPlan.Connect}
 * by {@link #forHost} (design.md step 5): {@link Opportunistic}, or {@link Required} with the trust manager
 * the plan's {@link Authentication} calls for. A {@link Required} plan holds a trust manager that serves
 * one session only (a DANE verdict is per handshake): build a fresh plan for every connection.
 */
public sealed interface TlsPlan {

    /**
     * Use STARTTLS when offered, accept any certificate, fall back to plaintext when it is not offered,
     * refused, or (on a fresh connection) when the handshake fails (POL-06).
     */
    record Opportunistic() implements TlsPlan {}

    /**
     * Manual level {@code none} (row 1, POL-10): STARTTLS is never sent, even when the server offers it;
     * the whole session is in plaintext by the operator's explicit choice.
     */
    record Plaintext() implements TlsPlan {}

    /**
     * STARTTLS is mandatory: when it is absent, refused, fails, or the connection drops during it, the
     * session ends with a policy failure and no command after EHLO is ever sent in clear (QUE-17, POL-05).
     *
     * @param trustManager   decides whether the peer's chain is acceptable (DANE matcher, PKIX, or accept-any
     *                       for "encrypt")
     * @param peerName       SNI and reference identifier (the MX host name or TLSA base domain)
     * @param verifyHostname run the JDK's HTTPS-style name check against {@code peerName} as well
     * @param authentication what a successful handshake proves, for the delivery log: "pkix" or
     *                       "unauthenticated"; "dane" when the trust manager is a {@link DaneTrustManager},
     *                       whose verdict then names the mode ("dane-ee" or "dane-ta") after the handshake
     */
    record Required(X509TrustManager trustManager, String peerName, boolean verifyHostname, String authentication)
            implements TlsPlan {
        public Required {
            Objects.requireNonNull(trustManager);
            Objects.requireNonNull(peerName);
            Objects.requireNonNull(authentication);
        }

        /** Who demands TLS, for failure reasons: "STARTTLS not offered but DANE TLSA records require TLS". */
        String demandedBy() {
            return trustManager instanceof DaneTrustManager ? "DANE TLSA records require TLS" : "the TLS policy requires TLS";
        }
    }

    static TlsPlan opportunistic() {
        return new Opportunistic();
    }

    /**
     * The plan for one new connection to a host: opportunistic rows stay opportunistic; TLS required
     * without authentication (DANE-08) accepts any certificate; DANE (DANE-07) gets a fresh
     * {@link DaneTrustManager} over the usable records, SNI = TLSA base domain (DANE-13), and no
     * hostname verification (the DANE verifier does the DANE-14 name checks itself).
     */
    private static X509TrustManager jdkPkixTrustManager() {
        try {
            javax.net.ssl.TrustManagerFactory tmf =
                    javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init((java.security.KeyStore) null);
            for (javax.net.ssl.TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    return x;
                }
            }
            throw new IllegalStateException("the JDK offers no X.509 trust manager");
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("the JDK trust store cannot be loaded: " + e.getMessage(), e);
        }
    }

    static TlsPlan forHost(HostPlan.Connect plan, InstantSource clock) {
        return forHost(plan, clock, jdkPkixTrustManager());
    }

    /**
     * As {@link #forHost(HostPlan.Connect, InstantSource)}, with {@code pkixAnchors} validating the chain
     * under {@link Authentication.Pkix} (the JDK roots plus {@code tls.trust-store}, see
     * {@code StsTrust#trustManager()}). PKIX plans get a {@link PkixPeerCheck}: chain to those anchors and a
     * SAN dNSName matching any one of the plan's reference ids (MTA-STS: the MX host; manual
     * {@code secure}: the configured names), so several names work, not only the first.
     */
    static TlsPlan forHost(HostPlan.Connect plan, InstantSource clock, X509TrustManager pkixAnchors) {
        String peer = plan.sni().orElse(plan.hostName());
        return switch (plan.requirement()) {
            case NO_STARTTLS -> new Plaintext();
            case OPPORTUNISTIC -> new Opportunistic();
            case REQUIRED -> switch (plan.authentication()) {
                case Authentication.None n -> new Required(
                        (X509TrustManager) InsecureTrustManagerFactory.INSTANCE.getTrustManagers()[0], peer, false,
                        "unauthenticated");
                case Authentication.Dane d -> new Required(
                        new DaneTrustManager(d.usableRecords(), d.referenceIds(), plan.serverName(), clock),
                        plan.serverName(), false, "dane");
                // STS-18 and manual secure: PkixPeerCheck does chain and name checks itself (SAN dNSName only,
                // CN ignored), so the TLS engine's own HTTPS check, limited to one name, stays off. SNI is
                // the MX host name.
                case Authentication.Pkix k -> new Required(new PkixPeerCheck(pkixAnchors, k.referenceIds()), peer,
                        false, "pkix");
            };
        };
    }
}
