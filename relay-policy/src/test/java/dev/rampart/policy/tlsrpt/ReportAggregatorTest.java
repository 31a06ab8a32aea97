package dev.rampart.policy.tlsrpt;

import static dev.rampart.policy.tlsrpt.AggregationFixtures.ALERT_MX1;
import static dev.rampart.policy.tlsrpt.AggregationFixtures.DAY;
import static dev.rampart.policy.tlsrpt.AggregationFixtures.EXPIRED_MX1;
import static dev.rampart.policy.tlsrpt.AggregationFixtures.EXPIRED_MX2;
import static dev.rampart.policy.tlsrpt.AggregationFixtures.MISMATCH_MX2;
import static dev.rampart.policy.tlsrpt.AggregationFixtures.NONE_ORG;
import static dev.rampart.policy.tlsrpt.AggregationFixtures.STS;
import static dev.rampart.policy.tlsrpt.AggregationFixtures.TLSA;
import static dev.rampart.policy.tlsrpt.AggregationFixtures.UNUSABLE_MX3;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.policy.decide.TlsRptPolicy;
import dev.rampart.policy.decide.TlsRptPolicyType;
import java.util.Collections;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** REP-03, REP-06, RPT-07: merging keys, counts, one day only. */
class ReportAggregatorTest {

    @Test
    void rep06_mergesPoliciesAndDetailsAndCountsEachSessionOnce() {
        Map<String, List<PolicySummary>> out = ReportAggregator.aggregate(DAY, AggregationFixtures.mixedDay());
        assertThat(out.keySet()).containsExactly("example.net", "example.org");

        List<PolicySummary> net = out.get("example.net");
        assertThat(net).extracting(PolicySummary::policy).containsExactly(STS, TLSA);
        PolicySummary sts = net.get(0);
        assertThat(sts.successfulSessions()).isEqualTo(4);   // 3 plain + the row-14 session
        assertThat(sts.failedSessions()).isEqualTo(4);       // 2 expired, 1 with two details, 1 with a repeated detail
        assertThat(sts.failureDetails()).containsExactly(
                new PolicySummary.FailureCount(EXPIRED_MX1, 2),
                new PolicySummary.FailureCount(MISMATCH_MX2, 1),
                new PolicySummary.FailureCount(EXPIRED_MX2, 1),
                new PolicySummary.FailureCount(ALERT_MX1, 1));
        PolicySummary tlsa = net.get(1);
        assertThat(tlsa.successfulSessions()).isZero();
        assertThat(tlsa.failedSessions()).isEqualTo(1);
        assertThat(tlsa.failureDetails()).containsExactly(new PolicySummary.FailureCount(UNUSABLE_MX3, 1));

        assertThat(out.get("example.org")).containsExactly(new PolicySummary(NONE_ORG, 2, 0, List.of()));
    }

    @Test
    void rep06_policiesDifferingInAnyKeyFieldStayApart() {
        TlsRptPolicy otherMx = new TlsRptPolicy(TlsRptPolicyType.STS, STS.policyStrings(), "example.net", List.of("mx.example.net"));
        TlsRptPolicy otherStrings = new TlsRptPolicy(TlsRptPolicyType.STS, List.of("version: STSv1", "mode: testing"),
                "example.net", STS.mxHost());
        List<SessionRecord> records = List.of(
                AggregationFixtures.at("2026-11-21T01:00:00Z", "example.net", PolicyResult.success(STS)),
                AggregationFixtures.at("2026-11-21T01:00:01Z", "example.net", PolicyResult.success(otherMx)),
                AggregationFixtures.at("2026-11-21T01:00:02Z", "example.net", PolicyResult.success(otherStrings)),
                AggregationFixtures.at("2026-11-21T01:00:03Z", "example.net", PolicyResult.success(STS)));
        List<PolicySummary> net = ReportAggregator.aggregate(DAY, records).get("example.net");
        assertThat(net).extracting(PolicySummary::policy).containsExactly(STS, otherMx, otherStrings);
        assertThat(net.get(0).successfulSessions()).isEqualTo(2);
    }

    @Test
    void rep06_detailsDifferingOnlyInReasonCodeOrIpStayApart() {
        var a = AggregationFixtures.detail(dev.rampart.policy.decide.TlsRptResultType.VALIDATION_FAILURE, "mx1.example.net", "192.0.2.1", "x");
        var b = AggregationFixtures.detail(dev.rampart.policy.decide.TlsRptResultType.VALIDATION_FAILURE, "mx1.example.net", "192.0.2.1", "y");
        var c = AggregationFixtures.detail(dev.rampart.policy.decide.TlsRptResultType.VALIDATION_FAILURE, "mx1.example.net", "192.0.2.9", "x");
        List<SessionRecord> records = List.of(
                AggregationFixtures.at("2026-11-21T01:00:00Z", "example.net", new PolicyResult(STS, List.of(a))),
                AggregationFixtures.at("2026-11-21T01:00:01Z", "example.net", new PolicyResult(STS, List.of(b))),
                AggregationFixtures.at("2026-11-21T01:00:02Z", "example.net", new PolicyResult(STS, List.of(c))),
                AggregationFixtures.at("2026-11-21T01:00:03Z", "example.net", new PolicyResult(STS, List.of(a))));
        PolicySummary sts = ReportAggregator.aggregate(DAY, records).get("example.net").getFirst();
        assertThat(sts.failedSessions()).isEqualTo(4);
        assertThat(sts.failureDetails()).containsExactly(new PolicySummary.FailureCount(a, 2),
                new PolicySummary.FailureCount(b, 1), new PolicySummary.FailureCount(c, 1));
    }

    @Test
    void rep03_outputDoesNotDependOnInputOrder() {
        List<SessionRecord> shuffled = new ArrayList<>(AggregationFixtures.mixedDay());
        Collections.shuffle(shuffled, new Random(7));
        assertThat(ReportAggregator.aggregate(DAY, shuffled)).isEqualTo(ReportAggregator.aggregate(DAY, AggregationFixtures.mixedDay()));
    }

    @Test
    void anEmptyDayHasNoReports() {
        assertThat(ReportAggregator.aggregate(DAY, List.of())).isEmpty();
    }
}
