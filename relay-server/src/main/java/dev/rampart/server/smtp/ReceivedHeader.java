package dev.rampart.server.smtp;

import dev.rampart.queue.QueueId;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Objects;

/**
 * The trace field this relay prepends to every accepted message (RFC 5321 §4.4, SUB-11). Pure; immutable.
 *
 * <p>FROM carries the EHLO/HELO name and the client's address literal (we do no reverse lookup, so the
 * TCP-info is the literal alone); WITH is the RFC 3848 / RFC 6531 §4.3 protocol keyword; FOR names the
 * recipient only when there is exactly one, so a multi-recipient message does not disclose the others
 * (§7.2). The date has a numeric zone offset. Each folded line stays far below 998 octets because the
 * parts are bounded (EHLO name ≤ 255, path ≤ 256).
 *
 * @param heloName      the name given in EHLO/HELO (already syntax-checked)
 * @param client        the client's IP address
 * @param extended      EHLO (true) or HELO (false)
 * @param tlsProtocol   e.g. "TLSv1.3"; empty without TLS
 * @param tlsCipher     cipher suite name; empty without TLS
 * @param authenticated the client authenticated (AUTH)
 * @param smtpUtf8      MAIL ... SMTPUTF8 was used
 * @param byHost        our host name
 * @param id            the queue id
 * @param recipient     the single recipient, or empty when there are several
 * @param time          the time of receipt
 */
public record ReceivedHeader(String heloName, InetAddress client, boolean extended, String tlsProtocol,
                             String tlsCipher, boolean authenticated, boolean smtpUtf8, String byHost, QueueId id,
                             String recipient, ZonedDateTime time) {

    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

    public ReceivedHeader {
        Objects.requireNonNull(heloName);
        Objects.requireNonNull(client);
        Objects.requireNonNull(tlsProtocol);
        Objects.requireNonNull(tlsCipher);
        Objects.requireNonNull(byHost);
        Objects.requireNonNull(id);
        Objects.requireNonNull(recipient);
        Objects.requireNonNull(time);
    }

    /** The protocol keyword for WITH (RFC 3848, RFC 6531 §4.3). */
    public String protocol() {
        if (!extended) {
            return "SMTP";
        }
        String suffix = (tlsProtocol.isEmpty() ? "" : "S") + (authenticated ? "A" : "");
        return (smtpUtf8 ? "UTF8SMTP" : "ESMTP") + suffix;
    }

    /** The complete field, folded, ending with CRLF. */
    public String render() {
        StringBuilder sb = new StringBuilder(256);
        sb.append("Received: from ").append(heloName).append(" (").append(literal(client)).append(")\r\n");
        if (!tlsProtocol.isEmpty()) {
            sb.append("\t(using ").append(tlsProtocol).append(" with cipher ").append(tlsCipher).append(")\r\n");
        }
        sb.append("\tby ").append(byHost).append(" (Rampart) with ").append(protocol()).append(" id ").append(id);
        if (!recipient.isEmpty()) {
            sb.append("\r\n\tfor <").append(recipient).append('>');
        }
        sb.append(";\r\n\t").append(DATE.format(time)).append("\r\n");
        return sb.toString();
    }

    public byte[] bytes() {
        return render().getBytes(StandardCharsets.UTF_8);
    }

    /** The RFC 5321 §4.1.3 address literal; IPv6 in RFC 5952 canonical form. */
    static String literal(InetAddress address) {
        if (address instanceof Inet6Address) {
            return "[IPv6:" + rfc5952(address.getAddress()) + "]";
        }
        return "[" + address.getHostAddress() + "]";
    }

    /** Lower-case hex, no leading zeros, the longest run (≥ 2) of zero groups as "::", the first on a tie. */
    static String rfc5952(byte[] a) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((a[2 * i] & 0xFF) << 8) | (a[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}
