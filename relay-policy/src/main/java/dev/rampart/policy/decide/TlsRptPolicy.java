package dev.rampart.policy.decide;

import dev.rampart.policy.dane.TlsaRecord;
import dev.rampart.policy.sts.StsPolicy;
import java.util.List;
import java.util.Objects;

/**
 * The {@code policy} object of a TLS-RPT record (RFC 8460 §4.4; RPT-02..RPT-05), fixed by the decision
 * so the recorder needs nothing else. Immutable.
 *
 * @param type          tlsa, sts or no-policy-found
 * @param policyStrings tlsa: one {@code "U S M HEX"} per record (RPT-04); no-policy-found: empty (RPT-05)
 * @param policyDomain  tlsa: the TLSA base domain; no-policy-found and sts: the next-hop domain
 * @param mxHost        tlsa and no-policy-found: the MX host name; sts: the policy's mx patterns (RPT-03)
 */
public record TlsRptPolicy(TlsRptPolicyType type, List<String> policyStrings, String policyDomain,
                           List<String> mxHost) {
    public TlsRptPolicy {
        Objects.requireNonNull(type);
        policyStrings = List.copyOf(policyStrings);
        Objects.requireNonNull(policyDomain);
        mxHost = List.copyOf(mxHost);
    }

    /** RPT-04: the TLSA RRset as published, every record including the unusable ones. */
    public static TlsRptPolicy tlsa(String baseDomain, List<TlsaRecord> records, String mxHostName) {
        return new TlsRptPolicy(TlsRptPolicyType.TLSA, records.stream().map(TlsaRecord::presentation).toList(),
                baseDomain, List.of(mxHostName));
    }

    /** RPT-04 for a host skipped before any TLSA record was seen (rows 5, 7, 9, 10). */
    public static TlsRptPolicy tlsaWithoutRecords(String baseDomain, String mxHostName) {
        return new TlsRptPolicy(TlsRptPolicyType.TLSA, List.of(), baseDomain, List.of(mxHostName));
    }

    /** RPT-03: the policy as fetched, its lines as {@code key: value}, its mx patterns as {@code mx-host}. */
    public static TlsRptPolicy sts(StsPolicy policy, String policyDomain) {
        return new TlsRptPolicy(TlsRptPolicyType.STS, policy.lines(), policyDomain, policy.mx());
    }

    /** An {@code sts} entry for a policy that could not be fetched or parsed: no strings, no patterns. */
    public static TlsRptPolicy stsWithoutPolicy(String policyDomain) {
        return new TlsRptPolicy(TlsRptPolicyType.STS, List.of(), policyDomain, List.of());
    }

    /** RPT-05: neither DANE nor MTA-STS applied. */
    public static TlsRptPolicy noPolicyFound(String nextHop, String mxHostName) {
        return new TlsRptPolicy(TlsRptPolicyType.NO_POLICY_FOUND, List.of(), nextHop, List.of(mxHostName));
    }
}
