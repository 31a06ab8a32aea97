package dev.rampart.policy.decide;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Recognises IP addresses written as text without ever asking DNS: RFC 5321 §4.1.3 address literals
 * ({@code [192.0.2.1]}, {@code [IPv6:2001:db8::1]}) for MX-02, and bare IP strings published as MX
 * targets (MX-12). Pure, thread-safe.
 */
public final class AddressLiterals {
    private AddressLiterals() {}

    /** True when the text looks like an address literal, valid or not (it starts with '['). */
    public static boolean isLiteralSyntax(String nextHop) {
        return nextHop.startsWith("[");
    }

    /** Parses {@code [IPv4]} or {@code [IPv6:...]} (tag case-insensitive); empty when malformed. */
    public static Optional<InetAddress> parseLiteral(String text) {
        if (!text.startsWith("[") || !text.endsWith("]") || text.length() < 3) {
            return Optional.empty();
        }
        String inner = text.substring(1, text.length() - 1);
        if (inner.regionMatches(true, 0, "IPv6:", 0, 5)) {
            return parseIpv6(inner.substring(5));
        }
        return parseIpv4(inner);
    }

    /** A bare IPv4 dotted quad or IPv6 text, as sometimes (wrongly) published as an MX exchange. */
    public static Optional<InetAddress> parseIpString(String text) {
        Optional<InetAddress> v4 = parseIpv4(text);
        return v4.isPresent() ? v4 : parseIpv6(text);
    }

    static Optional<InetAddress> parseIpv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return Optional.empty();
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return Optional.empty();
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return Optional.empty();
            }
            bytes[i] = (byte) v;
        }
        try {
            return Optional.of(InetAddress.getByAddress(bytes));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    static Optional<InetAddress> parseIpv6(String text) {
        // Only hex digits, ':' and '.' (embedded IPv4) may appear, and at least two colons; with that
        // guard InetAddress parses the literal itself and never performs a lookup.
        if (text.isEmpty() || text.chars().filter(c -> c == ':').count() < 2
                || !text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            return Optional.empty();
        }
        try {
            InetAddress a = InetAddress.getByName(text);
            return a instanceof Inet6Address ? Optional.of(a) : Optional.empty();
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
