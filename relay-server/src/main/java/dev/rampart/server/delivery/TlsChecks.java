package dev.rampart.server.delivery;

import dev.rampart.policy.dane.DaneVerdict;
import dev.rampart.policy.dane.DaneVerifier;
import dev.rampart.policy.decide.AuditResult;
import dev.rampart.policy.decide.Authentication;
import dev.rampart.policy.decide.HostPlan;
import dev.rampart.policy.decide.ShadowPlan;
import dev.rampart.policy.decide.TlsRptResultType;
import dev.rampart.policy.sts.fetch.PkixPeerCheck;
import dev.rampart.policy.sts.fetch.StsTrust;
import java.security.cert.X509Certificate;
import java.time.InstantSource;
import java.util.Objects;
import javax.net.ssl.X509TrustManager;

/**
 * The checks that run on an established session without ever changing it (design.md step 5): the
 * report-only PKIX audit of MTA-STS {@code testing} (rows 15 and 17, STS-20) and the evaluation of what
 * enforcement would have demanded under shadow mode (issue acceptance 4). Both read only the
 * {@link ObservedTls} the session reports: the presented chain, or why it ran in plaintext.
 *
 * <p>PKIX uses {@link PkixPeerCheck} over the same anchors as enforcement (the JDK roots plus
 * {@code tls.trust-store}, {@link StsTrust}); DANE uses {@link DaneVerifier} at the injected clock's
 * instant, exactly as the {@code DaneTrustManager} of an enforced session would. Never throws for a bad
 * chain. Immutable and thread-safe.
 */
public final class TlsChecks {
    private final X509TrustManager pkixTrust;
    private final InstantSource clock;

    /**
     * @param pkixTrust path validation to the configured anchors ({@link StsTrust#trustManager()})
     * @param clock     "now" for DANE-TA validity and for telling an expired chain from an untrusted one
     */
    public TlsChecks(X509TrustManager pkixTrust, InstantSource clock) {
        this.pkixTrust = Objects.requireNonNull(pkixTrust);
        this.clock = Objects.requireNonNull(clock);
    }

    /**
     * The report-only audit of {@code plan} (STS-20) on this session: {@link AuditResult#NOT_AUDITED}
     * when the plan carries none. A plaintext session is {@code starttls-not-supported} when STARTTLS was
     * missing or refused, and a {@code validation-failure} when the handshake failed (RPT-06).
     */
    public AuditResult audit(HostPlan.Connect plan, ObservedTls tls) {
        return switch (plan.audit()) {
            case Authentication.None n -> AuditResult.NOT_AUDITED;
            // HostPlan.Connect forbids a DANE audit (POL-02: DANE is never report-only).
            case Authentication.Dane d -> AuditResult.NOT_AUDITED;
            case Authentication.Pkix p -> switch (tls) {
                case ObservedTls.None none -> plaintextAudit(none);
                case ObservedTls.Negotiated n -> pkix(p, n);
            };
        };
    }

    /** What enforcement would have said of this session, given the relaxed plan it ran under. */
    public ShadowFinding shadow(ShadowPlan plan, ObservedTls tls) {
        return switch (plan) {
            case ShadowPlan.AsPlanned a -> ShadowFinding.MET;
            case ShadowPlan.WouldSkip w -> new ShadowFinding.WouldBlock("not contacted under enforcement: "
                    + w.enforced().reason());
            case ShadowPlan.LookupFailed l -> new ShadowFinding.Ignored(l.enforced().reason());
            case ShadowPlan.Demanding d -> demands(d.enforced(), tls);
        };
    }

    private ShadowFinding demands(HostPlan.Connect enforced, ObservedTls tls) {
        return switch (tls) {
            case ObservedTls.None none -> new ShadowFinding.WouldBlock(plaintextText(none) + "; "
                    + enforced.policy().logName() + " requires TLS");
            case ObservedTls.Negotiated n -> switch (enforced.authentication()) {
                case Authentication.None a -> ShadowFinding.MET;
                case Authentication.Dane d -> switch (new DaneVerifier(d.usableRecords(), d.referenceIds())
                        .verify(n.peerChain(), clock.instant())) {
                    case DaneVerdict.Matched m -> ShadowFinding.MET;
                    case DaneVerdict.Failed f -> new ShadowFinding.WouldBlock(f.reason());
                };
                case Authentication.Pkix p -> switch (pkix(p, n)) {
                    case AuditResult.Failed f -> new ShadowFinding.WouldBlock(f.reason());
                    case AuditResult.NoStarttls s -> new ShadowFinding.WouldBlock(s.reason());
                    case AuditResult.Passed ok -> ShadowFinding.MET;
                    case AuditResult.NotAudited no -> ShadowFinding.MET;
                };
            };
        };
    }

    private static AuditResult plaintextAudit(ObservedTls.None none) {
        return switch (none.why()) {
            case NOT_ATTEMPTED, NOT_OFFERED, REFUSED -> new AuditResult.NoStarttls(plaintextText(none));
            case HANDSHAKE_FAILED -> new AuditResult.Failed(plaintextText(none), TlsRptResultType.VALIDATION_FAILURE);
        };
    }

    private static String plaintextText(ObservedTls.None none) {
        if (!none.detail().isEmpty()) {
            return none.detail();
        }
        return switch (none.why()) {
            case NOT_ATTEMPTED -> "no STARTTLS attempted";
            case NOT_OFFERED -> "STARTTLS not offered";
            case REFUSED -> "STARTTLS refused";
            case HANDSHAKE_FAILED -> "the TLS handshake failed";
        };
    }

    /**
     * STS-18 on the presented chain, classified for TLS-RPT (RPT-06) by the check itself: a chain that
     * validates but does not name the host is a host mismatch; one that fails validation while some
     * certificate is outside its validity period is expired; anything else is not trusted.
     */
    private AuditResult pkix(Authentication.Pkix demand, ObservedTls.Negotiated session) {
        X509Certificate[] chain = session.peerChain().toArray(X509Certificate[]::new);
        return new PkixPeerCheck(pkixTrust, demand.referenceIds()).refusal(chain, authType(session.cipher()))
                .<AuditResult>map(r -> new AuditResult.Failed(r.reason(), resultType(r.kind())))
                .orElse(AuditResult.PASSED);
    }

    /** The TLS-RPT result type of a WebPKI refusal (RPT-06), for audits and enforced sessions alike. */
    static TlsRptResultType resultType(PkixPeerCheck.Kind kind) {
        return switch (kind) {
            case NOT_TRUSTED -> TlsRptResultType.CERTIFICATE_NOT_TRUSTED;
            case EXPIRED -> TlsRptResultType.CERTIFICATE_EXPIRED;
            case HOST_MISMATCH -> TlsRptResultType.CERTIFICATE_HOST_MISMATCH;
        };
    }

    /**
     * The JSSE authType for a server check, from the cipher suite: the key exchange of a TLS 1.2 suite
     * ({@code TLS_ECDHE_RSA_WITH_...} gives {@code ECDHE_RSA}); TLS 1.3 suites name none, and JSSE then
     * uses {@code UNKNOWN}, which the PKIX key-usage check accepts.
     */
    static String authType(String cipherSuite) {
        int with = cipherSuite.indexOf("_WITH_");
        if (cipherSuite.startsWith("TLS_") && with > 4) {
            return cipherSuite.substring(4, with);
        }
        return "UNKNOWN";
    }
}
