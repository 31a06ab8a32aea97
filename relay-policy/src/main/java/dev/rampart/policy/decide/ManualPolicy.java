package dev.rampart.policy.decide;

import java.util.List;
import java.util.Locale;

/**
 * The operator's TLS level for one next-hop domain, from the policy map (POL-10, in the spirit of Postfix's
 * {@code smtp_tls_policy_maps}). {@link Dane} and {@link DaneOnly} keep discovery (DANE, then MTA-STS);
 * {@link None}, {@link May}, {@link Encrypt} and {@link Secure} replace it: no TLSA and no MTA-STS lookups,
 * the level alone decides (rows 1–4, 19), and those sessions are not recorded for TLS-RPT. Immutable.
 */
public sealed interface ManualPolicy {

    /** The default: DANE where the domain publishes secure TLSA, else the discovered policy (RFC 7672 §6). */
    record Dane() implements ManualPolicy {}

    /**
     * DANE-16: DANE is mandatory. An insecure MX RRset defers the domain; a host without usable secure TLSA
     * is skipped; both are recorded as {@code dane-required} (RFC 8460 §4.3.2.1).
     */
    record DaneOnly() implements ManualPolicy {}

    /** Row 1: plaintext only; STARTTLS is never sent, even when offered (Postfix {@code none}). */
    record None() implements ManualPolicy {}

    /** Row 2: opportunistic TLS; plaintext when STARTTLS is missing or refused (Postfix {@code may}). */
    record May() implements ManualPolicy {}

    /** Row 3: TLS mandatory, any certificate accepted (Postfix {@code encrypt}); never plaintext (QUE-17). */
    record Encrypt() implements ManualPolicy {}

    /**
     * Row 4: TLS mandatory and the certificate checked by WebPKI (the JDK roots plus {@code tls.trust-store}),
     * a SAN dNSName matching one of the reference names (Postfix {@code secure}).
     *
     * @param matchNames the names given with {@code match=}, lower case A-labels; empty means the default,
     *                   the MX host name and the next-hop domain ({@link #referenceIds})
     */
    record Secure(List<String> matchNames) implements ManualPolicy {
        public Secure {
            matchNames = matchNames.stream().map(n -> n.toLowerCase(Locale.ROOT)).distinct().toList();
        }

        /** The names the certificate must carry for a session to {@code mxHost} of {@code nextHop}. */
        public List<String> referenceIds(String mxHost, String nextHop) {
            if (!matchNames.isEmpty()) {
                return matchNames;
            }
            return List.of(mxHost, nextHop).stream().filter(n -> !n.startsWith("["))
                    .map(n -> n.toLowerCase(Locale.ROOT)).distinct().toList();
        }
    }

    ManualPolicy DANE = new Dane();
    ManualPolicy DANE_ONLY = new DaneOnly();
    ManualPolicy NONE = new None();
    ManualPolicy MAY = new May();
    ManualPolicy ENCRYPT = new Encrypt();

    /** The keyword used in the policy map file. */
    default String keyword() {
        return switch (this) {
            case Dane d -> "dane";
            case DaneOnly d -> "dane-only";
            case None n -> "none";
            case May m -> "may";
            case Encrypt e -> "encrypt";
            case Secure s -> "secure";
        };
    }

    /** The entry as written in a policy map, attributes included: {@code secure match=mx.example.com}. */
    default String describe() {
        return switch (this) {
            case Secure s when !s.matchNames().isEmpty() -> "secure match=" + String.join(":", s.matchNames());
            case Dane d -> keyword();
            case DaneOnly d -> keyword();
            case None n -> keyword();
            case May m -> keyword();
            case Encrypt e -> keyword();
            case Secure s -> keyword();
        };
    }

    /**
     * Whether the planner looks up DANE (TLSA) and MTA-STS for this destination. False for the levels
     * that replace discovery (POL-10): asking would cost lookups whose answers cannot change the plan.
     */
    default boolean usesDiscovery() {
        return switch (this) {
            case Dane d -> true;
            case DaneOnly d -> true;
            case None n -> false;
            case May m -> false;
            case Encrypt e -> false;
            case Secure s -> false;
        };
    }
}
