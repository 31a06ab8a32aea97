package dev.rampart.policy.dns;

import dev.rampart.policy.dns.DnsResult.FailureKind;
import java.util.Optional;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * The single place where one upstream response is judged: is it usable at all, and what is its DNSSEC
 * status (DNS-01..DNS-03). Every link of a CNAME chain passes through here, so the chain status is the
 * combination of these verdicts (DNS-04).
 *
 * <p>By {@link DnssecMode}: in VALIDATE the response comes from dnsjava's {@code ValidatingResolver},
 * which sets AD on SECURE data and turns BOGUS data into SERVFAIL with an RFC 8914 extended error; in
 * TRUST_AD the same signals come from a validating upstream on loopback (RFC 4035 §4.9.3); in OFF every
 * answer is INSECURE. In every mode a SERVFAIL carrying a DNSSEC extended error (codes 1, 2 and 5–12) is
 * {@link FailureKind#BOGUS} with the error text as reason, and "DNSSEC Indeterminate" (5) counts as bogus
 * (DNS-02); a SERVFAIL without one is an upstream failure, except in VALIDATE mode, where only the
 * validator can still produce one. Both are lookup errors (DNS-03).
 *
 * <p>Stateless apart from the mode; thread-safe.
 */
final class ResponseSecurity {

    /** What a response is worth. */
    sealed interface Verdict {
        /** NOERROR or NXDOMAIN: the sections may be read; {@code status} covers them. */
        record Usable(DnssecStatus status) implements Verdict {}

        /** The response answers nothing (DNS-03). */
        record Rejected(FailureKind kind, String reason) implements Verdict {}
    }

    private static final int EDE_DNSSEC_INDETERMINATE = 5;

    private final DnssecMode mode;

    ResponseSecurity(DnssecMode mode) {
        this.mode = mode;
    }

    Verdict judge(Message response) {
        if (!response.getHeader().getFlag(Flags.QR) || response.getHeader().getOpcode() != Opcode.QUERY) {
            return new Verdict.Rejected(FailureKind.MALFORMED, "reply is not a QUERY response");
        }
        int rcode = response.getRcode();
        if (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN) {
            return new Verdict.Usable(status(response));
        }
        if (rcode == Rcode.SERVFAIL) {
            Optional<String> dnssec = dnssecError(response);
            if (dnssec.isEmpty() && mode == DnssecMode.VALIDATE) {
                // UpstreamFailureGuard turns the upstream's own SERVFAIL into an I/O error before the
                // validator sees it, so a SERVFAIL here is the validator's verdict even without an EDE.
                dnssec = Optional.of(validatorReason(response).orElse("DNSSEC validation failed"));
            }
            return dnssec.<Verdict>map(reason -> new Verdict.Rejected(FailureKind.BOGUS, reason))
                    .orElseGet(() -> new Verdict.Rejected(FailureKind.SERVFAIL, "upstream answered SERVFAIL"));
        }
        if (rcode == Rcode.FORMERR) {
            return new Verdict.Rejected(FailureKind.MALFORMED, "upstream answered FORMERR");
        }
        // REFUSED, NOTIMP and anything unknown: the question went unanswered, which is a temporary
        // lookup error like SERVFAIL (classify once; unknown is temporary).
        return new Verdict.Rejected(FailureKind.SERVFAIL, "upstream answered " + Rcode.string(rcode));
    }

    private DnssecStatus status(Message response) {
        boolean ad = response.getHeader().getFlag(Flags.AD);
        return switch (mode) {
            case VALIDATE, TRUST_AD -> ad ? DnssecStatus.SECURE : DnssecStatus.INSECURE;
            case OFF -> DnssecStatus.INSECURE;
        };
    }

    /** The reason of a DNSSEC extended error in the response (RFC 8914 §4), if it carries one. */
    static Optional<String> dnssecError(Message response) {
        OPTRecord opt = response.getOPT();
        if (opt == null) {
            return Optional.empty();
        }
        for (EDNSOption option : opt.getOptions(EDNSOption.Code.EDNS_EXTENDED_ERROR)) {
            if (option instanceof ExtendedErrorCodeOption ede) {
                Optional<String> name = dnssecErrorName(ede.getErrorCode());
                if (name.isPresent()) {
                    if (ede.getText() == null || ede.getText().isBlank()) {
                        return name;
                    }
                    String text = ede.getText().strip();
                    return Optional.of(ede.getErrorCode() == EDE_DNSSEC_INDETERMINATE ? "DNSSEC indeterminate: " + text : text);
                }
            }
        }
        return Optional.empty();
    }

    /** The reason dnsjava's validator adds as a TXT record of class 65280 owned by the root. */
    private static Optional<String> validatorReason(Message response) {
        for (Record r : response.getSection(Section.ADDITIONAL)) {
            if (r instanceof TXTRecord txt && r.getDClass() == ValidatingResolver.VALIDATION_REASON_QCLASS
                    && r.getName().equals(Name.root)) {
                String text = String.join("", txt.getStrings()).strip();
                if (!text.isEmpty()) {
                    return Optional.of(text);
                }
            }
        }
        return Optional.empty();
    }

    /** RFC 8914 §4 codes that report a DNSSEC validation failure. */
    private static Optional<String> dnssecErrorName(int code) {
        return Optional.ofNullable(switch (code) {
            case 1 -> "unsupported DNSKEY algorithm";
            case 2 -> "unsupported DS digest type";
            case 5 -> "DNSSEC indeterminate";
            case 6 -> "DNSSEC bogus";
            case 7 -> "signature expired";
            case 8 -> "signature not yet valid";
            case 9 -> "DNSKEY missing";
            case 10 -> "RRSIGs missing";
            case 11 -> "no zone key bit set";
            case 12 -> "NSEC missing";
            default -> null;
        });
    }
}
