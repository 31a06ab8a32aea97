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
import dev.rampart.policy.sts.StsFailureKind;
import dev.rampart.policy.sts.StsMxMatcher;

/**
 * The precedence table of conformance §7 as total functions: facts in, {@link DomainPlan} and
 * {@link HostPlan} out (POL-01). Covers rows 1–19; REQUIRETLS (row 21) is {@link RequireTlsRule}, applied on
 * top of a host plan. No clock, no I/O, no logging; thread-safe.
 *
 * <p>Manual levels (POL-10): {@code none}, {@code may}, {@code encrypt} and {@code secure} replace
 * discovery (rows 1–4; also for an address literal with such an entry, row 19); their sessions are not
 * recorded for TLS-RPT and are logged as {@code policy=manual}. {@code dane} and {@code dane-only} keep
 * discovery.
 *
 * <p>MTA-STS (rows 11, 14–18): an {@code enforce} policy's mx filter applies to every host before its
 * TLSA answer is looked at (row 11, POL-01 step 3); usable TLSA then decides alone whatever the mode
 * (row 12, POL-02, POL-03); a failed TLSA lookup skips the host even under {@code enforce} (POL-04);
 * STS authenticates only hosts without usable TLSA (rows 14–17); {@code none} is no policy (STS-21).
 * {@code dane-only} ignores MTA-STS (rows 5–7).
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
            case ManualPolicy.None n -> { }
            case ManualPolicy.May m -> { }
            case ManualPolicy.Encrypt e -> { }
            case ManualPolicy.Secure s -> { }
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
        boolean literal = AddressLiterals.isLiteralSyntax(host);
        if (!literal && (failedValidation(facts.domain().mxStatus()) || failedValidation(facts.address().aliasStatus())
                || failedValidation(facts.address().addressStatus()))) {
            return dnssecInvalid(facts);
        }
        String nextHop = facts.domain().nextHop();
        String where = literal ? "address literal, no MX, DANE or MTA-STS (row 19, MX-02); " : "";
        return switch (facts.domain().manual()) {
            // Row 19: no MX, DANE or MTA-STS for address literals (MX-02); the default level is opportunistic.
            case ManualPolicy.Dane d -> literal ? literalDefault(facts) : discovered(facts, false);
            case ManualPolicy.DaneOnly d -> literal ? literalDefault(facts) : discovered(facts, true);
            case ManualPolicy.None n -> manual(facts, TlsRequirement.NO_STARTTLS, Authentication.NONE,
                    where + "policy map: none: STARTTLS is never sent, even when offered (row 1, POL-10)");
            case ManualPolicy.May m -> manual(facts, TlsRequirement.OPPORTUNISTIC, Authentication.NONE,
                    where + "policy map: may: STARTTLS when offered, plaintext otherwise (row 2, POL-10)");
            case ManualPolicy.Encrypt e -> manual(facts, TlsRequirement.REQUIRED, Authentication.NONE,
                    where + "policy map: encrypt: STARTTLS required, certificate not checked; never plaintext"
                            + " (row 3, POL-05, POL-10)");
            case ManualPolicy.Secure s -> secure(facts, s.referenceIds(host, nextHop), where);
        };
    }

    private static HostPlan literalDefault(HostFacts facts) {
        return opportunistic(facts, "address literal: no DANE or MTA-STS applies (row 19, MX-02)",
                new TlsRptRecording.NotRecorded("address literal (row 19)"));
    }

    /** Rows 1–3 (and 19 with such an entry): the level alone decides; no discovery, no TLS-RPT (POL-10). */
    private static HostPlan manual(HostFacts facts, TlsRequirement requirement, Authentication authentication,
                                   String why) {
        String host = facts.hostName();
        return new HostPlan.Connect(host, requirement, authentication, host, "", List.of(), MINIMUM_TLS,
                AppliedPolicy.MANUAL, why + "; no TLSA or MTA-STS lookups", notRecorded(facts.domain().manual()));
    }

    /** Row 4: WebPKI with the configured names (default: the MX host and the next-hop domain). */
    private static HostPlan secure(HostFacts facts, List<String> names, String where) {
        String host = facts.hostName();
        ManualPolicy level = facts.domain().manual();
        if (names.isEmpty()) {
            // Only an address literal without match= names gets here; the map parser refuses that entry.
            return new HostPlan.Skip(host, "policy map: secure for " + host + " names no certificate names"
                    + " (an address literal needs match=)", POLICY_STATUS,
                    where + "policy map: secure without reference names; host skipped (row 4, POL-10)",
                    notRecorded(level), AppliedPolicy.MANUAL);
        }
        return manual(facts, TlsRequirement.REQUIRED, new Authentication.Pkix(names), where
                + "policy map: " + level.describe() + ": STARTTLS and PKIX required, SAN one of "
                + String.join(", ", names) + (host.startsWith("[") ? "" : ", SNI " + host) + " (row 4, POL-10)");
    }

    private static TlsRptRecording notRecorded(ManualPolicy level) {
        return new TlsRptRecording.NotRecorded("manual policy " + level.describe() + " (POL-10)");
    }

    /** Rows 5–18: DANE, then MTA-STS, then opportunistic TLS, as discovered for the host. */
    private static HostPlan discovered(HostFacts facts, boolean daneOnly) {
        String host = facts.hostName();
        Sts sts = daneOnly ? Sts.NO_POLICY : Sts.of(facts.domain().sts(), host);
        if (sts.mode == Sts.Mode.ENFORCE && !sts.admitted) {
            // Row 11, STS-19: never contacted, whatever its TLSA says; treated like an unreachable MX.
            StsFacts.Applied a = (StsFacts.Applied) facts.domain().sts();
            return new HostPlan.Skip(host, "MX host " + host + " is not in the MTA-STS policy of " + a.policyDomain()
                    + " (mx: " + String.join(", ", a.policy().mx()) + ")", POLICY_STATUS,
                    "MTA-STS enforce: host matches no mx pattern; not contacted, next MX; re-check the policy id"
                            + " before a final bounce (row 11, STS-17, STS-19, QUE-16)",
                    recorded(sts.rptPolicy, TlsRptResultType.VALIDATION_FAILURE, MX_NOT_IN_POLICY),
                    AppliedPolicy.MTA_STS);
        }
        return switch (facts.tlsa()) {
            case TlsaFacts.NotQueried n -> withoutTlsa(facts, daneOnly, sts, n.reason());
            case TlsaFacts.Answer a -> withAnswer(facts, daneOnly, sts, a);
        };
    }

    private static HostPlan withoutTlsa(HostFacts facts, boolean daneOnly, Sts sts, String reason) {
        String host = facts.hostName();
        if (!daneOnly) {
            return withoutDane(facts, sts, reason);
        }
        TlsRptRecording rpt = recorded(TlsRptPolicy.tlsaWithoutRecords(host, host), TlsRptResultType.DANE_REQUIRED, "");
        if (!facts.domain().mxSecure()) {
            return new HostPlan.Skip(host, "dane-only: MX RRset of " + facts.domain().nextHop() + " is not secure",
                    POLICY_STATUS, reason + "; dane-only defers the domain (row 5, DANE-16)", rpt);
        }
        return new HostPlan.Skip(host, "dane-only: no secure TLSA for " + host + " (its address chain is not secure)",
                POLICY_STATUS, reason + "; dane-only skips the host (row 7, DANE-16)", rpt);
    }

    /** Rows 16, 17 and 18: DANE does not apply to the host, so MTA-STS or nothing decides. */
    private static HostPlan withoutDane(HostFacts facts, Sts sts, String reason) {
        String host = facts.hostName();
        String mx15 = facts.domain().mxSecure() ? "" : "; MX RRset insecure: never logged as secure (MX-15)";
        return switch (sts.mode) {
            case NONE -> opportunistic(facts, reason + "; opportunistic TLS (DANE-09)" + sts.noPolicyWhy + mx15,
                    sts.withNoPolicyFound(noPolicyFound(facts)));
            case ENFORCE -> new HostPlan.Connect(host, TlsRequirement.REQUIRED, pkix(host), host, "", List.of(),
                    MINIMUM_TLS, AppliedPolicy.MTA_STS, reason + "; MTA-STS enforce: STARTTLS and PKIX with SAN = "
                            + host + " required, SNI " + host + " (row 16, STS-18, STS-19)",
                    sts.recording());
            case TESTING -> new HostPlan.Connect(host, TlsRequirement.OPPORTUNISTIC, Authentication.NONE, host, "",
                    List.of(), MINIMUM_TLS, AppliedPolicy.MTA_STS, reason + "; MTA-STS testing: opportunistic TLS,"
                            + " PKIX with SAN = " + host + " checked and reported only (row 17, STS-20)" + sts.testingWhy,
                    sts.recording(), pkix(host));
        };
    }

    private static HostPlan withAnswer(HostFacts facts, boolean daneOnly, Sts sts, TlsaFacts.Answer answer) {
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
                    : withoutDane(facts, sts, "no secure TLSA RRset at " + where + "; DANE does not apply");
            // classify() says SECURE_RECORDS only for a secure, non-empty Records answer.
            case SECURE_RECORDS -> withRecords(facts, daneOnly, sts, base,
                    ((DnsResult.Records<TlsaRecord>) result).records());
        };
    }

    private static HostPlan withRecords(HostFacts facts, boolean daneOnly, Sts sts, String base,
                                        List<TlsaRecord> all) {
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
        TlsRptRecording.Recorded tlsaEntry = recorded(rptPolicy, TlsRptResultType.TLSA_INVALID, "all-unusable");
        String unusable = "secure TLSA RRset at " + where + " has only unusable records; STARTTLS required";
        return switch (sts.mode) {
            case NONE -> new HostPlan.Connect(host, TlsRequirement.REQUIRED, Authentication.NONE, base, base, all,
                    MINIMUM_TLS, AppliedPolicy.DANE, unusable + ", certificate not authenticated (row 13, DANE-08)"
                            + sts.noPolicyWhy, tlsaEntry);
            case ENFORCE -> new HostPlan.Connect(host, TlsRequirement.REQUIRED, pkix(host), host, base, all,
                    MINIMUM_TLS, AppliedPolicy.MTA_STS, unusable + "; MTA-STS enforce authenticates by PKIX with SAN = "
                            + host + ", SNI " + host + " (row 14, DANE-08, STS-18, STS-19)",
                    new TlsRptRecording.Each(List.of(sts.recording(), tlsaEntry)));
            case TESTING -> new HostPlan.Connect(host, TlsRequirement.REQUIRED, Authentication.NONE, host, base, all,
                    MINIMUM_TLS, AppliedPolicy.DANE, unusable + " (DANE-08); MTA-STS testing: PKIX with SAN = " + host
                            + " checked and reported only, SNI " + host + " (row 15, STS-20)" + sts.testingWhy,
                    new TlsRptRecording.Each(List.of(sts.recording(), tlsaEntry)), pkix(host));
        };
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
        // A manual level replaces discovery, so nothing is recorded for TLS-RPT (POL-10); the bogus answer
        // still skips the host, as any failed lookup does.
        TlsRptRecording rpt = d.manual().usesDiscovery() ? recorded(policy, TlsRptResultType.DNSSEC_INVALID, "")
                : notRecorded(d.manual());
        return new HostPlan.Skip(host, "DNSSEC validation failed: " + what, DNS_TEMPFAIL,
                what + "; host skipped (DNS-02, MX-13)", rpt);
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

    private static Authentication pkix(String host) {
        return new Authentication.Pkix(List.of(host.toLowerCase(Locale.ROOT)));
    }

    /** The TLS-RPT {@code failure-reason-code} of row 11. */
    public static final String MX_NOT_IN_POLICY = "mx-not-in-sts-policy";

    /**
     * {@link StsFacts} as one host sees them: the effective mode (STS-21 folds {@code none}, absence and a
     * failed fetch into NONE), whether the host matches an mx pattern (STS-17, against the MX name), and
     * the TLS-RPT pieces. {@code rptPolicy} is null exactly when no {@code sts} policy object exists
     * (mode NONE); it never leaves this class.
     */
    private record Sts(Mode mode, boolean admitted, TlsRptPolicy rptPolicy, List<TlsRptFailure> failures,
                       String noPolicyWhy, String testingWhy) {
        enum Mode { NONE, ENFORCE, TESTING }

        static final Sts NO_POLICY = new Sts(Mode.NONE, false, null, List.of(), "", "");

        static Sts of(StsFacts facts, String host) {
            return switch (facts) {
                case StsFacts.Absent a -> NO_POLICY;
                case StsFacts.FetchFailed f -> new Sts(Mode.NONE, false, null,
                        List.of(TlsRptFailure.of(resultType(f.kind()))),
                        "; MTA-STS policy unavailable, nothing cached: " + f.reason() + " (row 18)", "");
                case StsFacts.Applied a -> {
                    boolean admitted = StsMxMatcher.admits(a.policy(), host);
                    TlsRptPolicy policy = TlsRptPolicy.sts(a.policy(), a.policyDomain());
                    // RPT-10: a failed fetch of a newer policy is reported against the cached one in use.
                    List<TlsRptFailure> refresh = a.refreshFailure().map(k -> List.of(TlsRptFailure.of(resultType(k))))
                            .orElse(List.of());
                    yield switch (a.mode()) {
                        case NONE -> new Sts(Mode.NONE, false, null, List.of(), "; MTA-STS mode none: no policy (STS-21)", "");
                        case ENFORCE -> new Sts(Mode.ENFORCE, admitted, policy, refresh, "", "");
                        case TESTING -> admitted
                                ? new Sts(Mode.TESTING, true, policy, refresh, "", "")
                                : new Sts(Mode.TESTING, false, policy, concat(refresh,
                                        new TlsRptFailure(TlsRptResultType.VALIDATION_FAILURE, MX_NOT_IN_POLICY)),
                                        "", "; host matches no mx pattern, reported only (STS-20)");
                    };
                }
            };
        }

        TlsRptRecording.Recorded recording() {
            return new TlsRptRecording.Recorded(rptPolicy, failures);
        }

        /** Row 18: {@code no-policy-found}, plus the {@code sts} fetch or parse failure when there was one. */
        TlsRptRecording withNoPolicyFound(TlsRptRecording.Recorded noPolicy) {
            if (failures.isEmpty()) {
                return noPolicy;
            }
            TlsRptPolicy fetch = TlsRptPolicy.stsWithoutPolicy(noPolicy.policy().policyDomain());
            return new TlsRptRecording.Each(List.of(noPolicy, new TlsRptRecording.Recorded(fetch, failures)));
        }
    }

    private static List<TlsRptFailure> concat(List<TlsRptFailure> first, TlsRptFailure then) {
        List<TlsRptFailure> all = new ArrayList<>(first);
        all.add(then);
        return List.copyOf(all);
    }

    private static TlsRptResultType resultType(StsFailureKind kind) {
        return switch (kind) {
            case FETCH_ERROR -> TlsRptResultType.STS_POLICY_FETCH_ERROR;
            case POLICY_INVALID -> TlsRptResultType.STS_POLICY_INVALID;
            case WEBPKI_INVALID -> TlsRptResultType.STS_WEBPKI_INVALID;
        };
    }

    private static HostPlan.Connect opportunistic(HostFacts facts, String why, TlsRptRecording rpt) {
        String host = facts.hostName();
        return new HostPlan.Connect(host, TlsRequirement.OPPORTUNISTIC, Authentication.NONE, host, "", List.of(),
                MINIMUM_TLS, AppliedPolicy.NONE, why, rpt);
    }

    private static TlsRptRecording.Recorded noPolicyFound(HostFacts facts) {
        return new TlsRptRecording.Recorded(TlsRptPolicy.noPolicyFound(facts.domain().nextHop(), facts.hostName()),
                List.of());
    }

    private static TlsRptRecording.Recorded recorded(TlsRptPolicy policy, TlsRptResultType type, String reasonCode) {
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
