package dev.rampart.policy.decide;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Row 21 of the decision table: what a message tagged REQUIRETLS (RFC 8689; POL-09, QUE-18) demands of
 * each host on top of its ordinary {@link HostPlan}, and when the message bounces. Pure and thread-safe.
 *
 * <p>A host qualifies only when its plan authenticates the server and the host name itself can be trusted:
 * DANE (usable TLSA, which implies a secure MX RRset and secure TLSA); PKIX under an MTA-STS {@code enforce}
 * match (rows 14, 16); or PKIX from the manual {@code secure} level with a secure MX RRset. Opportunistic
 * TLS, TLS without authentication (DANE-08, {@code encrypt}), a report-only MTA-STS {@code testing} audit
 * and plaintext never qualify. A qualifying host must still announce {@code REQUIRETLS} in its EHLO after
 * STARTTLS; the delivery code checks that and sends {@code MAIL FROM:<…> REQUIRETLS}.
 *
 * <p>The message bounces only when every host refused it for one of these reasons (5.7.30 when any host
 * lacked the extension, else 5.7.10): a host that was unreachable, or whose TLS or DANE check failed, may
 * do better on a later attempt, so the message is deferred as usual (QUE-15).
 */
public final class RequireTlsRule {
    /** RFC 8689 §5: REQUIRETLS support required (the server did not announce it). */
    public static final String NO_REQUIRETLS = "5.7.30";
    /** RFC 3463 / RFC 8689 §5: encryption needed (no authenticated TLS path to the host). */
    public static final String NO_TLS = "5.7.10";

    private RequireTlsRule() {}

    /** What REQUIRETLS makes of one host plan. */
    public sealed interface HostDemand {
        /** Connect as planned; after STARTTLS the server must announce REQUIRETLS. */
        record Proceed(HostPlan.Connect plan, String why) implements HostDemand {
            public Proceed {
                Objects.requireNonNull(plan);
                Objects.requireNonNull(why);
            }
        }

        /** Do not connect for this message: no compliant path to this host (5.7.10). */
        record Refuse(String hostName, String status, String reason) implements HostDemand {
            public Refuse {
                Objects.requireNonNull(hostName);
                Objects.requireNonNull(status);
                Objects.requireNonNull(reason);
            }
        }

        /** The plan already skips the host; REQUIRETLS changes nothing. */
        record AlreadySkipped(HostPlan.Skip plan) implements HostDemand {
            public AlreadySkipped {
                Objects.requireNonNull(plan);
            }
        }
    }

    /**
     * Row 21 for one host.
     *
     * @param plan     the host's ordinary plan (rows 1–19)
     * @param mxSecure whether the next hop's MX RRset validated as secure (DNSSEC)
     */
    public static HostDemand forHost(HostPlan plan, boolean mxSecure) {
        return switch (plan) {
            case HostPlan.Skip skip -> new HostDemand.AlreadySkipped(skip);
            case HostPlan.Connect connect -> forConnect(connect, mxSecure);
        };
    }

    private static HostDemand forConnect(HostPlan.Connect plan, boolean mxSecure) {
        String host = plan.hostName();
        return switch (plan.authentication()) {
            case Authentication.Dane d -> new HostDemand.Proceed(plan,
                    "REQUIRETLS: DANE authenticates " + host + " (row 21, POL-09)");
            case Authentication.Pkix p -> switch (plan.policy()) {
                case MTA_STS -> new HostDemand.Proceed(plan,
                        "REQUIRETLS: MTA-STS enforce admits " + host + ", PKIX authenticates it (row 21, POL-09)");
                case MANUAL -> mxSecure
                        ? new HostDemand.Proceed(plan, "REQUIRETLS: secure MX RRset, PKIX per the policy map"
                                + " (row 21, POL-09)")
                        : refuse(host, "the MX RRset is not DNSSEC-secure and no MTA-STS enforce policy vouches"
                                + " for " + host);
                case NONE, DANE -> refuse(host, "PKIX without a secure MX RRset or MTA-STS enforce match");
            };
            case Authentication.None n -> refuse(host, switch (plan.requirement()) {
                case NO_STARTTLS -> "the policy map sends to " + host + " without STARTTLS";
                case OPPORTUNISTIC -> "only opportunistic TLS is possible with " + host
                        + " (no DANE and no MTA-STS enforce)";
                case REQUIRED -> "TLS with " + host + " would not be authenticated";
            });
        };
    }

    private static HostDemand refuse(String host, String why) {
        return new HostDemand.Refuse(host, NO_TLS,
                "REQUIRETLS: no authenticated TLS path: " + why + " (row 21, POL-09, RFC 8689 §4.2.1)");
    }

    /**
     * The final bounce of a REQUIRETLS message when no host took it (QUE-18): present only when there were
     * results and every one is a {@link HostResult.RequireTlsRefused}; 5.7.30 if any host lacked the
     * extension, else 5.7.10. The reason names every host.
     */
    public static Optional<Bounce> bounce(List<HostResult> results) {
        if (results.isEmpty() || !results.stream().allMatch(r -> r instanceof HostResult.RequireTlsRefused)) {
            return Optional.empty();
        }
        List<HostResult.RequireTlsRefused> refused = results.stream()
                .map(r -> (HostResult.RequireTlsRefused) r).toList();
        String status = refused.stream().anyMatch(r -> r.status().equals(NO_REQUIRETLS)) ? NO_REQUIRETLS : NO_TLS;
        StringBuilder reason = new StringBuilder();
        for (HostResult.RequireTlsRefused r : refused) {
            if (!reason.isEmpty()) {
                reason.append("; ");
            }
            reason.append(r.hostName()).append(": ").append(r.reason());
        }
        return Optional.of(new Bounce(status, reason.toString()));
    }

    /** Bounce the REQUIRETLS message with this status (5.7.30 or 5.7.10). */
    public record Bounce(String status, String reason) {
        public Bounce {
            Objects.requireNonNull(status);
            Objects.requireNonNull(reason);
        }
    }
}
