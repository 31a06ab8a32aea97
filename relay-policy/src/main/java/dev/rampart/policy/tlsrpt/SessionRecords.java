package dev.rampart.policy.tlsrpt;

import dev.rampart.policy.decide.TlsRptFailure;
import dev.rampart.policy.decide.TlsRptPolicyType;
import dev.rampart.policy.decide.TlsRptRecording;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one place where a session's TLS-RPT record is made (RPT-01; design.md step 6): from the decision's
 * {@link TlsRptRecording} (which policies the session counts under, and the failures already certain) and
 * the {@link TlsOutcome} the delivery code observed. Rules: nothing for {@code NotRecorded} (manual levels,
 * address literals, {@code TLS-Required: No}, our own reports: RPT-09) or a transient network failure
 * (RPT-08); a skipped host is one failed session with the decision's failures; a TLS failure applies to
 * every policy the session counts under; a report-only audit failure only to the {@code sts} one; each
 * policy result is exactly one session however many details it carries (RPT-07). Pure and thread-safe.
 */
public final class SessionRecords {
    private SessionRecords() {}

    /** The record to journal, or empty when this session is not recorded. */
    public static Optional<SessionRecord> of(Instant at, String reportDomain, TlsRptRecording recording,
                                             TlsOutcome outcome) {
        List<TlsRptRecording.Recorded> entries = switch (recording) {
            case TlsRptRecording.NotRecorded n -> List.of();
            case TlsRptRecording.Recorded r -> List.of(r);
            case TlsRptRecording.Each e -> e.entries();
        };
        if (entries.isEmpty() || outcome instanceof TlsOutcome.Transient) {
            return Optional.empty();
        }
        List<PolicyResult> results = new ArrayList<>();
        for (TlsRptRecording.Recorded entry : entries) {
            List<FailureDetail> failures = new ArrayList<>();
            TlsOutcome.Peer peer = peer(outcome);
            for (TlsRptFailure known : entry.knownFailures()) {
                failures.add(detail(peer, known.resultType(), known.reasonCode()));
            }
            switch (outcome) {
                case TlsOutcome.NotConnected n -> {
                    if (failures.isEmpty()) {
                        // A skip always carries its reason; without one there is nothing true to report.
                        continue;
                    }
                }
                case TlsOutcome.Transient t -> { }
                case TlsOutcome.Established e -> e.auditFailure()
                        .filter(a -> entry.policy().type() == TlsRptPolicyType.STS)
                        .ifPresent(a -> failures.add(detail(peer, a.type(), a.reasonCode())));
                case TlsOutcome.Failed f -> failures.add(detail(peer, f.failure().type(), f.failure().reasonCode()));
            }
            results.add(new PolicyResult(entry.policy(), failures));
        }
        if (results.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SessionRecord(at, reportDomain, results));
    }

    private static TlsOutcome.Peer peer(TlsOutcome outcome) {
        return switch (outcome) {
            case TlsOutcome.NotConnected n -> new TlsOutcome.Peer("", n.mxHost(), "", "");
            case TlsOutcome.Transient t -> new TlsOutcome.Peer("", "", "", "");
            case TlsOutcome.Established e -> e.peer();
            case TlsOutcome.Failed f -> f.peer();
        };
    }

    private static FailureDetail detail(TlsOutcome.Peer peer, dev.rampart.policy.decide.TlsRptResultType type,
                                        String code) {
        return new FailureDetail(type, peer.sendingIp(), peer.mxHost(), peer.helo(), peer.receivingIp(), code, "");
    }
}
