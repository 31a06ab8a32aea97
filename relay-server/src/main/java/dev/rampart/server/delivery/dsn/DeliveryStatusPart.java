package dev.rampart.server.delivery.dsn;

import dev.rampart.queue.RecipientStatus;
import java.time.Instant;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Renders the machine-readable part of a notice, {@code message/delivery-status} (RFC 3464 §2.1-2.3) or its
 * UTF-8 form {@code message/global-delivery-status} (RFC 6533 §3): one per-message group, then one group
 * per recipient, groups separated by a blank line, CRLF line ends. The ASCII form is pure 7bit whatever the
 * input (QUE-11): anything non-ASCII is xtext-encoded or replaced. Stateless; thread-safe.
 */
final class DeliveryStatusPart {

    /** RFC 3463 §2: class.subject.detail. */
    private static final Pattern STATUS = Pattern.compile("[245]\\.\\d{1,3}\\.\\d{1,3}");

    /** Local reasons (not a remote reply) get a private diagnostic type, as RFC 3464 §2.3.6 allows. */
    static final String LOCAL_DIAGNOSTIC_TYPE = "X-Rampart";

    private DeliveryStatusPart() {}

    static String render(String reportingMta, DsnRequest request, boolean global) {
        StringBuilder out = new StringBuilder(512);
        var params = request.original().params();
        field(out, "Reporting-MTA", "dns; " + reportingMta);
        if (!params.envId().isEmpty()) {
            // RFC 3464 §2.2.1: the envelope id exactly as received, so the sender can match it (case kept).
            field(out, "Original-Envelope-Id", printable(params.envId()) ? params.envId() : FieldText.xtext(params.envId()));
        }
        field(out, "Arrival-Date", FieldText.date(request.original().arrival()));
        for (int i = 0; i < request.recipients().size(); i++) {
            out.append(FieldText.CRLF);
            recipient(out, request, request.recipients().get(i), request.statuses().get(i), global);
        }
        return out.toString();
    }

    private static void recipient(StringBuilder out, DsnRequest request, RecipientStatus r, String status,
                                  boolean global) {
        String orcpt = r.spec().orcpt();
        if (!orcpt.isEmpty()) {
            field(out, "Original-Recipient", originalRecipient(orcpt, global));
        }
        field(out, "Final-Recipient", address(r.address(), global));
        field(out, "Action", action(request.action()));
        field(out, "Status", status(status, request.action()));
        remoteHost(r.remoteMta()).ifPresent(host -> field(out, "Remote-MTA", "dns; " + host));
        String diagnostic = FieldText.clean(FieldText.replyAsOneLine(r.lastDiagnostic()), !global);
        if (!diagnostic.isEmpty()) {
            String type = FieldText.isRemoteReply(diagnostic) ? "smtp" : LOCAL_DIAGNOSTIC_TYPE;
            field(out, "Diagnostic-Code", type + "; " + diagnostic);
        }
        if (r.lastAttempt().isAfter(Instant.EPOCH)) {
            field(out, "Last-Attempt-Date", FieldText.date(r.lastAttempt()));
        }
        if (request.action() == DsnAction.DELAYED) {
            field(out, "Will-Retry-Until", FieldText.date(request.willRetryUntil()));
        }
    }

    static String action(DsnAction action) {
        return switch (action) {
            case FAILED -> "failed";
            case DELAYED -> "delayed";
            case DELIVERED -> "delivered";
            case RELAYED -> "relayed";
        };
    }

    /**
     * The given status when it is a well-formed RFC 3463 code of the right class for the action, otherwise
     * the class's undefined-detail code: a bad value from a caller must not produce an invalid report.
     */
    static String status(String given, DsnAction action) {
        char expectedClass = switch (action) {
            case FAILED -> '5';
            case DELAYED -> '4';
            case DELIVERED, RELAYED -> '2';
        };
        String s = given.strip();
        if (STATUS.matcher(s).matches() && (s.charAt(0) == expectedClass
                // RFC 3464 §2.3.3: at expiry a failure may carry the last transient status (QUE-15).
                || (action == DsnAction.FAILED && s.charAt(0) == '4'))) {
            return s;
        }
        return expectedClass + ".0.0";
    }

    /** RFC 3464 §2.3.2 {@code rfc822;} or, for a non-ASCII address in a global notice, RFC 6533 {@code utf-8;}. */
    static String address(String address, boolean global) {
        if (FieldText.isAscii(address)) {
            return "rfc822; " + address;
        }
        return global ? "utf-8; " + address : "rfc822; " + FieldText.xtext(address);
    }

    /** ORCPT is stored decoded as {@code type;address}; the address is re-encoded where it must stay 7bit. */
    private static String originalRecipient(String orcpt, boolean global) {
        int semi = orcpt.indexOf(';');
        String type = semi < 0 ? "rfc822" : orcpt.substring(0, semi).strip();
        String addr = semi < 0 ? orcpt.strip() : orcpt.substring(semi + 1).strip();
        if (!global && !printable(addr)) {
            addr = FieldText.xtext(addr);
        }
        return type.toLowerCase(Locale.ROOT) + "; " + addr;
    }

    /** The host name of "mx.example.test[192.0.2.1]:25" style values; empty for an address literal. */
    static java.util.Optional<String> remoteHost(String remoteMta) {
        String host = remoteMta.strip();
        int bracket = host.indexOf('[');
        if (bracket >= 0) {
            host = host.substring(0, bracket);
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        return host.isEmpty() || !host.matches("[A-Za-z0-9._-]+") ? java.util.Optional.empty()
                : java.util.Optional.of(host);
    }

    private static boolean printable(String s) {
        return s.chars().allMatch(c -> c > 32 && c < 127);
    }

    private static void field(StringBuilder out, String name, String value) {
        out.append(FieldText.fold(name, value)).append(FieldText.CRLF);
    }
}
