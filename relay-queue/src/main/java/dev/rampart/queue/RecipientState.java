package dev.rampart.queue;

/** A recipient's delivery state. QUEUED and DEFERRED are pending; DELIVERED and BOUNCED are final. */
public enum RecipientState {
    QUEUED, DEFERRED, DELIVERED, BOUNCED;

    public boolean isFinal() {
        return this == DELIVERED || this == BOUNCED;
    }
}
