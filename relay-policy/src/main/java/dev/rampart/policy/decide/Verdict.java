package dev.rampart.policy.decide;

import java.util.List;
import java.util.Objects;

/**
 * The domain-level outcome of trying its MX hosts in order: delivered via one host, or deferred with a
 * status and a reason that names every host's failure. Built by {@link #of}. Immutable.
 */
public sealed interface Verdict {

    /** Host number {@code hostIndex} (0-based, in trial order) took the message. */
    record DeliveredVia(int hostIndex, String hostName) implements Verdict {
        public DeliveredVia {
            Objects.requireNonNull(hostName);
        }
    }

    /**
     * Nobody took the message; retry later. Never a bounce by itself: TLS policy failures are transient
     * (QUE-15, QUE-16), and expiry is the queue's business.
     */
    record Defer(String status, String reason) implements Verdict {
        public Defer {
            Objects.requireNonNull(status);
            Objects.requireNonNull(reason);
        }
    }

    /**
     * Folds the per-host results, in the order the hosts were tried. The first {@link HostResult.Transacted}
     * wins. Otherwise: if every host was skipped or failed under a required policy, defer with 4.7.5
     * (DANE-07, QUE-15); if any failed for a non-policy reason (network, failed TLSA lookup), defer with
     * the status of the last such failure, since a retry may well succeed there. The reason lists every
     * host: {@code "mx1.example.com: TLSA lookup bogus: RRSIG expired; mx2.example.com: …"}.
     */
    static Verdict of(List<HostResult> results) {
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i) instanceof HostResult.Transacted t) {
                return new DeliveredVia(i, t.hostName());
            }
        }
        if (results.isEmpty()) {
            return new Defer("4.4.1", "no MX host was tried");
        }
        String status = PolicyDecider.POLICY_STATUS;
        StringBuilder reason = new StringBuilder();
        for (HostResult r : results) {
            if (r instanceof HostResult.Failed f) {
                if (!f.status().equals(PolicyDecider.POLICY_STATUS)) {
                    status = f.status();
                }
                if (!reason.isEmpty()) {
                    reason.append("; ");
                }
                reason.append(f.hostName()).append(": ").append(f.reason());
            }
        }
        return new Defer(status, reason.toString());
    }
}
