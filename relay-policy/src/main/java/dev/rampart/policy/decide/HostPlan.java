package dev.rampart.policy.decide;

import dev.rampart.policy.dane.TlsaRecord;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What to do with one MX host (conformance §7, one row per host). Built only by
 * {@link PolicyDecider#decideHost}; the delivery code acts on it and never decides policy itself.
 * Immutable.
 */
public sealed interface HostPlan {

    /** The MX host name this plan is for (as published; MX-15 keeps it unexpanded in logs). */
    String hostName();

    /** Why this plan, with the table row and conformance IDs, for logs and {@code policy explain}. */
    String why();

    TlsRptRecording tlsRpt();

    /**
     * The policy that decided this host, for the delivery log ({@code policy=}): a skip under row 11 is
     * {@link AppliedPolicy#MTA_STS}; the DNS-side skips (rows 5, 7, 9, 10) are {@link AppliedPolicy#DANE}.
     */
    AppliedPolicy policy();

    /**
     * No connection to this host (rows 5, 7, 9, 10). The caller goes on to the next MX; when none is
     * left the domain is deferred (never bounced for this alone, never plaintext).
     *
     * @param reason precise, loggable, e.g. {@code TLSA lookup bogus: RRSIG expired}
     * @param status RFC 3463 status if this host ends up deciding the deferral: 4.7.5 for policy,
     *               4.4.3 for a failed TLSA lookup
     * @param policy the policy that skipped the host
     */
    record Skip(String hostName, String reason, String status, String why, TlsRptRecording tlsRpt,
                AppliedPolicy policy) implements HostPlan {
        public Skip {
            Objects.requireNonNull(hostName);
            Objects.requireNonNull(reason);
            Objects.requireNonNull(status);
            Objects.requireNonNull(why);
            Objects.requireNonNull(tlsRpt);
            Objects.requireNonNull(policy);
        }

        /** A skip decided on the DNS side (rows 5, 7, 9, 10). */
        public Skip(String hostName, String reason, String status, String why, TlsRptRecording tlsRpt) {
            this(hostName, reason, status, why, tlsRpt, AppliedPolicy.DANE);
        }
    }

    /**
     * Connect, with these TLS demands.
     *
     * @param requirement    whether plaintext is allowed
     * @param authentication how the certificate is checked
     * @param serverName     the SNI name: the TLSA base domain under DANE (DANE-13), else the MX host
     *                       name; see {@link #sni()}
     * @param tlsaBase       the TLSA base domain; empty string when DANE does not apply
     * @param allTlsa        the whole secure TLSA RRset as published (explain output, RPT-04); empty
     *                       when DANE does not apply
     * @param minimumTls     lowest TLS protocol version allowed, e.g. {@code TLSv1.2} (DANE-13)
     * @param policy         for the delivery log
     * @param audit          a report-only check (MTA-STS {@code testing}, STS-20, rows 15 and 17): the
     *                       delivery code evaluates it on the peer's chain after the handshake, records a
     *                       failure for TLS-RPT and the log, and never lets it fail, skip or downgrade
     *                       the session. {@link Authentication#NONE} when there is nothing to audit;
     *                       otherwise a {@link Authentication.Pkix}, and then {@code authentication} is
     *                       {@link Authentication#NONE}. Without STARTTLS there is nothing to audit and the
     *                       recorder notes {@code starttls-not-supported}.
     */
    record Connect(String hostName, TlsRequirement requirement, Authentication authentication, String serverName,
                   String tlsaBase, List<TlsaRecord> allTlsa, String minimumTls, AppliedPolicy policy,
                   String why, TlsRptRecording tlsRpt, Authentication audit) implements HostPlan {
        public Connect {
            Objects.requireNonNull(hostName);
            Objects.requireNonNull(requirement);
            Objects.requireNonNull(authentication);
            Objects.requireNonNull(serverName);
            Objects.requireNonNull(tlsaBase);
            allTlsa = List.copyOf(allTlsa);
            Objects.requireNonNull(minimumTls);
            Objects.requireNonNull(policy);
            Objects.requireNonNull(why);
            Objects.requireNonNull(tlsRpt);
            Objects.requireNonNull(audit);
            if (authentication instanceof Authentication.Dane && requirement != TlsRequirement.REQUIRED) {
                throw new IllegalArgumentException("DANE authentication always requires TLS (DANE-07)");
            }
            if (authentication instanceof Authentication.Pkix && requirement != TlsRequirement.REQUIRED) {
                throw new IllegalArgumentException("enforced PKIX authentication always requires TLS (STS-19)");
            }
            if (requirement == TlsRequirement.NO_STARTTLS && !(audit instanceof Authentication.None)) {
                throw new IllegalArgumentException("without STARTTLS there is no certificate to audit");
            }
            switch (audit) {
                case Authentication.None n -> { }
                case Authentication.Pkix p when authentication instanceof Authentication.None -> { }
                case Authentication.Pkix p -> throw new IllegalArgumentException(
                        "a report-only check only goes with an unauthenticated session");
                case Authentication.Dane d -> throw new IllegalArgumentException(
                        "DANE is never report-only (POL-02)");
            }
        }

        /** A plan without a report-only check, as before MTA-STS. */
        public Connect(String hostName, TlsRequirement requirement, Authentication authentication, String serverName,
                       String tlsaBase, List<TlsaRecord> allTlsa, String minimumTls, AppliedPolicy policy,
                       String why, TlsRptRecording tlsRpt) {
            this(hostName, requirement, authentication, serverName, tlsaBase, allTlsa, minimumTls, policy, why, tlsRpt,
                    Authentication.NONE);
        }

        /** The name to send as SNI; empty for an address literal, which RFC 6066 §3 forbids in SNI. */
        public Optional<String> sni() {
            return serverName.startsWith("[") ? Optional.empty() : Optional.of(serverName);
        }

        /** The usable TLSA records when DANE authenticates this host, else empty. */
        public List<TlsaRecord> usableTlsa() {
            return switch (authentication) {
                case Authentication.Dane d -> d.usableRecords();
                case Authentication.None n -> List.of();
                case Authentication.Pkix p -> List.of();
            };
        }

        /**
         * The names the certificate is checked against when it is authenticated: DANE-TA reference
         * identifiers (DANE-14) or the PKIX names (STS-18); empty otherwise (a report-only audit keeps its
         * names in {@link #audit}).
         */
        public List<String> referenceIds() {
            return switch (authentication) {
                case Authentication.Dane d -> d.referenceIds();
                case Authentication.None n -> List.of();
                case Authentication.Pkix p -> p.referenceIds();
            };
        }
    }
}
