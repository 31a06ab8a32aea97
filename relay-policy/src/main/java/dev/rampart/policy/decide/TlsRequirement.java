package dev.rampart.policy.decide;

/**
 * Whether a session may end up without TLS. Manual {@code none} (no STARTTLS at all) arrives as a further
 * constant; exhaustive switches then flag every place that must handle it.
 */
public enum TlsRequirement {
    /** STARTTLS when offered; without it, or after a failed handshake, plaintext is allowed (POL-06). */
    OPPORTUNISTIC,
    /**
     * STARTTLS and a completed handshake are mandatory; no path leads to a plaintext MAIL FROM, whatever
     * went wrong (POL-05, QUE-17). A failure skips to the next MX.
     */
    REQUIRED
}
