package dev.rampart.server.delivery;

import java.util.Objects;

/**
 * A classified outcome for one or more recipients: the disposition, the RFC 3463 status to report
 * (x.y.z) and the diagnostic text (the remote reply, or a local reason in plain words). Immutable.
 */
public record Verdict(Disposition disposition, String status, String diagnostic) {
    public Verdict {
        Objects.requireNonNull(disposition);
        Objects.requireNonNull(status);
        Objects.requireNonNull(diagnostic);
        if (!status.matches("[245]\\.\\d{1,3}\\.\\d{1,3}")) {
            throw new IllegalArgumentException("not an enhanced status code: " + status);
        }
    }

    /** True for a status whose class is 5 (permanent). */
    public boolean permanentStatus() {
        return status.charAt(0) == '5';
    }
}
