package dev.rampart.server.delivery;

import dev.rampart.policy.dane.DaneTrustManager;
import dev.rampart.policy.dane.DaneVerdict;
import dev.rampart.policy.decide.HostPlan;
import java.net.InetAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.X509TrustManager;

/**
 * The live half of {@code rampart policy explain --probe}: for each MX host of a {@link DestinationPlan}
 * that the plan would connect to, one session to its first address with exactly the TLS setup delivery
 * uses ({@link TlsPlan#forHost}: the real DANE verifier, SNI, TLS 1.2+): greeting, EHLO, STARTTLS,
 * handshake, EHLO, then QUIT. No MAIL command is ever sent. Hosts the plan skips are reported, not
 * contacted. Blocking (one host after the other); never call it on an event loop. Thread-safe.
 */
public final class PolicyProbe {
    private final SessionConnector connector;
    private final InstantSource clock;
    private final DeliveryClassifier classifier = new DeliveryClassifier();

    private final X509TrustManager webPkiTrust;

    /**
     * @param webPkiTrust the anchors PKIX plans validate against, as in delivery (JDK roots plus
     *                    {@code tls.trust-store})
     */
    public PolicyProbe(SessionConnector connector, InstantSource clock, X509TrustManager webPkiTrust) {
        this.connector = Objects.requireNonNull(connector);
        this.clock = Objects.requireNonNull(clock);
        this.webPkiTrust = Objects.requireNonNull(webPkiTrust);
    }

    /** PKIX plans validate against the JDK roots only. */
    public PolicyProbe(SessionConnector connector, InstantSource clock) {
        this(connector, clock, TlsPlan.jdkRoots());
    }

    /** One report per MX host of the plan, in trial order. */
    public List<ProbeReport> probe(DestinationPlan plan) {
        List<ProbeReport> reports = new ArrayList<>();
        for (DestinationPlan.PlannedHost planned : plan.hosts()) {
            String host = planned.host().name();
            switch (planned.plan()) {
                case HostPlan.Skip skip -> reports.add(new ProbeReport(host, "", "skipped", skip.reason(), "none", "",
                        "", List.of(), ""));
                case HostPlan.Connect connect -> reports.add(probe(connect, planned.host().addresses().getFirst()));
            }
        }
        return reports;
    }

    private ProbeReport probe(HostPlan.Connect connect, InetAddress address) {
        TlsPlan tls = TlsPlan.forHost(connect, clock, webPkiTrust);
        String host = connect.hostName();
        String where = address.getHostAddress();
        SessionConnector.OpenResult result = connector.open(host, address, tls);
        String dane = daneVerdict(tls).map(DaneVerdict::describe).orElse("");
        return switch (result) {
            case SessionConnector.OpenResult.Opened opened -> {
                ObservedTls observed = opened.session().tls();
                opened.session().close();
                yield switch (observed) {
                    case ObservedTls.None none -> new ProbeReport(host, where, "ok", "", "none", "", "", List.of(), dane);
                    case ObservedTls.Negotiated n -> new ProbeReport(host, where, "ok", "", n.authentication(),
                            n.protocol(), n.cipher(), n.peerChain().stream().map(PolicyProbe::presented).toList(), dane);
                };
            }
            case SessionConnector.OpenResult.Failed failed -> new ProbeReport(host, where, "failed",
                    classifier.failure(failed.failure()).diagnostic(), failed.tls().logValue(), "", "", List.of(), dane);
        };
    }

    private static Optional<DaneVerdict> daneVerdict(TlsPlan plan) {
        return switch (plan) {
            case TlsPlan.Opportunistic o -> Optional.empty();
            case TlsPlan.Required r -> r.trustManager() instanceof DaneTrustManager d ? d.verdict() : Optional.empty();
        };
    }

    static ProbeReport.PresentedCertificate presented(X509Certificate certificate) {
        return new ProbeReport.PresentedCertificate(certificate.getSubjectX500Principal().getName(),
                certificate.getIssuerX500Principal().getName(), spkiSha256(certificate));
    }

    private static String spkiSha256(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(certificate.getPublicKey().getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
