package dev.rampart.policy.decide;

/**
 * Whether a session may, must or must not use TLS. Every switch over it is exhaustive, so each place that
 * acts on TLS demands handles all three.
 */
public enum TlsRequirement {
    /**
     * Manual level {@code none} (row 1): STARTTLS is never sent, even when the server offers it. Only an
     * operator's explicit map entry leads here.
     */
    NO_STARTTLS,
    /** STARTTLS when offered; without it, or after a failed handshake, plaintext is allowed (POL-06). */
    OPPORTUNISTIC,
    /**
     * STARTTLS and a completed handshake are mandatory; no path leads to a plaintext MAIL FROM, whatever
     * went wrong (POL-05, QUE-17). A failure skips to the next MX.
     */
    REQUIRED
}
