package dev.rampart.server.delivery;

import java.util.List;
import java.util.Objects;

/**
 * What a live probe of one MX host showed ({@code rampart policy explain --probe}): whether a session
 * could be opened under the host's plan, what TLS gave, the chain the server presented and the DANE
 * verdict (the matched record, or why none matched) or the WebPKI verdict of MTA-STS. Immutable.
 *
 * @param address    the address probed; empty when the plan skipped the host
 * @param outcome    {@code ok}, {@code skipped} or {@code failed}
 * @param detail     the precise reason for a skip or failure; empty when ok
 * @param tls        {@code none}, {@code unauthenticated}, {@code dane-ee} or {@code dane-ta}
 * @param chain      presented certificates, leaf first; empty when the handshake did not complete
 * @param dane       the DANE verdict in words ("dane-ee matched 3 1 1 …", "no TLSA record matched: …");
 *                   empty when DANE did not apply
 * @param pkix       the WebPKI check of the chain (STS-18) when MTA-STS enforces or audits the host, else
 *                   {@link PkixCheck#NOT_APPLICABLE}
 */
public record ProbeReport(String host, String address, String outcome, String detail, String tls, String protocol,
                          String cipher, List<PresentedCertificate> chain, String dane, PkixCheck pkix) {
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
        Objects.requireNonNull(pkix);
    }

    /** A report without a WebPKI check (DANE or opportunistic hosts). */
    public ProbeReport(String host, String address, String outcome, String detail, String tls, String protocol,
                       String cipher, List<PresentedCertificate> chain, String dane) {
        this(host, address, outcome, detail, tls, protocol, cipher, chain, dane, PkixCheck.NOT_APPLICABLE);
    }

    /**
     * One presented certificate: subject, issuer, the SHA-256 of its SubjectPublicKeyInfo (hex) and its SAN
     * dNSNames (the only names WebPKI matching looks at, STS-18).
     */
    public record PresentedCertificate(String subject, String issuer, String spkiSha256, List<String> dnsNames) {
        public PresentedCertificate {
            Objects.requireNonNull(subject);
            Objects.requireNonNull(issuer);
            Objects.requireNonNull(spkiSha256);
            dnsNames = List.copyOf(dnsNames);
        }

        public PresentedCertificate(String subject, String issuer, String spkiSha256) {
            this(subject, issuer, spkiSha256, List.of());
        }
    }

    /**
     * The WebPKI check of the presented chain against the policy (STS-18: chain to a configured anchor,
     * unexpired, SAN dNSName = the MX host name, CN ignored).
     *
     * @param role         {@code enforce} (MTA-STS {@code enforce}: a failure means no delivery to this host)
     *                     or {@code audit} ({@code testing}: reported, delivery goes on, STS-20); empty when
     *                     not applicable
     * @param referenceIds the names the leaf must carry
     * @param result       {@code pass}, {@code fail}, or {@code not-checked} when no chain was seen
     * @param reason       why it failed or was not checked; empty on pass
     */
    public record PkixCheck(String role, List<String> referenceIds, String result, String reason) {
        public static final PkixCheck NOT_APPLICABLE = new PkixCheck("", List.of(), "", "");

        public PkixCheck {
            Objects.requireNonNull(role);
            referenceIds = List.copyOf(referenceIds);
            Objects.requireNonNull(result);
            Objects.requireNonNull(reason);
        }
    }
}
