package dev.rampart.queue;

import java.util.Objects;
import java.util.Set;

/**
 * A recipient as accepted by RCPT TO.
 *
 * @param address forward-path without angle brackets
 * @param orcpt   DSN ORCPT as received ("rfc822;user@example.com", xtext decoded); empty when absent
 * @param notifyOn NOTIFY values; empty when absent (defaults apply), {NEVER} for NOTIFY=NEVER
 */
public record RecipientSpec(String address, String orcpt, Set<Notify> notifyOn) {
    public RecipientSpec {
        Objects.requireNonNull(address);
        Objects.requireNonNull(orcpt);
        notifyOn = Set.copyOf(notifyOn);
    }

    public static RecipientSpec of(String address) {
        return new RecipientSpec(address, "", Set.of());
    }
}
