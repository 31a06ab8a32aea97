package dev.rampart.queue;

import java.time.Instant;
import java.util.Objects;

/**
 * The outcome of one attempt for one recipient, to be made durable by {@link MessageQueue#update}.
 * Attempts are incremented by one per update unless {@code countsAsAttempt} is false (e.g. marking a
 * delay notice as sent).
 */
public record RecipientUpdate(int index, RecipientState state, Instant attemptTime, String diagnostic, String remoteMta,
                              boolean countsAsAttempt, boolean delayNotified) {
    public RecipientUpdate {
        Objects.requireNonNull(state);
        Objects.requireNonNull(attemptTime);
        Objects.requireNonNull(diagnostic);
        Objects.requireNonNull(remoteMta);
    }
}
