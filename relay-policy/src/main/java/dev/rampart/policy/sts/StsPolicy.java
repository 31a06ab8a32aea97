package dev.rampart.policy.sts;

import java.util.List;
import java.util.Objects;

/**
 * A valid MTA-STS policy file (RFC 8461 §3.2), as produced by {@link StsPolicyParser}. Immutable.
 *
 * @param version       always {@code STSv1}
 * @param mode          enforce, testing or none
 * @param maxAgeSeconds 0 to 31557600 (larger values are capped when parsed, erratum 7282)
 * @param mx            mx patterns in file order, lower case, {@code host.example} or {@code *.example};
 *                      may be empty only when {@code mode} is {@link StsMode#NONE}
 * @param lines         the policy's fields in file order as {@code key: value}, for the TLS-RPT
 *                      {@code policy-string} (RPT-03)
 */
public record StsPolicy(String version, StsMode mode, long maxAgeSeconds, List<String> mx, List<String> lines) {
    public static final long MAX_AGE_LIMIT = 31_557_600L;

    public StsPolicy {
        Objects.requireNonNull(version);
        Objects.requireNonNull(mode);
        mx = List.copyOf(mx);
        lines = List.copyOf(lines);
        if (maxAgeSeconds < 0 || maxAgeSeconds > MAX_AGE_LIMIT) {
            throw new IllegalArgumentException("max_age out of range: " + maxAgeSeconds);
        }
        if (mx.isEmpty() && mode != StsMode.NONE) {
            throw new IllegalArgumentException("mode " + mode.token() + " needs at least one mx");
        }
    }
}
