package dev.rampart.policy.dns;

import dev.rampart.policy.dns.DnsResult.FailureKind;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;

/**
 * The single place where one upstream response is judged: is it usable at all, and what is its DNSSEC
 * status (DNS-01..DNS-03). Every link of a CNAME chain passes through here, so the chain status is the
 * combination of these verdicts (DNS-04).
 *
 * <p>Today the status comes from the AD bit, believed only when {@code trustAd} is set (the upstream is a
 * validating resolver on a trusted path, RFC 6698 §8 / RFC 4035 §4.9.3); otherwise every answer is
 * INSECURE. When in-process validation arrives, a SERVFAIL carrying the validator's extended error
 * (RFC 8914) becomes {@link Verdict.Rejected} with {@link FailureKind#BOGUS}, and nothing else changes.
 *
 * <p>Stateless apart from the flag; thread-safe.
 */
final class ResponseSecurity {

    /** What a response is worth. */
    sealed interface Verdict {
        /** NOERROR or NXDOMAIN: the sections may be read; {@code status} covers them. */
        record Usable(DnssecStatus status) implements Verdict {}

        /** The response answers nothing (DNS-03). */
        record Rejected(FailureKind kind, String reason) implements Verdict {}
    }

    private final boolean trustAd;

    ResponseSecurity(boolean trustAd) {
        this.trustAd = trustAd;
    }

    Verdict judge(Message response) {
        if (!response.getHeader().getFlag(Flags.QR) || response.getHeader().getOpcode() != Opcode.QUERY) {
            return new Verdict.Rejected(FailureKind.MALFORMED, "reply is not a QUERY response");
        }
        int rcode = response.getRcode();
        if (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN) {
            boolean authenticated = trustAd && response.getHeader().getFlag(Flags.AD);
            return new Verdict.Usable(authenticated ? DnssecStatus.SECURE : DnssecStatus.INSECURE);
        }
        if (rcode == Rcode.SERVFAIL) {
            return new Verdict.Rejected(FailureKind.SERVFAIL, "upstream answered SERVFAIL");
        }
        if (rcode == Rcode.FORMERR) {
            return new Verdict.Rejected(FailureKind.MALFORMED, "upstream answered FORMERR");
        }
        // REFUSED, NOTIMP and anything unknown: the question went unanswered, which is a temporary
        // lookup error like SERVFAIL (classify once; unknown is temporary).
        return new Verdict.Rejected(FailureKind.SERVFAIL, "upstream answered " + Rcode.string(rcode));
    }
}
