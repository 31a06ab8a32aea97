package dev.rampart.queue;

import java.time.Instant;
import java.util.Objects;

/**
 * A recipient with its delivery state, as stored in the queue file.
 *
 * @param index          position in the message's recipient list (stable; used for updates)
 * @param spec           what RCPT TO said
 * @param state          current state
 * @param attempts       delivery attempts made for this recipient
 * @param lastAttempt    time of the last attempt; {@link Instant#EPOCH} when none yet
 * @param lastDiagnostic last remote reply or local reason; empty when none yet
 * @param remoteMta      the host that gave the last reply, empty when none
 * @param delayNotified  a delay DSN was already sent for this recipient (QUE-13)
 */
public record RecipientStatus(int index, RecipientSpec spec, RecipientState state, int attempts, Instant lastAttempt,
                              String lastDiagnostic, String remoteMta, boolean delayNotified) {
    public RecipientStatus {
        Objects.requireNonNull(spec);
        Objects.requireNonNull(state);
        Objects.requireNonNull(lastAttempt);
        Objects.requireNonNull(lastDiagnostic);
        Objects.requireNonNull(remoteMta);
    }

    public String address() {
        return spec.address();
    }
}
