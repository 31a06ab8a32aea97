package dev.rampart.server.delivery;

import dev.rampart.queue.BodyType;
import dev.rampart.queue.MessageParams;
import dev.rampart.queue.Notify;
import dev.rampart.queue.RecipientSpec;
import dev.rampart.queue.TlsTag;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Builds the MAIL FROM and RCPT TO command lines for a peer with given capabilities: BODY=, SMTPUTF8,
 * SIZE= (RFC 6152, 6531, 1870), REQUIRETLS (RFC 8689) when the message carries it and the peer announced it,
 * and the DSN parameters ENVID, RET, NOTIFY, ORCPT only when the peer
 * offers DSN (QUE-14, RFC 3461 §5.2.1). Pure and thread-safe.
 */
final class EnvelopeCommands {
    /** The RFC 8689 extension keyword, in EHLO and as a MAIL parameter. */
    static final String REQUIRETLS = "REQUIRETLS";

    private EnvelopeCommands() {}

    static String mailFrom(MessageParams params, long size, Capabilities caps) {
        StringBuilder sb = new StringBuilder("MAIL FROM:<").append(params.sender()).append('>');
        if (caps.has("SIZE")) {
            sb.append(" SIZE=").append(size);
        }
        if (params.body() == BodyType.EIGHT_BIT_MIME && caps.eightBitMime()) {
            sb.append(" BODY=8BITMIME");
        }
        if (params.smtpUtf8() && caps.smtpUtf8()) {
            sb.append(" SMTPUTF8");
        }
        if (params.tls() == TlsTag.REQUIRE_TLS && caps.has(REQUIRETLS)) {
            // RFC 8689 §4.2.1; servers announce REQUIRETLS only after STARTTLS (SUB-02).
            sb.append(" REQUIRETLS");
        }
        if (caps.dsn()) {
            switch (params.ret()) {
                case FULL -> sb.append(" RET=FULL");
                case HDRS -> sb.append(" RET=HDRS");
                case UNSPECIFIED -> { }
            }
            if (!params.envId().isEmpty()) {
                sb.append(" ENVID=").append(xtext(params.envId()));
            }
        }
        return sb.toString();
    }

    static String rcptTo(RecipientSpec rcpt, Capabilities caps) {
        StringBuilder sb = new StringBuilder("RCPT TO:<").append(rcpt.address()).append('>');
        if (caps.dsn()) {
            if (!rcpt.notifyOn().isEmpty()) {
                sb.append(" NOTIFY=").append(rcpt.notifyOn().stream().sorted().map(n -> n.name())
                        .collect(Collectors.joining(",")));
            }
            orcpt(rcpt).ifPresent(o -> sb.append(" ORCPT=").append(o));
        }
        return sb.toString();
    }

    /** The ORCPT to relay: as received, else the received RCPT (RFC 3461 §5.2.1, QUE-14). */
    private static Optional<String> orcpt(RecipientSpec rcpt) {
        String given = rcpt.orcpt();
        if (!given.isEmpty()) {
            int semi = given.indexOf(';');
            if (semi <= 0) {
                return Optional.empty();
            }
            return Optional.of(given.substring(0, semi).toLowerCase(Locale.ROOT) + ";" + xtext(given.substring(semi + 1)));
        }
        if (!StandardCharsets.US_ASCII.newEncoder().canEncode(rcpt.address())) {
            // A UTF-8 address needs the RFC 6533 utf-8 address type; leave ORCPT out rather than mangle it.
            return Optional.empty();
        }
        return Optional.of("rfc822;" + xtext(rcpt.address()));
    }

    /** RFC 3461 §4 xtext: printable ASCII except '+' and '=' as is, everything else as +HH. */
    static String xtext(String value) {
        StringBuilder sb = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= '!' && c <= '~' && c != '+' && c != '=') {
                sb.append((char) c);
            } else {
                sb.append('+').append(String.format("%02X", c));
            }
        }
        return sb.toString();
    }

    /** True when the text could smuggle a second command into the line. */
    static boolean unsafe(String text) {
        return text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('<') >= 0 || text.indexOf('>') >= 0;
    }

    static boolean notifyNever(RecipientSpec rcpt) {
        return rcpt.notifyOn().contains(Notify.NEVER);
    }
}
