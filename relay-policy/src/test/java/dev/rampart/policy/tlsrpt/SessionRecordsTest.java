package dev.rampart.policy.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.policy.decide.TlsRptFailure;
import dev.rampart.policy.decide.TlsRptPolicy;
import dev.rampart.policy.decide.TlsRptPolicyType;
import dev.rampart.policy.decide.TlsRptRecording;
import dev.rampart.policy.decide.TlsRptResultType;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** RPT-01, RPT-07, RPT-08, RPT-09: one session, one record, built in one place. */
class SessionRecordsTest {
    private static final Instant AT = Instant.parse("2026-11-21T10:00:00Z");
    private static final TlsRptPolicy STS = new TlsRptPolicy(TlsRptPolicyType.STS,
            List.of("version: STSv1", "mode: testing", "mx: mx.example.net", "max_age: 86400"), "example.net",
            List.of("mx.example.net"));
    private static final TlsRptPolicy TLSA = new TlsRptPolicy(TlsRptPolicyType.TLSA, List.of("0 0 1 AB"),
            "mx.example.net", List.of("mx.example.net"));
    private static final TlsRptPolicy NONE = new TlsRptPolicy(TlsRptPolicyType.NO_POLICY_FOUND, List.of(),
            "example.net", List.of("mx.example.net"));
    private static final TlsOutcome.Peer PEER = new TlsOutcome.Peer("192.0.2.1", "mx.example.net", "mx.example.net", "198.51.100.7");

    private static TlsRptRecording.Recorded rec(TlsRptPolicy p, TlsRptFailure... known) {
        return new TlsRptRecording.Recorded(p, List.of(known));
    }

    @Test
    void rpt01_successfulSession() {
        SessionRecord r = SessionRecords.of(AT, "example.net", rec(NONE),
                new TlsOutcome.Established(PEER, Optional.empty())).orElseThrow();
        assertThat(r.results()).containsExactly(PolicyResult.success(NONE));
        assertThat(r.reportDomain()).isEqualTo("example.net");
        assertThat(r.day()).hasToString("2026-11-21");
    }

    @Test
    void rpt01_skippedHostIsOneFailedSessionWithoutAddresses() {
        SessionRecord r = SessionRecords.of(AT, "example.net",
                rec(TLSA, TlsRptFailure.of(TlsRptResultType.DNSSEC_INVALID)),
                new TlsOutcome.NotConnected("mx.example.net")).orElseThrow();
        assertThat(r.results()).containsExactly(new PolicyResult(TLSA, List.of(new FailureDetail(
                TlsRptResultType.DNSSEC_INVALID, "", "mx.example.net", "", "", "", ""))));
    }

    @Test
    void rpt06_tlsFailureIsAddedToTheDecisionsFailures_row13() {
        SessionRecord r = SessionRecords.of(AT, "example.net",
                rec(TLSA, new TlsRptFailure(TlsRptResultType.TLSA_INVALID, "all-unusable")),
                new TlsOutcome.Failed(PEER, new TlsOutcome.Failure(TlsRptResultType.STARTTLS_NOT_SUPPORTED, "")))
                .orElseThrow();
        assertThat(r.results().getFirst().failures()).extracting(FailureDetail::resultType)
                .containsExactly(TlsRptResultType.TLSA_INVALID, TlsRptResultType.STARTTLS_NOT_SUPPORTED);
        assertThat(r.results().getFirst().failures().get(1).receivingIp()).isEqualTo("198.51.100.7");
    }

    @Test
    void rpt07_row15_auditFailureCountsOnlyAgainstSts() {
        TlsRptRecording each = new TlsRptRecording.Each(List.of(rec(STS),
                rec(TLSA, new TlsRptFailure(TlsRptResultType.TLSA_INVALID, "all-unusable"))));
        SessionRecord r = SessionRecords.of(AT, "example.net", each, new TlsOutcome.Established(PEER,
                Optional.of(new TlsOutcome.Failure(TlsRptResultType.CERTIFICATE_NOT_TRUSTED, "")))).orElseThrow();
        assertThat(r.results()).hasSize(2);
        assertThat(r.results().get(0).failures()).extracting(FailureDetail::resultType)
                .containsExactly(TlsRptResultType.CERTIFICATE_NOT_TRUSTED);
        assertThat(r.results().get(1).failures()).extracting(FailureDetail::resultType)
                .containsExactly(TlsRptResultType.TLSA_INVALID);
    }

    @Test
    void rpt07_handshakeFailureAppliesToEveryPolicyOfTheSession_row14() {
        TlsRptRecording each = new TlsRptRecording.Each(List.of(rec(STS), rec(TLSA,
                new TlsRptFailure(TlsRptResultType.TLSA_INVALID, "all-unusable"))));
        SessionRecord r = SessionRecords.of(AT, "example.net", each, new TlsOutcome.Failed(PEER,
                new TlsOutcome.Failure(TlsRptResultType.VALIDATION_FAILURE, "tls-alert-40-handshake_failure"))).orElseThrow();
        assertThat(r.results()).allSatisfy(p -> assertThat(p.failures()).extracting(FailureDetail::failureReasonCode)
                .contains("tls-alert-40-handshake_failure"));
    }

    @Test
    void rpt18_fetchFailureEntryAndNoPolicyFound() {
        TlsRptPolicy stsFailed = new TlsRptPolicy(TlsRptPolicyType.STS, List.of(), "example.net", List.of());
        TlsRptRecording each = new TlsRptRecording.Each(List.of(rec(NONE),
                rec(stsFailed, TlsRptFailure.of(TlsRptResultType.STS_POLICY_FETCH_ERROR))));
        SessionRecord r = SessionRecords.of(AT, "example.net", each, new TlsOutcome.Established(PEER, Optional.empty()))
                .orElseThrow();
        assertThat(r.results().get(0).successful()).isTrue();
        assertThat(r.results().get(1).failures()).extracting(FailureDetail::resultType)
                .containsExactly(TlsRptResultType.STS_POLICY_FETCH_ERROR);
    }

    @Test
    void rpt08_rpt09_transientAndNotRecordedSessionsLeaveNothing() {
        assertThat(SessionRecords.of(AT, "example.net", rec(NONE), new TlsOutcome.Transient("connection refused"))).isEmpty();
        assertThat(SessionRecords.of(AT, "example.net", new TlsRptRecording.NotRecorded("TLS-Required: No (POL-08)"),
                new TlsOutcome.Established(PEER, Optional.empty()))).isEmpty();
    }

    @Test
    void aSkipWithoutAKnownReasonIsNotInvented() {
        assertThat(SessionRecords.of(AT, "example.net", rec(NONE), new TlsOutcome.NotConnected("mx.example.net"))).isEmpty();
    }
}
