package dev.rampart.server.delivery;

import dev.rampart.policy.dane.DaneTrustManager;
import dev.rampart.policy.decide.AppliedPolicy;
import dev.rampart.policy.decide.Authentication;
import dev.rampart.policy.decide.HostPlan;
import dev.rampart.policy.sts.fetch.PkixPeerCheck;
import dev.rampart.policy.sts.fetch.StsTrust;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.security.GeneralSecurityException;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.X509TrustManager;

/**
 * What transport security a session to one host must have, built from the host's {@link HostPlan.Connect}
 * by {@link #forHost} (design.md step 5): {@link Plaintext} (manual {@code none}), {@link Opportunistic},
 * or {@link Required} with the trust manager the plan's {@link Authentication} calls for. A
 * {@link Required} plan holds a trust manager that serves one session only (a DANE verdict is per
 * handshake): build a fresh plan for every connection.
 */
public sealed interface TlsPlan {

    /**
     * Use STARTTLS when offered, accept any certificate, fall back to plaintext when it is not offered,
     * refused, or (on a fresh connection) when the handshake fails (POL-06).
     */
    record Opportunistic(String serverName) implements TlsPlan {
        /**
         * @param serverName the SNI name when it is not the MX host name: a relaxed DANE plan keeps its TLSA
         *                   base domain (DANE-13), so shadow mode checks the certificate DANE would be shown;
         *                   empty for the MX host name
         */
        public Opportunistic {
            Objects.requireNonNull(serverName);
        }

        public Opportunistic() {
            this("");
        }
    }

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
     * @param demandedBy     who demands TLS, for failure reasons, e.g. "MTA-STS enforce requires TLS" in
     *                       "STARTTLS not offered but MTA-STS enforce requires TLS"
     */
    record Required(X509TrustManager trustManager, String peerName, boolean verifyHostname, String authentication,
                    String demandedBy) implements TlsPlan {
        public Required {
            Objects.requireNonNull(trustManager);
            Objects.requireNonNull(peerName);
            Objects.requireNonNull(authentication);
            Objects.requireNonNull(demandedBy);
        }

        /** A plan whose failure reasons name DANE when the trust manager is DANE's, else "the TLS policy". */
        public Required(X509TrustManager trustManager, String peerName, boolean verifyHostname, String authentication) {
            this(trustManager, peerName, verifyHostname, authentication, trustManager instanceof DaneTrustManager
                    ? "DANE TLSA records require TLS" : "the TLS policy requires TLS");
        }

        /**
         * The precise reason a PKIX check refused the peer's chain in this session, prefixed with the policy
         * ("MTA-STS enforce: certificate names [a.example] do not match mx.example.org ..."); empty when
         * no PKIX check refused anything.
         */
        Optional<String> pkixRefusal() {
            return trustManager instanceof PkixSessionCheck pkix
                    ? pkix.refusal().map(r -> pkix.policyName() + ": " + r.reason()) : Optional.empty();
        }

        /** The kind of the PKIX refusal, for TLS-RPT (RPT-06). */
        Optional<PkixPeerCheck.Refusal> pkixRefusalKind() {
            return trustManager instanceof PkixSessionCheck pkix ? pkix.refusal() : Optional.empty();
        }
    }

    static TlsPlan opportunistic() {
        return new Opportunistic();
    }

    /**
     * The plan for one new connection to a host: opportunistic rows stay opportunistic; TLS required
     * without authentication (DANE-08) accepts any certificate; DANE (DANE-07) gets a fresh
     * {@link DaneTrustManager} over the usable records, SNI = TLSA base domain (DANE-13), and no
     * hostname verification (the DANE verifier does the DANE-14 name checks itself); PKIX (MTA-STS
     * {@code enforce}, STS-18) gets a fresh {@link PkixSessionCheck}: the chain must reach one of
     * {@code webPkiTrust}'s anchors (the JDK roots plus {@code tls.trust-store}, so that the trust store
     * means one thing for the policy fetch and for the MX), a SAN dNSName must match one of the plan's
     * reference ids (MTA-STS: the MX host name; manual {@code secure}: the configured names), CN ignored,
     * SNI = MX host name, TLS 1.2 or later (the client's protocol floor); manual {@code none} (row 1) never
     * sends STARTTLS.
     *
     * @param webPkiTrust chain validation for PKIX plans ({@code StsTrust.trustManager()} in the relay)
     */
    static TlsPlan forHost(HostPlan.Connect plan, InstantSource clock, X509TrustManager webPkiTrust) {
        return switch (plan.requirement()) {
            case NO_STARTTLS -> new Plaintext();
            case OPPORTUNISTIC -> new Opportunistic(plan.sni().orElse(""));
            case REQUIRED -> switch (plan.authentication()) {
                case Authentication.None n -> plan.policy() == AppliedPolicy.MANUAL
                        // Row 3: the operator's encrypt entry is what demands TLS; say so in failure reasons.
                        ? new Required(acceptAny(), plan.sni().orElse(plan.hostName()), false, "unauthenticated",
                                "policy map encrypt requires TLS")
                        : new Required(acceptAny(), plan.sni().orElse(plan.hostName()), false, "unauthenticated");
                case Authentication.Dane d -> new Required(
                        new DaneTrustManager(d.usableRecords(), d.referenceIds(), plan.serverName(), clock),
                        plan.serverName(), false, "dane");
                // The PKIX check does the SAN match itself (CN ignored); the JDK's HTTPS check would add nothing.
                case Authentication.Pkix k -> {
                    String policy = policyName(plan.policy());
                    yield new Required(new PkixSessionCheck(new PkixPeerCheck(webPkiTrust, k.referenceIds()), policy),
                            plan.sni().orElse(plan.hostName()), false, "pkix", policy + " requires TLS");
                }
            };
        };
    }

    private static X509TrustManager acceptAny() {
        return (X509TrustManager) InsecureTrustManagerFactory.INSTANCE.getTrustManagers()[0];
    }

    /**
     * The JDK's root certificates alone, for callers built without a configured {@code tls.trust-store};
     * the same anchors the relay uses when none is configured.
     */
    static X509TrustManager jdkRoots() {
        try {
            return StsTrust.of(List.of(), true).trustManager();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK trust store cannot be loaded: " + e.getMessage(), e);
        }
    }

    /** How failure reasons name the policy that demanded authenticated TLS. */
    private static String policyName(AppliedPolicy policy) {
        return switch (policy) {
            case MTA_STS -> "MTA-STS enforce";
            case DANE -> "DANE";
            case NONE -> "the TLS policy";
            case MANUAL -> "policy map secure"; // the only manual level authenticated by PKIX
        };
    }
}
