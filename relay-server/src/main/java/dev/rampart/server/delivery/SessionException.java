package dev.rampart.server.delivery;

/** Carries a {@link SessionFailure} out of the blocking session steps. Internal to the client. */
final class SessionException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient SessionFailure failure;

    SessionException(SessionFailure failure) {
        super(failure.toString(), null, false, false);
        this.failure = failure;
    }

    SessionFailure failure() {
        return failure;
    }
}
