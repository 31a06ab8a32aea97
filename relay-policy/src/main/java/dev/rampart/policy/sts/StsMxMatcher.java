package dev.rampart.policy.sts;

import dev.rampart.policy.dns.DomainNames;
import java.util.List;
import java.util.Locale;

/**
 * Does a policy admit an MX host (RFC 8461 §4.1, STS-17)? The host is the MX <em>name</em> from DNS, never
 * a name taken from its certificate. Pure, thread-safe.
 *
 * <p>Names are compared as A-labels, without a trailing dot, case-insensitively. A pattern matches a host
 * equal to it, or, for {@code *.suffix}, a host with exactly one more label to the left of
 * {@code suffix}: {@code *.example.com} matches {@code mail.example.com} but neither {@code example.com}
 * nor {@code a.b.example.com}. With an implicit MX (no MX records) the host is the domain itself.
 */
public final class StsMxMatcher {
    private StsMxMatcher() {}

    /** True when any of the policy's mx patterns matches {@code host}. */
    public static boolean admits(StsPolicy policy, String host) {
        return admits(policy.mx(), host);
    }

    public static boolean admits(List<String> patterns, String host) {
        var normalized = DomainNames.normalize(host);
        if (normalized.isEmpty()) {
            return false;
        }
        for (String pattern : patterns) {
            if (matchesNormalized(pattern.toLowerCase(Locale.ROOT), normalized.get())) {
                return true;
            }
        }
        return false;
    }

    /** One pattern against one host name (either may carry upper case; the host may be a U-label). */
    public static boolean matches(String pattern, String host) {
        return admits(List.of(pattern), host);
    }

    private static boolean matchesNormalized(String pattern, String host) {
        if (pattern.startsWith("*.")) {
            String suffix = pattern.substring(1); // ".example.com"
            if (!host.endsWith(suffix)) {
                return false;
            }
            String first = host.substring(0, host.length() - suffix.length());
            return !first.isEmpty() && first.indexOf('.') < 0;
        }
        return pattern.equals(host);
    }
}
