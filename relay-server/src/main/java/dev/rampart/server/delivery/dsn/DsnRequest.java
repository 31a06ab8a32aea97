package dev.rampart.server.delivery.dsn;

import dev.rampart.queue.Envelope;
import dev.rampart.queue.RecipientStatus;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A delivery status notification to compose for one original message.
 *
 * @param original       the original message's envelope
 * @param action         what happened to {@code recipients}
 * @param recipients     the recipients this notice is about (their lastDiagnostic, remoteMta, lastAttempt
 *                       fill Diagnostic-Code, Remote-MTA, Last-Attempt-Date; the status code is the x.y.z
 *                       at the start of lastDiagnostic's enhanced code, or derived from its reply code)
 * @param statuses       RFC 3463 status per recipient, same order as {@code recipients}
 * @param now            Date: of the notice
 * @param willRetryUntil for DELAYED: when the relay gives up
 */
public record DsnRequest(Envelope original, DsnAction action, List<RecipientStatus> recipients, List<String> statuses,
                         Instant now, Instant willRetryUntil) {
    public DsnRequest {
        Objects.requireNonNull(original);
        Objects.requireNonNull(action);
        recipients = List.copyOf(recipients);
        statuses = List.copyOf(statuses);
        if (statuses.size() != recipients.size()) {
            throw new IllegalArgumentException("one status per recipient");
        }
        Objects.requireNonNull(now);
        Objects.requireNonNull(willRetryUntil);
    }
}
