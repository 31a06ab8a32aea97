package dev.rampart.queue;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** Everything the queue keeps about a message except its content (QUE-01). Immutable snapshot. */
public record Envelope(QueueId id, Instant arrival, MessageParams params, List<RecipientStatus> recipients) {
    public Envelope {
        Objects.requireNonNull(id);
        Objects.requireNonNull(arrival);
        Objects.requireNonNull(params);
        recipients = List.copyOf(recipients);
    }

    public String sender() {
        return params.sender();
    }

    public boolean allFinal() {
        return recipients.stream().allMatch(r -> r.state().isFinal());
    }
}
