package dev.rampart.server.delivery;

import dev.rampart.policy.dane.DaneTrustManager;
import dev.rampart.policy.dane.DaneVerdict;
import dev.rampart.policy.decide.Authentication;
import dev.rampart.policy.decide.HostPlan;
import dev.rampart.policy.sts.fetch.PkixPeerCheck;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.InetAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
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
 *
 * <p>Hosts under MTA-STS are the exception to "exactly as delivery": the point of the probe is to show
 * the certificate the host presents and why it passes or fails the WebPKI check (STS-18), and a session
 * that fails its handshake shows nothing. So the handshake accepts any chain (with the same SNI, the MX
 * host name, and TLS still mandatory under {@code enforce}) and the chain is then judged by
 * {@link PkixPeerCheck}, the very check delivery uses, against the same anchors (JDK roots plus
 * {@code tls.trust-store}). Under {@code enforce} a failed check makes the probe {@code failed}, as delivery
 * would not deliver there (STS-19); under {@code testing} it is reported and the probe stays {@code ok}
 * (STS-20).
 */
public final class PolicyProbe {
    /**
     * The key-exchange name JSSE passes for TLS 1.3; for a server it demands a signing key, which is what
     * every (EC)DHE suite needs, so the audit gives the verdict delivery's handshake would.
     */
    private static final String AUTH_TYPE = "UNKNOWN";
    private static final int DNS_NAME = 2;

    private final SessionConnector connector;
    private final InstantSource clock;
    private final X509TrustManager webPkiTrust;
    private final DeliveryClassifier classifier = new DeliveryClassifier();

    /**
     * @param webPkiTrust path validation for the WebPKI check ({@code StsTrust.trustManager()}: the JDK
     *                    roots plus {@code tls.trust-store})
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
        if (connect.authentication() instanceof Authentication.Pkix pkix) {
            return pkixProbe(connect, address, "enforce", pkix.referenceIds(), new TlsPlan.Required(
                    (X509TrustManager) InsecureTrustManagerFactory.INSTANCE.getTrustManagers()[0],
                    connect.sni().orElse(connect.hostName()), false, "unauthenticated",
                    "MTA-STS enforce requires TLS"));
        }
        if (connect.audit() instanceof Authentication.Pkix audit) {
            return pkixProbe(connect, address, "audit", audit.referenceIds(), TlsPlan.forHost(connect, clock, webPkiTrust));
        }
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

    /**
     * One session that accepts any chain, then the WebPKI check on what was presented. {@code enforce}:
     * TLS is mandatory and a failed check fails the probe; {@code audit}: delivery's own opportunistic
     * session, and the check is only reported.
     */
    private ProbeReport pkixProbe(HostPlan.Connect connect, InetAddress address, String role, List<String> names,
                                  TlsPlan tls) {
        String host = connect.hostName();
        String where = address.getHostAddress();
        boolean enforce = role.equals("enforce");
        SessionConnector.OpenResult result = connector.open(host, address, tls);
        return switch (result) {
            case SessionConnector.OpenResult.Opened opened -> {
                ObservedTls observed = opened.session().tls();
                opened.session().close();
                yield switch (observed) {
                    case ObservedTls.None none -> new ProbeReport(host, where, "ok", "", "none", "", "", List.of(), "",
                            new ProbeReport.PkixCheck(role, names, "not-checked", "no TLS session: nothing to check; "
                                    + "MTA-STS testing delivers anyway and reports starttls-not-supported (STS-20)"));
                    case ObservedTls.Negotiated n -> {
                        Optional<String> problem = new PkixPeerCheck(webPkiTrust, names)
                                .problem(n.peerChain().toArray(X509Certificate[]::new), AUTH_TYPE);
                        ProbeReport.PkixCheck check = new ProbeReport.PkixCheck(role, names,
                                problem.isPresent() ? "fail" : "pass", problem.orElse(""));
                        boolean blocked = enforce && problem.isPresent();
                        yield new ProbeReport(host, where, blocked ? "failed" : "ok",
                                blocked ? "MTA-STS enforce: certificate check failed, no delivery to this host: "
                                        + problem.get() : "",
                                problem.isEmpty() ? "pkix" : "unauthenticated", n.protocol(), n.cipher(),
                                n.peerChain().stream().map(PolicyProbe::presented).toList(), "", check);
                    }
                };
            }
            case SessionConnector.OpenResult.Failed failed -> {
                String why = classifier.failure(failed.failure()).diagnostic();
                yield new ProbeReport(host, where, "failed", why, failed.tls().logValue(), "", "", List.of(), "",
                        new ProbeReport.PkixCheck(role, names, "not-checked", "no certificate seen: " + why));
            }
        };
    }

    private static Optional<DaneVerdict> daneVerdict(TlsPlan plan) {
        return switch (plan) {
            case TlsPlan.Opportunistic o -> Optional.empty();
            case TlsPlan.Plaintext p -> Optional.empty();
            case TlsPlan.Required r -> r.trustManager() instanceof DaneTrustManager d ? d.verdict() : Optional.empty();
        };
    }

    static ProbeReport.PresentedCertificate presented(X509Certificate certificate) {
        return new ProbeReport.PresentedCertificate(certificate.getSubjectX500Principal().getName(),
                certificate.getIssuerX500Principal().getName(), spkiSha256(certificate), dnsNames(certificate));
    }

    private static List<String> dnsNames(X509Certificate certificate) {
        Collection<List<?>> sans;
        try {
            sans = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        if (sans != null) {
            for (List<?> san : sans) {
                if (san.size() >= 2 && san.get(0) instanceof Integer type && type == DNS_NAME
                        && san.get(1) instanceof String name) {
                    names.add(name);
                }
            }
        }
        return names;
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
