package dev.rampart.policy.dane;

import dev.rampart.policy.dns.DomainNames;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A client-side trust manager that authenticates the server only by DANE (RFC 7672 §3): the local trust
 * store, PKIX names and MTA-STS play no part (DANE-07, POL-02). Every {@code checkServerTrusted} overload
 * runs {@link DaneVerifier} at the {@link InstantSource}'s current instant, throws a
 * {@link DaneCertificateException} carrying the precise reason on failure, and records the verdict so the
 * delivery code can log {@code tls=dane-ee|dane-ta} and the matched record after the handshake.
 *
 * <p><b>Hostname verification must be off</b> on the engine or socket this trust manager serves: DANE-EE
 * certificates need not carry the host name at all, and DANE-TA names are checked here against the
 * DANE-14 reference identifiers, not against the SNI name. Because this class extends
 * {@link X509ExtendedTrustManager}, JSSE calls it directly and adds no checks of its own; Netty 4.2,
 * however, turns endpoint identification on by default for clients. {@link #applyTo(SSLParameters)}
 * sets the engine up as DANE wants it (SNI = TLSA base domain, no endpoint identification, TLS 1.2+).
 *
 * <p>One instance serves one TLS session: the recorded verdict is that of the last check. A handshake
 * that completes with {@link #verdict()} empty did not run the check at all (a resumed session, say) and
 * must not count as DANE-authenticated; an SSL context built around this trust manager serves one
 * session and is not shared. Thread-safe. Client authentication is refused; no issuers are advertised.
 */
public final class DaneTrustManager extends X509ExtendedTrustManager {
    /** DANE-13: DANE sessions use TLS 1.2 or later. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private final DaneVerifier verifier;
    private final InstantSource clock;
    private final String sniName;
    private final AtomicReference<DaneVerdict> lastVerdict = new AtomicReference<>();

    /**
     * @param records      the secure TLSA RRset of the host (unusable records are ignored, DANE-06)
     * @param referenceIds DANE-TA reference identifiers (DANE-14)
     * @param sniName      the TLSA base domain, sent as SNI (DANE-13); normalised (lower case, A-labels,
     *                     no trailing dot, which SNI forbids)
     * @param clock        where DANE-TA validity checks take "now" from
     * @throws IllegalArgumentException when {@code sniName} is not a domain name
     */
    public DaneTrustManager(Collection<TlsaRecord> records, Collection<String> referenceIds, String sniName,
                            InstantSource clock) {
        this(new DaneVerifier(records, referenceIds), sniName, clock);
    }

    public DaneTrustManager(DaneVerifier verifier, String sniName, InstantSource clock) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.sniName = DomainNames.normalize(sniName)
                .orElseThrow(() -> new IllegalArgumentException("SNI name is not a domain name: " + sniName));
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The verdict of the last server check, if one ran. */
    public Optional<DaneVerdict> verdict() {
        return Optional.ofNullable(lastVerdict.get());
    }

    public String sniName() {
        return sniName;
    }

    public DaneVerifier verifier() {
        return verifier;
    }

    /**
     * Configures parameters for a DANE session: SNI carries the TLSA base domain, endpoint identification
     * is off (this trust manager does the name checks DANE calls for), and only TLS 1.2 and 1.3 are offered.
     * Returns the same object.
     */
    public SSLParameters applyTo(SSLParameters parameters) {
        parameters.setServerNames(List.of(new SNIHostName(sniName)));
        parameters.setEndpointIdentificationAlgorithm(null);
        parameters.setProtocols(PROTOCOLS.toArray(String[]::new));
        return parameters;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check(chain);
    }

    private void check(X509Certificate[] chain) throws CertificateException {
        DaneVerdict verdict = verifier.verify(chain == null ? List.of() : List.of(chain), clock.instant());
        lastVerdict.set(verdict);
        switch (verdict) {
            case DaneVerdict.Matched m -> { }
            case DaneVerdict.Failed f -> throw new DaneCertificateException(f);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw refuseClient();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw refuseClient();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw refuseClient();
    }

    private static CertificateException refuseClient() {
        return new CertificateException("DANE trust manager authenticates servers only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
