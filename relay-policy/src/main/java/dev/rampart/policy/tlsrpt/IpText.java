package dev.rampart.policy.tlsrpt;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Addresses as TLS-RPT writes them (RPT-12): IPv4 dotted-quad, IPv6 in the RFC 5952 canonical form
 * (lower case, no leading zeros, the longest run of two or more zero groups as {@code ::}, the first on a
 * tie; no zone). {@link InetAddress#getHostAddress()} gives neither the compression nor the zone-free
 * form. Pure.
 */
public final class IpText {
    private IpText() {}

    public static String of(InetAddress address) {
        return switch (address) {
            case Inet4Address v4 -> v4.getHostAddress();
            case Inet6Address v6 -> v6(v6.getAddress());
            default -> address.getHostAddress();
        };
    }

    private static String v6(byte[] b) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }
}
