package dev.rampart.server.smtp;

import java.nio.charset.StandardCharsets;

/**
 * Syntax checks for the paths of MAIL FROM and RCPT TO (RFC 5321 §4.1.2, extended for UTF-8 by RFC 6531
 * §3.3). Pure functions, thread-safe. Length limits are those of RFC 5321 §4.5.3.1 (local-part 64 octets,
 * domain 255, path 256 including the angle brackets); they are counted in UTF-8 octets.
 */
public final class MailPath {
    static final int MAX_LOCAL_PART = 64;
    static final int MAX_DOMAIN = 255;
    static final int MAX_PATH = 256;

    /** Why a mailbox was refused; the session maps each to a reply. */
    public enum Problem { SYNTAX, TOO_LONG }

    /** Result of checking one mailbox. */
    public sealed interface Check permits Valid, Invalid {}

    public record Valid(String mailbox, boolean ascii) implements Check {}

    public record Invalid(Problem problem) implements Check {}

    private MailPath() {}

    /**
     * Checks the text between the angle brackets (source route already stripped). A domain is required:
     * this relay has no local mailboxes, so the bare {@code <postmaster>} form has nowhere to go.
     */
    public static Check check(String mailbox) {
        if (mailbox.getBytes(StandardCharsets.UTF_8).length + 2 > MAX_PATH) {
            return new Invalid(Problem.TOO_LONG);
        }
        int at = lastAtOutsideQuotes(mailbox);
        if (at <= 0 || at == mailbox.length() - 1) {
            return new Invalid(Problem.SYNTAX);
        }
        String local = mailbox.substring(0, at);
        String domain = mailbox.substring(at + 1);
        if (local.getBytes(StandardCharsets.UTF_8).length > MAX_LOCAL_PART
                || domain.getBytes(StandardCharsets.UTF_8).length > MAX_DOMAIN) {
            return new Invalid(Problem.TOO_LONG);
        }
        if (!validLocalPart(local) || !validDomainOrLiteral(domain)) {
            return new Invalid(Problem.SYNTAX);
        }
        return new Valid(mailbox, isAscii(mailbox));
    }

    static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static int lastAtOutsideQuotes(String s) {
        boolean quoted = false;
        int at = -1;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '@' && !quoted) {
                at = i;
            }
        }
        return quoted ? -1 : at;
    }

    static boolean validLocalPart(String local) {
        if (local.startsWith("\"")) {
            if (local.length() < 2 || !local.endsWith("\"")) {
                return false;
            }
            for (int i = 1; i < local.length() - 1; i++) {
                char c = local.charAt(i);
                if (c == '\\') {
                    i++;
                    if (i >= local.length() - 1) {
                        return false;
                    }
                    char q = local.charAt(i);
                    if (q < 32 || q > 126) {
                        return false;
                    }
                } else if (c == '"' || (c < 32) || c == 127) {
                    return false;
                }
            }
            return true;
        }
        // Dot-string: atoms separated by single dots.
        if (local.isEmpty() || local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
            return false;
        }
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            if (c != '.' && !isAtext(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAtext(char c) {
        if (c >= 0x80) {
            return !Character.isISOControl(c) && !Character.isWhitespace(c); // RFC 6531 UTF8-non-ascii
        }
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
    }

    static boolean validDomainOrLiteral(String domain) {
        if (domain.startsWith("[")) {
            return validAddressLiteral(domain);
        }
        return validDomain(domain);
    }

    /** A domain name: LDH labels (or U-labels) of 1–63 characters separated by dots. */
    public static boolean validDomain(String domain) {
        if (domain.isEmpty() || domain.length() > MAX_DOMAIN) {
            return false;
        }
        String[] labels = domain.split("\\.", -1);
        for (String label : labels) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                        || (c >= 0x80 && Character.isLetterOrDigit(c));
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }

    /** {@code [a.b.c.d]} or {@code [IPv6:...]} (RFC 5321 §4.1.3). */
    public static boolean validAddressLiteral(String literal) {
        if (!literal.startsWith("[") || !literal.endsWith("]") || literal.length() < 3) {
            return false;
        }
        String inner = literal.substring(1, literal.length() - 1);
        if (inner.regionMatches(true, 0, "IPv6:", 0, 5)) {
            String v6 = inner.substring(5);
            return v6.matches("[0-9A-Fa-f:.]{2,45}") && v6.contains(":");
        }
        String[] parts = inner.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (!p.matches("\\d{1,3}") || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }
}
