package dev.rampart.policy.decide;

import dev.rampart.policy.dane.TlsaRecord;
import dev.rampart.policy.dane.TlsaUsability;
import dev.rampart.policy.dns.DnsResult;
import dev.rampart.policy.dns.DnssecStatus;
import dev.rampart.policy.dns.MxHost;
import dev.rampart.policy.dns.MxResolution;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * The precedence table of conformance §7 as total functions: facts in, {@link DomainPlan} and
 * {@link HostPlan} out (POL-01). Covers rows 5–10, 12, 13 and 19 today; MTA-STS rows read
 * {@link StsFacts} and the further manual levels extend {@link ManualPolicy}, each caught by an
 * exhaustive switch here. No clock, no I/O, no logging; thread-safe.
 *
 * <p>Invariants the tests pin down: usable secure TLSA always means TLS required and DANE-only
 * authentication (DANE-07, POL-02); a TLSA lookup error or bogus answer always skips the host
 * (DANE-05, POL-04); no row but the opportunistic ones allows plaintext (POL-05).
 */
public final class PolicyDecider {
    /** RFC 3463 "delivery not authorized" / security policy: every TLS policy failure (QUE-15). */
    public static final String POLICY_STATUS = "4.7.5";
    /** RFC 3463 DNS temporary failure (QUE-15, MX-05). */
    public static final String DNS_TEMPFAIL = "4.4.3";
    /** DANE-13 [D]: DANE sessions need TLS 1.2 or later; opportunistic sessions keep the same floor. */
    public static final String MINIMUM_TLS = "TLSv1.2";

    private PolicyDecider() {}

    /**
     * Rows 5 and 8, and the permanent MX outcomes. {@code mxOwner} is where the MX lookup ended after
     * CNAMEs at the domain (MX-03), the domain itself when there was no alias.
     */
    public static DomainPlan decideDomain(MxResolution resolution, String mxOwner, ManualPolicy manual, StsFacts sts) {
        return switch (resolution) {
            case MxResolution.Permanent p -> new DomainPlan.Fail(p.status(), p.reason());
            case MxResolution.Temporary t -> new DomainPlan.Defer(t.status(), t.reason(), List.of());
            case MxResolution.Hosts h -> hostsPlan(h, mxOwner, manual, sts);
        };
    }

    private static DomainPlan hostsPlan(MxResolution.Hosts h, String mxOwner, ManualPolicy manual, StsFacts sts) {
        if (failedValidation(h.mxStatus())) {
            // DNS-02, MX-05: a bogus or indeterminate MX answer is a lookup error (row 8), never "insecure".
            return new DomainPlan.Defer(DNS_TEMPFAIL, "MX lookup for " + h.domain() + " failed: MX RRset is "
                    + lower(h.mxStatus()) + " (DNS-02)", List.of());
        }
        DomainFacts facts = new DomainFacts(h.domain(), mxOwner, manual, h.mxStatus(), h.implicit(), sts);
        boolean literal = AddressLiterals.isLiteralSyntax(h.domain());
        switch (manual) {
            case ManualPolicy.Dane d -> { }
            case ManualPolicy.DaneOnly d -> {
                if (!facts.mxSecure() && !literal) {
                    // Row 5: nothing can be authenticated, so no host is worth a connection.
                    List<HostPlan.Skip> skips = new ArrayList<>();
                    for (MxHost host : h.hosts()) {
                        HostAddressFacts address = HostAddressFacts.direct(host.name(), host.addressStatus());
                        skips.add((HostPlan.Skip) decideHost(new HostFacts(facts, address,
                                new TlsaFacts.NotQueried(TlsaBase.whyNotQueried(facts, address)))));
                    }
                    return new DomainPlan.Defer(POLICY_STATUS, "dane-only destination " + h.domain()
                            + " has an insecure MX RRset (DANE-16)", skips);
                }
            }
        }
        return new DomainPlan.TryHosts(facts, h.hosts());
    }

    /** One row of the decision table for one MX host. */
    public static HostPlan decideHost(HostFacts facts) {
        String host = facts.hostName();
        if (AddressLiterals.isLiteralSyntax(host)) {
            // Row 19: no MX, DANE or MTA-STS for address literals (MX-02); default level is opportunistic.
            return opportunistic(facts, "address literal: no DANE or MTA-STS applies (row 19, MX-02)",
                    new TlsRptRecording.NotRecorded("address literal (row 19)"));
        }
        if (failedValidation(facts.domain().mxStatus()) || failedValidation(facts.address().aliasStatus())
                || failedValidation(facts.address().addressStatus())) {
            return dnssecInvalid(facts);
        }
        boolean daneOnly = switch (facts.domain().manual()) {
            case ManualPolicy.Dane d -> false;
            case ManualPolicy.DaneOnly d -> true;
        };
        return switch (facts.tlsa()) {
            case TlsaFacts.NotQueried n -> withoutTlsa(facts, daneOnly, n.reason());
            case TlsaFacts.Answer a -> withAnswer(facts, daneOnly, a);
        };
    }

    private static HostPlan withoutTlsa(HostFacts facts, boolean daneOnly, String reason) {
        String host = facts.hostName();
        if (!daneOnly) {
            String mx15 = facts.domain().mxSecure() ? "" : "; MX RRset insecure: never logged as secure (MX-15)";
            return opportunistic(facts, reason + "; opportunistic TLS (DANE-09)" + mx15, noPolicyFound(facts));
        }
        TlsRptRecording rpt = recorded(TlsRptPolicy.tlsaWithoutRecords(host, host), TlsRptResultType.DANE_REQUIRED, "");
        if (!facts.domain().mxSecure()) {
            return new HostPlan.Skip(host, "dane-only: MX RRset of " + facts.domain().nextHop() + " is not secure",
                    POLICY_STATUS, reason + "; dane-only defers the domain (row 5, DANE-16)", rpt);
        }
        return new HostPlan.Skip(host, "dane-only: no secure TLSA for " + host + " (its address chain is not secure)",
                POLICY_STATUS, reason + "; dane-only skips the host (row 7, DANE-16)", rpt);
    }

    private static HostPlan withAnswer(HostFacts facts, boolean daneOnly, TlsaFacts.Answer answer) {
        String host = facts.hostName();
        String base = answer.baseDomain();
        String where = TlsaBase.queryName(base, TlsaBase.SMTP_PORT);
        DnsResult<TlsaRecord> result = answer.result();
        return switch (TlsaAnswers.classify(result)) {
            case BOGUS -> new HostPlan.Skip(host, "TLSA lookup bogus: " + failureText(result, where), POLICY_STATUS,
                    "TLSA RRset " + where + " failed DNSSEC validation; host skipped, nothing can rescue it"
                            + " (row 9, DANE-05, POL-04)",
                    recorded(TlsRptPolicy.tlsaWithoutRecords(base, host), TlsRptResultType.DNSSEC_INVALID, ""));
            case FAILED -> new HostPlan.Skip(host, "TLSA lookup failed: " + failureText(result, where), DNS_TEMPFAIL,
                    "TLSA lookup " + where + " failed; host skipped, never treated as absent (row 10, DANE-05)",
                    recorded(TlsRptPolicy.tlsaWithoutRecords(base, host), TlsRptResultType.TLSA_INVALID,
                            "tlsa-lookup-" + kindWord(result)));
            case NO_SECURE_TLSA -> daneOnly
                    ? new HostPlan.Skip(host, "dane-only: no secure TLSA at " + where, POLICY_STATUS,
                            "no secure TLSA RRset at " + where + "; dane-only skips the host (row 7, DANE-16)",
                            recorded(TlsRptPolicy.tlsaWithoutRecords(base, host), TlsRptResultType.DANE_REQUIRED, ""))
                    : opportunistic(facts, "no secure TLSA RRset at " + where
                            + "; DANE does not apply, opportunistic TLS (DANE-09)", noPolicyFound(facts));
            // classify() says SECURE_RECORDS only for a secure, non-empty Records answer.
            case SECURE_RECORDS -> withRecords(facts, daneOnly, base, ((DnsResult.Records<TlsaRecord>) result).records());
        };
    }

    private static HostPlan withRecords(HostFacts facts, boolean daneOnly, String base, List<TlsaRecord> all) {
        String host = facts.hostName();
        String where = TlsaBase.queryName(base, TlsaBase.SMTP_PORT);
        List<TlsaRecord> usable = all.stream().filter(TlsaUsability::usable).toList();
        TlsRptPolicy rptPolicy = TlsRptPolicy.tlsa(base, all, host);
        if (!usable.isEmpty()) {
            String row = daneOnly ? "row 6" : "row 12";
            return new HostPlan.Connect(host, TlsRequirement.REQUIRED,
                    new Authentication.Dane(usable, referenceIds(facts, base)), base, base, all, MINIMUM_TLS,
                    AppliedPolicy.DANE, usable.size() + " usable of " + all.size() + " secure TLSA records at " + where
                            + "; STARTTLS and a DANE match required, no PKIX or MTA-STS fallback ("
                            + row + ", DANE-07, POL-02, SNI " + base + " per DANE-13)",
                    new TlsRptRecording.Recorded(rptPolicy, List.of()));
        }
        if (daneOnly) {
            return new HostPlan.Skip(host, "dane-only: all " + all.size() + " TLSA records at " + where + " are unusable",
                    POLICY_STATUS, "secure TLSA RRset at " + where + " has no usable record; dane-only skips the host"
                            + " (row 7, DANE-06, DANE-16)",
                    recorded(rptPolicy, TlsRptResultType.DANE_REQUIRED, ""));
        }
        return new HostPlan.Connect(host, TlsRequirement.REQUIRED, Authentication.NONE, base, base, all, MINIMUM_TLS,
                AppliedPolicy.DANE, "secure TLSA RRset at " + where + " has only unusable records; STARTTLS required,"
                        + " certificate not authenticated (row 13, DANE-08)",
                recorded(rptPolicy, TlsRptResultType.TLSA_INVALID, "all-unusable"));
    }

    /**
     * DNS-02: bogus or indeterminate data anywhere on the way to the host's address is a lookup error
     * that skips the host (MX-13), never a reason to carry on as if the zone were unsigned.
     */
    private static HostPlan dnssecInvalid(HostFacts facts) {
        String host = facts.hostName();
        DomainFacts d = facts.domain();
        HostAddressFacts a = facts.address();
        String what = failedValidation(d.mxStatus()) ? "MX RRset of " + d.nextHop() + " is " + lower(d.mxStatus())
                : failedValidation(a.aliasStatus()) ? "CNAME from " + host + " is " + lower(a.aliasStatus())
                : "address records of " + a.expandedName() + " are " + lower(a.addressStatus());
        TlsRptPolicy policy = d.mxSecure() ? TlsRptPolicy.tlsaWithoutRecords(host, host)
                : TlsRptPolicy.noPolicyFound(d.nextHop(), host);
        return new HostPlan.Skip(host, "DNSSEC validation failed: " + what, DNS_TEMPFAIL,
                what + "; host skipped (DNS-02, MX-13)", recorded(policy, TlsRptResultType.DNSSEC_INVALID, ""));
    }

    private static boolean failedValidation(DnssecStatus status) {
        return switch (status) {
            case SECURE, INSECURE -> false;
            case BOGUS, INDETERMINATE -> true;
        };
    }

    /**
     * DANE-14 (RFC 7672 §3.2.2): the TLSA base domain; with a secure MX RRset also the next-hop domain and
     * its CNAME-expanded form; with no MX (implicit) also the next-hop domain, which matters when the
     * base is its expansion. Only reached with a secure MX RRset (DANE-01), so the insecure-MX rule of
     * DANE-02 never applies here.
     */
    static List<String> referenceIds(HostFacts facts, String base) {
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        ids.add(base);
        DomainFacts d = facts.domain();
        ids.add(d.nextHop());
        if (!d.implicitMx()) {
            ids.add(d.nextHopExpanded());
        }
        return List.copyOf(ids);
    }

    private static HostPlan.Connect opportunistic(HostFacts facts, String why, TlsRptRecording rpt) {
        String host = facts.hostName();
        return new HostPlan.Connect(host, TlsRequirement.OPPORTUNISTIC, Authentication.NONE, host, "", List.of(),
                MINIMUM_TLS, AppliedPolicy.NONE, why, rpt);
    }

    private static TlsRptRecording noPolicyFound(HostFacts facts) {
        return new TlsRptRecording.Recorded(TlsRptPolicy.noPolicyFound(facts.domain().nextHop(), facts.hostName()),
                List.of());
    }

    private static TlsRptRecording recorded(TlsRptPolicy policy, TlsRptResultType type, String reasonCode) {
        return new TlsRptRecording.Recorded(policy, List.of(new TlsRptFailure(type, reasonCode)));
    }

    private static String failureText(DnsResult<TlsaRecord> result, String where) {
        return switch (result) {
            case DnsResult.Failure<TlsaRecord> f when f.reason().isBlank() -> kindWord(result) + " at " + where;
            case DnsResult.Failure<TlsaRecord> f when f.kind() == DnsResult.FailureKind.BOGUS -> f.reason();
            case DnsResult.Failure<TlsaRecord> f -> f.reason() + " (" + kindWord(result) + ")";
            case DnsResult.Records<TlsaRecord> r -> "TLSA RRset at " + where + " is " + lower(r.status());
            case DnsResult.NoData<TlsaRecord> n -> "denial of TLSA at " + where + " is " + lower(n.status());
            case DnsResult.NxDomain<TlsaRecord> n -> "denial of " + where + " is " + lower(n.status());
        };
    }

    private static String kindWord(DnsResult<TlsaRecord> result) {
        return result instanceof DnsResult.Failure<TlsaRecord> f ? f.kind().name().toLowerCase(Locale.ROOT).replace('_', '-') : "bogus";
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
