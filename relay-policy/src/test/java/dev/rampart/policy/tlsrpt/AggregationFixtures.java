package dev.rampart.policy.tlsrpt;

import dev.rampart.policy.decide.TlsRptPolicy;
import dev.rampart.policy.decide.TlsRptPolicyType;
import dev.rampart.policy.decide.TlsRptResultType;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** One day of sessions for two report domains, with every merging case, and the counts it must give. */
final class AggregationFixtures {
    static final LocalDate DAY = LocalDate.parse("2026-11-21");
    static final TlsRptPolicy STS = new TlsRptPolicy(TlsRptPolicyType.STS,
            List.of("version: STSv1", "mode: enforce", "mx: *.example.net", "max_age: 86400"), "example.net",
            List.of("*.example.net"));
    static final TlsRptPolicy TLSA = new TlsRptPolicy(TlsRptPolicyType.TLSA, List.of("0 0 1 AB"), "mx3.example.net",
            List.of("mx3.example.net"));
    static final TlsRptPolicy NONE_ORG = new TlsRptPolicy(TlsRptPolicyType.NO_POLICY_FOUND, List.of(), "example.org",
            List.of("mx.example.org"));
    static final FailureDetail EXPIRED_MX1 = detail(TlsRptResultType.CERTIFICATE_EXPIRED, "mx1.example.net", "192.0.2.1", "");
    static final FailureDetail MISMATCH_MX2 = detail(TlsRptResultType.CERTIFICATE_HOST_MISMATCH, "mx2.example.net", "192.0.2.2", "");
    static final FailureDetail EXPIRED_MX2 = detail(TlsRptResultType.CERTIFICATE_EXPIRED, "mx2.example.net", "192.0.2.2", "");
    static final FailureDetail ALERT_MX1 = detail(TlsRptResultType.VALIDATION_FAILURE, "mx1.example.net", "192.0.2.1",
            "tls-alert-40-handshake_failure");
    static final FailureDetail UNUSABLE_MX3 = detail(TlsRptResultType.TLSA_INVALID, "mx3.example.net", "192.0.2.3", "all-unusable");

    /** Sessions recorded under policies of example.net: 8 under sts, 1 under tlsa. */
    static final long EXAMPLE_NET_POLICY_SESSIONS = 9;
    /** Sum of failed-session-count over example.net's failure details. */
    static final long EXAMPLE_NET_DETAIL_SESSIONS = 6;

    private AggregationFixtures() {}

    static FailureDetail detail(TlsRptResultType type, String mx, String ip, String code) {
        return new FailureDetail(type, "198.51.100.1", mx, "", ip, code, "");
    }

    static SessionRecord at(String time, String domain, PolicyResult... results) {
        return new SessionRecord(Instant.parse(time), domain, List.of(results));
    }

    static List<SessionRecord> mixedDay() {
        List<SessionRecord> r = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            r.add(at("2026-11-21T01:0" + i + ":00Z", "example.net", PolicyResult.success(STS)));
        }
        r.add(at("2026-11-21T02:00:00Z", "example.net", new PolicyResult(STS, List.of(EXPIRED_MX1))));
        r.add(at("2026-11-21T02:01:00Z", "example.net", new PolicyResult(STS, List.of(EXPIRED_MX1))));
        // RPT-07: two details, one session.
        r.add(at("2026-11-21T03:00:00Z", "example.net", new PolicyResult(STS, List.of(MISMATCH_MX2, EXPIRED_MX2))));
        // Row 14: one session, recorded under sts and under tlsa.
        r.add(at("2026-11-21T04:00:00Z", "example.net", PolicyResult.success(STS),
                new PolicyResult(TLSA, List.of(UNUSABLE_MX3))));
        // The same detail twice within one session counts that session once.
        r.add(at("2026-11-21T05:00:00Z", "example.net", new PolicyResult(STS, List.of(ALERT_MX1, ALERT_MX1))));
        // Another day: never in this day's report.
        r.add(at("2026-11-22T00:00:00Z", "example.net", PolicyResult.success(STS)));
        r.add(at("2026-11-20T23:59:59Z", "example.net", PolicyResult.success(STS)));
        r.add(at("2026-11-21T06:00:00Z", "example.org", PolicyResult.success(NONE_ORG)));
        r.add(at("2026-11-21T23:59:59Z", "example.org", PolicyResult.success(NONE_ORG)));
        return r;
    }
}
