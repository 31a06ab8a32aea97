package dev.rampart.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The whole validated configuration (see config/rampart.reference.yaml for every key). Built by
 * {@link ConfigLoader} from YAML plus RAMPART_* environment overrides; immutable.
 * An empty {@code Optional}-returning accessor means "not configured".
 */
public record RampartConfig(Smtp smtp, Queue queue, Delivery delivery, Admin admin, Dns dns, Tls tls, Log log,
                            Tlsrpt tlsrpt, Dkim dkim) {

    /** Without TLS-RPT sending and DKIM signing. */
    public RampartConfig(Smtp smtp, Queue queue, Delivery delivery, Admin admin, Dns dns, Tls tls, Log log) {
        this(smtp, queue, delivery, admin, dns, tls, log, Tlsrpt.DISABLED, new Dkim(null));
    }

    /** Inbound SMTP listener. */
    public record Smtp(
            List<HostPort> listen,
            String hostname,                 // our FQDN: 220 greeting, Received:, HELO name
            List<Cidr> allowedNetworks,      // may relay without AUTH
            Path tlsCert,                    // inbound STARTTLS certificate chain (PEM); null path = no STARTTLS
            Path tlsKey,                     // its PKCS#8 PEM key
            long maxMessageSize,             // octets; SIZE= advertised
            int maxRecipients,               // per message (>= 100, SUB-09)
            int maxConnections,              // in total
            int maxConnectionsPerClient,     // per client address
            Duration idleTimeout,            // SUB-12: >= 5 min by default
            Path authUsers,                  // file of user:salted-hash lines; null = AUTH not offered
            int maxReceivedHeaders) {        // QUE-20

        public Optional<Path> tlsCertPath() {
            return Optional.ofNullable(tlsCert);
        }

        public Optional<Path> tlsKeyPath() {
            return Optional.ofNullable(tlsKey);
        }

        public Optional<Path> authUsersPath() {
            return Optional.ofNullable(authUsers);
        }
    }

    /** The spool and its retry policy. */
    public record Queue(
            Path dir,
            List<Duration> retrySchedule,    // delays after attempt 1, 2, ...; the last one repeats
            Duration maxAge,                 // a recipient fails when its message is older
            Duration bounceMaxAge,           // same, for bounces (null sender)
            Duration delayWarning) {         // QUE-13: one delay DSN after this long

        /** Delay before the next attempt after {@code attempts} attempts (attempts >= 1). */
        public Duration retryDelay(int attempts) {
            int i = Math.max(0, Math.min(attempts - 1, retrySchedule.size() - 1));
            return retrySchedule.get(i);
        }
    }

    /** Outbound SMTP client. */
    public record Delivery(
            String heloName,
            int port,                        // 25
            int maxConnections,              // in total
            int maxPerDestination,           // per next-hop domain
            Duration connectTimeout,
            Duration greetingTimeout,        // QUE-08 defaults: 5m
            Duration heloTimeout,            // 5m
            Duration starttlsTimeout,        // 2m (handshake included)
            Duration mailTimeout,            // 5m
            Duration rcptTimeout,            // 5m
            Duration dataInitTimeout,        // 2m
            Duration dataBlockTimeout,       // 3m
            Duration dataDoneTimeout,        // 10m
            Duration connectionReuseIdle,    // how long an idle connection is kept for more messages
            AddressPreference addressPreference) {}

    public enum AddressPreference { IPV4, IPV6, ANY }

    /** Admin HTTP listener: /metrics, /healthz, /readyz, /api/queue... */
    public record Admin(HostPort listen) {}

    /**
     * DNS resolution. Empty servers = the system resolver configuration. {@code trustAnchors} and
     * {@code selfCheckBogusName} may be null (bundled root anchors; no broken-name check).
     */
    public record Dns(List<HostPort> servers, Duration timeout, Dnssec dnssec, Path trustAnchors,
                      String selfCheckSecureName, String selfCheckBogusName, Duration selfCheckInterval) {
        /** A file of DS/DNSKEY records replacing the bundled root anchors. */
        public Optional<Path> trustAnchorsPath() {
            return Optional.ofNullable(trustAnchors);
        }

        /** A name whose signatures are known to be broken, which must validate as bogus. */
        public Optional<String> selfCheckBogus() {
            return Optional.ofNullable(selfCheckBogusName);
        }
    }

    /** Where DNSSEC statuses come from (DNS-01): validate in process, trust a loopback resolver's AD bit, or off. */
    public enum Dnssec { VALIDATE, TRUST_AD, OFF }

    /** Outbound TLS. {@code policyMap} may be null (no manual levels: every destination gets {@code dane}). */
    public record Tls(Path trustStore, Path policyMap, Enforcement enforcement, MtaSts mtaSts) {
        public Tls {
            java.util.Objects.requireNonNull(enforcement);
            java.util.Objects.requireNonNull(mtaSts);
        }

        /** Without a policy map, enforcing, MTA-STS on with the cache under the default directory. */
        public Tls(Path trustStore) {
            this(trustStore, null);
        }

        public Tls(Path trustStore, Path policyMap) {
            this(trustStore, policyMap, Enforcement.ENFORCE, new MtaSts(true, null));
        }

        /** The manual per-destination TLS levels (POL-10), one {@code <domain> <level>} a line. */
        public Optional<Path> policyMapPath() {
            return Optional.ofNullable(policyMap);
        }

        /** Extra PEM CA bundle added to the JDK roots wherever a certificate is PKIX-verified. */
        public Optional<Path> trustStorePath() {
            return Optional.ofNullable(trustStore);
        }
    }

    /** Whether TLS policies block delivery ({@code enforce}) or are only evaluated and reported ({@code shadow}). */
    public enum Enforcement { ENFORCE, SHADOW }

    /**
     * MTA-STS discovery (RFC 8461). {@code cacheDir} may be null: then the cache lives in
     * {@code <queue.dir>/mta-sts}, beside the queue it serves (one volume to mount in a container).
     */
    public record MtaSts(boolean enabled, Path cacheDir) {
        public Path cacheDirOr(Path queueDir) {
            return cacheDir != null ? cacheDir : queueDir.resolve("mta-sts");
        }
    }

    /**
     * TLS-RPT reports (RFC 8460). Sessions are always recorded; {@code enabled} sends the reports.
     * {@code submitter} is filled in from {@code contactInfo} by the loader; {@code sendWindow} null means a
     * random time 0–4 h after midnight UTC (REP-03); the DKIM pair is null or both set.
     */
    public record Tlsrpt(boolean enabled, String organizationName, String contactInfo, String submitter,
                         Duration sendWindow, long journalMaxSize, String dkimSelector, Path dkimKey) {
        public static final Tlsrpt DISABLED = new Tlsrpt(false, null, null, null, null, 256L << 20, null, null);

        public Optional<Duration> fixedSendWindow() {
            return Optional.ofNullable(sendWindow);
        }
    }

    /** DKIM signing of relayed mail by its From: domain; {@code keys} may be null (no signing). */
    public record Dkim(Path keys) {
        public Optional<Path> keysPath() {
            return Optional.ofNullable(keys);
        }
    }

    /** Logging. */
    public record Log(LogFormat format, String level) {}

    public enum LogFormat { TEXT, JSON }
}
