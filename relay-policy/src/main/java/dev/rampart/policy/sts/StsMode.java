package dev.rampart.policy.sts;

import java.util.Optional;

/** The {@code mode} of an MTA-STS policy (RFC 8461 §5). Closed set; tokens are case-sensitive. */
public enum StsMode {
    /** STS-19: deliver only to a matching MX host over authenticated TLS. */
    ENFORCE("enforce"),
    /** STS-20: check and report, but deliver as if there were no policy. */
    TESTING("testing"),
    /** STS-21: the domain has withdrawn its policy; treat as none. */
    NONE("none");

    private final String token;

    StsMode(String token) {
        this.token = token;
    }

    public String token() {
        return token;
    }

    public static Optional<StsMode> fromToken(String token) {
        for (StsMode m : values()) {
            if (m.token.equals(token)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
