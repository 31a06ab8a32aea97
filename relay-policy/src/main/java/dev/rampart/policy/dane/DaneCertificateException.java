package dev.rampart.policy.dane;

import java.security.cert.CertificateException;
import java.util.Objects;

/**
 * The peer's certificate chain failed DANE; the message is the verdict's precise reason, and the verdict
 * itself travels along so code that sees only the handshake exception (as its cause) can report it.
 */
public final class DaneCertificateException extends CertificateException {
    private static final long serialVersionUID = 1L;

    private final transient DaneVerdict.Failed failure;

    public DaneCertificateException(DaneVerdict.Failed failure) {
        super(failure.reason());
        this.failure = Objects.requireNonNull(failure);
    }

    public DaneVerdict.Failed failure() {
        return failure;
    }
}
