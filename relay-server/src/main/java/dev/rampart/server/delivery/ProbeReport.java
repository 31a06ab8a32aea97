package dev.rampart.server.delivery;

import java.util.List;
import java.util.Objects;

/**
 * What a live probe of one MX host showed ({@code rampart policy explain --probe}): whether a session
 * could be opened under the host's plan, what TLS gave, the chain the server presented and the DANE
 * verdict (the matched record, or why none matched). Immutable.
 *
 * @param address    the address probed; empty when the plan skipped the host
 * @param outcome    {@code ok}, {@code skipped} or {@code failed}
 * @param detail     the precise reason for a skip or failure; empty when ok
 * @param tls        {@code none}, {@code unauthenticated}, {@code dane-ee} or {@code dane-ta}
 * @param chain      presented certificates, leaf first; empty when the handshake did not complete
 * @param dane       the DANE verdict in words ("dane-ee matched 3 1 1 …", "no TLSA record matched: …");
 *                   empty when DANE did not apply
 */
public record ProbeReport(String host, String address, String outcome, String detail, String tls, String protocol,
                          String cipher, List<PresentedCertificate> chain, String dane) {
    public ProbeReport {
        Objects.requireNonNull(host);
        Objects.requireNonNull(address);
        Objects.requireNonNull(outcome);
        Objects.requireNonNull(detail);
        Objects.requireNonNull(tls);
        Objects.requireNonNull(protocol);
        Objects.requireNonNull(cipher);
        chain = List.copyOf(chain);
        Objects.requireNonNull(dane);
    }

    /** One presented certificate: subject, issuer and the SHA-256 of its SubjectPublicKeyInfo (hex). */
    public record PresentedCertificate(String subject, String issuer, String spkiSha256) {
        public PresentedCertificate {
            Objects.requireNonNull(subject);
            Objects.requireNonNull(issuer);
            Objects.requireNonNull(spkiSha256);
        }
    }
}
