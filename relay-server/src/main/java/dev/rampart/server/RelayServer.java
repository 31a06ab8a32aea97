package dev.rampart.server;

import dev.rampart.policy.tlsrpt.TlsRptJournal;
import dev.rampart.server.dkim.DkimContent;
import dev.rampart.server.dkim.DkimKey;
import dev.rampart.server.dkim.DkimKeyTable;
import dev.rampart.server.dkim.DkimSigner;
import dev.rampart.server.tlsrpt.HttpsReportSender;
import dev.rampart.server.tlsrpt.ReportOutbox;
import dev.rampart.server.tlsrpt.SendSchedule;
import dev.rampart.server.tlsrpt.TlsRptMetrics;
import dev.rampart.server.tlsrpt.TlsRptReporter;
import dev.rampart.server.tlsrpt.TlsRptService;

import dev.rampart.policy.decide.DomainPlan;
import dev.rampart.policy.decide.ManualPolicy;
import dev.rampart.policy.decide.PolicyMap;
import dev.rampart.policy.dns.AddressPreference;
import dev.rampart.policy.dns.DnsMxLookup;
import dev.rampart.policy.dns.DnsjavaResolver;
import dev.rampart.policy.dns.DnssecMode;
import dev.rampart.policy.dns.DnssecSelfCheck;
import dev.rampart.policy.dns.DnsResolver;
import dev.rampart.policy.dns.ValidationGatedResolver;
import dev.rampart.policy.dns.MxResolution;
import dev.rampart.policy.dns.ResolverSettings;
import dev.rampart.policy.dns.TrustAnchors;
import dev.rampart.policy.sts.fetch.DnsHostResolver;
import dev.rampart.policy.sts.fetch.StsPolicyCache;
import dev.rampart.policy.sts.fetch.StsPolicyFetcher;
import dev.rampart.policy.sts.fetch.StsTrust;
import dev.rampart.queue.DiskQueue;
import dev.rampart.queue.QueueState;
import dev.rampart.queue.RecoveryReport;
import dev.rampart.server.admin.AdminServer;
import dev.rampart.server.admin.PolicyExplainer;
import dev.rampart.server.admin.ReadinessCheck;
import dev.rampart.server.config.ConfigLoader;
import dev.rampart.server.config.HostPort;
import dev.rampart.server.config.RampartConfig;
import dev.rampart.server.delivery.DeliveryScheduler;
import dev.rampart.server.delivery.DeliveryClient;
import dev.rampart.server.delivery.DestinationPlan;
import dev.rampart.server.delivery.DestinationPlanner;
import dev.rampart.server.delivery.PolicyProbe;
import dev.rampart.server.delivery.ProbeReport;
import dev.rampart.server.delivery.dsn.Rfc3464DsnWriter;
import dev.rampart.server.smtp.SmtpServer;
import dev.rampart.server.sts.StsMetrics;
import dev.rampart.server.sts.StsOutcome;
import dev.rampart.server.sts.StsRefreshTask;
import dev.rampart.server.sts.StsService;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;

/**
 * The composition root of a running relay: builds the long-lived parts from the configuration and
 * starts them in dependency order — queue (recovered first), delivery scheduler, SMTP listener, admin
 * listener — and stops them in reverse, so that no session is accepted before the queue is sound and
 * no message is acknowledged after the queue is closed. It owns the one MTA-STS service ({@link #sts()}),
 * whose policy cache lives beside the queue unless configured elsewhere, and its proactive refresh.
 *
 * <p>{@link #start()} is called once; {@link #close()} may be called from any thread (the SIGTERM hook)
 * and more than once. {@link #awaitStopped()} blocks until {@link #close()} has finished.
 */
public final class RelayServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RelayServer.class);
    /** Address lookups of {@code mta-sts.<domain>}: well inside the fetch's own 60 s limit. */
    private static final Duration STS_HOST_LOOKUP_LIMIT = Duration.ofSeconds(30);

    private final RampartConfig config;
    private final PrometheusMeterRegistry metrics;
    private final DiskQueue queue;
    private final ExecutorService dnsExecutor;
    private final DnssecSelfCheck dnssecCheck;
    private final ScheduledExecutorService dnssecScheduler;
    private final DestinationPlanner planner;
    private final ExecutorService stsExecutor;
    private final StsService sts;
    private final StsRefreshTask stsRefresh;
    private final ScheduledExecutorService stsScheduler;
    private final DeliveryClient smtpClient;
    private final TlsRptService tlsrpt;
    private final DeliveryScheduler scheduler;
    private final SmtpServer smtp;
    private final AdminServer admin;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private List<InetSocketAddress> smtpAddresses = List.of();
    private boolean closed;

    /**
     * Opens and recovers the queue and builds every part; binds nothing yet.
     *
     * @throws IOException when the spool cannot be opened (or is locked by another relay)
     */
    public RelayServer(RampartConfig config, InstantSource clock) throws IOException {
        this.config = config;
        // Read before anything is opened, so that a bad trust store stops the start without leaving a lock held.
        StsTrust webPki = webPkiTrust(config.tls());
        this.metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmGcMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        new UptimeMetrics().bindTo(metrics);

        this.queue = DiskQueue.open(config.queue().dir(), clock);
        RecoveryReport recovery = queue.recover();
        logRecovery(recovery);
        for (QueueState state : QueueState.values()) {
            Gauge.builder("rampart.queue.messages", queue, q -> q.counts().getOrDefault(state, 0))
                    .description("Messages in the queue by state")
                    .tag("state", state.name().toLowerCase(java.util.Locale.ROOT))
                    .register(metrics);
        }
        // Strong: nothing else keeps the report, and a weakly held one reads NaN after the next collection.
        Gauge.builder("rampart.queue.corrupt.files", recovery, r -> r.corrupt().size())
                .description("Queue files moved to corrupt/ at the last start")
                .strongReference(true)
                .register(metrics);

        this.dnsExecutor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("dns-", 0).factory());
        List<InetSocketAddress> dnsServers = config.dns().servers().stream().map(HostPort::toSocketAddress).toList();
        DnssecMode dnssec = dnssecMode(config.dns().dnssec());
        DnsjavaResolver resolver = new DnsjavaResolver(dnsServers,
                ResolverSettings.defaults(config.dns().timeout(), preference(config.delivery().addressPreference()), dnssec),
                trustAnchors(config.dns()), clock, dnsExecutor);
        this.dnssecCheck = new DnssecSelfCheck(resolver, dnssec, config.dns().selfCheckSecureName(),
                config.dns().selfCheckBogus().stream().toList(), clock);
        Gauge.builder("rampart.dnssec.validation.ok", dnssecCheck, c -> c.latest().ok() ? 1 : 0)
                .description("1 while the DNSSEC self-check passes (or validation is off), 0 while it fails or has not run")
                .register(metrics);
        this.dnssecScheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("dnssec-self-check").daemon(true).factory());
        // Delivery decisions see answers through the gate: while the self-check fails, nothing unvalidated
        // is taken for "insecure" (which would switch DANE off). The self-check asks the resolver directly.
        DnsResolver gated = new ValidationGatedResolver(resolver, dnssecCheck::latest);
        DnsMxLookup mx = new DnsMxLookup(gated, ourNames(config), ourAddresses(config.smtp().listen()),
                RandomGenerator.getDefault());

        // MTA-STS (RFC 8461): one trust for the policy fetch and the MX check (tls.trust-store means one thing),
        // policy hosts resolved through the gated resolver like every other delivery name, one service for
        // planning, the QUE-16 recheck, the proactive refresh, explain and the sts commands.
        this.stsExecutor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("mta-sts-", 0).factory());
        StsPolicyCache stsCache = new StsPolicyCache(config.tls().mtaSts().cacheDirOr(config.queue().dir()),
                new StsPolicyFetcher(webPki, new DnsHostResolver(gated, STS_HOST_LOOKUP_LIMIT)), clock,
                RandomGenerator.getDefault());
        this.sts = new StsService(gated, stsCache, stsExecutor, config.tls().mtaSts().enabled());
        StsMetrics stsMetrics = new StsMetrics(metrics, sts);
        this.stsRefresh = new StsRefreshTask(sts, stsExecutor, StsRefreshTask.DEFAULT_CONCURRENCY, stsMetrics);
        this.stsScheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("mta-sts-refresh").daemon(true).factory());

        this.planner = new DestinationPlanner(mx, gated::tlsa, domain -> stsMetrics.counted(sts.lookup(domain)),
                policyMap(config.tls()));
        // One SMTP client (one event loop group) serves deliveries and `policy explain --probe` alike; relayed
        // mail whose From: domain has a key in dkim.keys is signed on the way out.
        this.smtpClient = new DeliveryClient(config.delivery(), new DkimContent(dkimKeys(config.dkim()), clock)::open);
        this.tlsrpt = tlsrptService(config, clock, gated, webPki);
        this.scheduler = new DeliveryScheduler(config, queue, planner, new Rfc3464DsnWriter(config.smtp().hostname()),
                metrics, clock, smtpClient, webPki.trustManager(),
                domain -> sts.recheck(domain).map(StsOutcome::fetchedNewPolicy).orElse(false), tlsrpt::record);
        this.smtp = new SmtpServer(config.smtp(), queue, id -> scheduler.wake(), metrics, clock);
        this.admin = new AdminServer(config.admin().listen(), metrics, List.<ReadinessCheck>of(this::queueProblem, this::dnssecProblem),
                queue, scheduler::wake, new Explainer(planner, new PolicyProbe(smtpClient, clock, webPki.trustManager())),
                sts, clock, Optional.of(tlsrpt));
    }

    /** Starts delivery, then binds the SMTP and admin listeners; on failure everything started is stopped. */
    public synchronized void start() throws IOException {
        try {
            dnssecCheck.schedule(dnssecScheduler, config.dns().selfCheckInterval());
            stsRefresh.schedule(stsScheduler, RandomGenerator.getDefault());
            tlsrpt.start();
            scheduler.start();
            smtpAddresses = bind("smtp.listen " + config.smtp().listen(), smtp::start);
            bind("admin.listen " + config.admin().listen(), () -> {
                admin.start();
                return admin.address();
            });
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        log.atInfo().addKeyValue("hostname", config.smtp().hostname())
                .addKeyValue("smtp", smtpAddresses.stream().map(RelayServer::hostPort).toList())
                .addKeyValue("admin", AdminServer.hostPort(admin.address()))
                .addKeyValue("spool", config.queue().dir())
                .log("rampart started");
    }

    private interface Binding<T> {
        T bind() throws IOException;
    }

    /** Runs one listener's bind, naming the configuration key in the error so the operator knows which. */
    private static <T> T bind(String what, Binding<T> binding) throws IOException {
        try {
            return binding.bind();
        } catch (IOException e) {
            throw new IOException(what + ": " + e.getMessage(), e);
        }
    }

    /**
     * TLS-RPT (RFC 8460): the journal every delivery session is recorded in (under the spool, so one volume
     * keeps queue and statistics), and, when a contact address is configured, the reporter.
     */
    private TlsRptService tlsrptService(RampartConfig config, InstantSource clock, DnsResolver resolver, StsTrust webPki)
            throws IOException {
        RampartConfig.Tlsrpt settings = config.tlsrpt();
        java.nio.file.Path dir = config.queue().dir().resolve("tlsrpt");
        TlsRptJournal journal = new TlsRptJournal(dir.resolve("journal"), settings.journalMaxSize());
        TlsRptMetrics tlsrptMetrics = new TlsRptMetrics(metrics);
        String submitter = settings.submitter() != null ? settings.submitter() : config.smtp().hostname();
        Optional<TlsRptReporter> reporter = Optional.empty();
        if (settings.contactInfo() != null) {
            Optional<DkimSigner> dkim = Optional.empty();
            if (settings.dkimKey() != null) {
                dkim = Optional.of(new DkimSigner(DkimKey.read(submitter, settings.dkimSelector(), settings.dkimKey())));
            }
            reporter = Optional.of(new TlsRptReporter(new TlsRptReporter.Settings(settings.organizationName(),
                    settings.contactInfo(), submitter), journal, resolver, queue, this::wakeDelivery,
                    new HttpsReportSender(webPki.context(),
                            new DnsHostResolver(resolver, Duration.ofSeconds(30)), Duration.ofSeconds(60)), new ReportOutbox(dir), dkim, clock,
                    tlsrptMetrics));
        }
        if (settings.enabled() && reporter.isPresent() && settings.dkimKey() == null) {
            log.warn("tlsrpt: reports are sent without a DKIM signature (set tlsrpt.dkim.selector and tlsrpt.dkim.key;"
                    + " RFC 8460 §3 expects signed report mail)");
        }
        return new TlsRptService(journal, reporter, new SendSchedule(settings.fixedSendWindow(), submitter), clock,
                tlsrptMetrics, settings.enabled());
    }

    private static DkimKeyTable dkimKeys(RampartConfig.Dkim dkim) throws IOException {
        if (dkim.keysPath().isEmpty()) {
            return DkimKeyTable.EMPTY;
        }
        try {
            DkimKeyTable table = DkimKeyTable.load(dkim.keysPath().get());
            log.atInfo().addKeyValue("file", dkim.keysPath().get()).addKeyValue("domains", table.size())
                    .log("DKIM keys loaded");
            return table;
        } catch (IllegalArgumentException e) {
            throw new IOException("dkim.keys: " + e.getMessage(), e);
        }
    }

    private void wakeDelivery() {
        scheduler.wake();
    }

    /** TLS-RPT: the journal and the reporter, for {@code rampart tlsrpt} over the admin API. */
    public TlsRptService tlsrpt() {
        return tlsrpt;
    }

    /** The one MTA-STS service of this relay (lookups, refresh, recheck, show, purge), for explain and the admin API. */
    public StsService sts() {
        return sts;
    }

    public InetSocketAddress adminAddress() {
        return admin.address();
    }

    public List<InetSocketAddress> smtpAddresses() {
        return smtpAddresses;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        log.info("rampart stopping");
        closeQuietly("smtp listener", smtp);
        closeQuietly("delivery scheduler", scheduler);
        closeQuietly("admin listener", admin);
        closeQuietly("smtp client", smtpClient);
        closeQuietly("tlsrpt", tlsrpt);
        closeQuietly("queue", queue);
        dnssecScheduler.shutdownNow();
        stsScheduler.shutdownNow();
        stsExecutor.shutdownNow();
        dnsExecutor.shutdownNow();
        log.info("rampart stopped");
        stopped.countDown();
    }

    /** Blocks until {@link #close()} has completed. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    private static void closeQuietly(String what, AutoCloseable part) {
        try {
            part.close();
        } catch (Exception e) {
            log.atWarn().addKeyValue("part", what).addKeyValue("error", e.toString()).log("stopping failed");
        }
    }

    /** Ready only while the spool accepts new messages: a read-only or vanished spool cannot honour 250. */
    private Optional<String> queueProblem() {
        java.nio.file.Path dir = config.queue().dir();
        if (!java.nio.file.Files.isDirectory(dir) || !java.nio.file.Files.isWritable(dir)) {
            return Optional.of("queue: spool directory " + dir + " is not a writable directory");
        }
        return Optional.empty();
    }

    /**
     * Not ready while DNSSEC validation is unproven or broken, since DANE answers cannot be trusted then.
     * Off by configuration is not a problem.
     */
    private Optional<String> dnssecProblem() {
        DnssecSelfCheck.Health h = dnssecCheck.latest();
        return h.ok() ? Optional.empty() : Optional.of("dnssec: " + h.reason());
    }

    private static DnssecMode dnssecMode(RampartConfig.Dnssec setting) {
        return switch (setting) {
            case VALIDATE -> DnssecMode.VALIDATE;
            case TRUST_AD -> DnssecMode.TRUST_AD;
            case OFF -> DnssecMode.OFF;
        };
    }

    /** {@code rampart policy explain}: the delivery planner itself, and probes with the delivery client's TLS setup. */
    private record Explainer(DestinationPlanner planner, PolicyProbe probe) implements PolicyExplainer {
        private static final Duration PLAN_LIMIT = Duration.ofMinutes(2);

        @Override
        public DestinationPlan plan(String nextHop) throws InterruptedException {
            try {
                return planner.plan(nextHop).get(PLAN_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // plan() never completes exceptionally; a timeout is the only way here.
                String reason = "DNS lookups for " + nextHop + " did not finish within " + PLAN_LIMIT.toSeconds() + "s";
                return new DestinationPlan(nextHop, ManualPolicy.DANE,
                        new MxResolution.Temporary(nextHop, "4.4.3", reason),
                        new DomainPlan.Defer("4.4.3", reason, List.of()), List.of());
            }
        }

        @Override
        public List<ProbeReport> probe(DestinationPlan plan) {
            return probe.probe(plan);
        }
    }

    /** POL-10: the manual levels; the loader has already checked the file, so only I/O can fail here. */
    private PolicyMap policyMap(RampartConfig.Tls tls) throws IOException {
        Optional<Path> file = tls.policyMapPath();
        if (file.isEmpty()) {
            return PolicyMap.EMPTY;
        }
        PolicyMap map = ConfigLoader.loadPolicyMap(file.get());
        log.atInfo().addKeyValue("file", file.get()).addKeyValue("entries", map.size()).log("TLS policy map loaded");
        return map;
    }

    /**
     * The WebPKI anchors for the MTA-STS policy fetch (STS-06) and the MX certificate (STS-18): the JDK
     * roots plus the {@code tls.trust-store} bundle, if configured.
     */
    private static StsTrust webPkiTrust(RampartConfig.Tls tls) throws IOException {
        List<X509Certificate> extra;
        try {
            extra = tls.trustStorePath().isPresent() ? StsTrust.readPem(tls.trustStorePath().get()) : List.of();
        } catch (IOException e) {
            throw new IOException("tls.trust-store: " + e.getMessage(), e);
        }
        if (tls.trustStorePath().isPresent() && extra.isEmpty()) {
            throw new IOException("tls.trust-store: " + tls.trustStorePath().get() + " holds no PEM certificate");
        }
        try {
            StsTrust trust = StsTrust.of(extra, true);
            tls.trustStorePath().ifPresent(p -> log.atInfo().addKeyValue("file", p)
                    .addKeyValue("certificates", extra.size()).log("TLS trust store loaded"));
            return trust;
        } catch (GeneralSecurityException e) {
            throw new IOException("tls.trust-store: " + e.getMessage(), e);
        }
    }

    /** The configured anchor file (already checked by the config loader) or the bundled root anchors. */
    private static TrustAnchors trustAnchors(RampartConfig.Dns dns) throws IOException {
        Optional<Path> file = dns.trustAnchorsPath();
        if (file.isEmpty()) {
            return TrustAnchors.bundledRoot();
        }
        try {
            return TrustAnchors.fromFile(file.get());
        } catch (IllegalArgumentException e) {
            throw new IOException("dns.trust-anchors: " + e.getMessage(), e);
        }
    }

    private static void logRecovery(RecoveryReport report) {
        log.atInfo().addKeyValue("messages", report.messages())
                .addKeyValue("requeued_from_active", report.requeuedFromActive())
                .addKeyValue("unacknowledged_removed", report.tmpFilesRemoved())
                .addKeyValue("corrupt", report.corrupt().size())
                .log("queue recovered");
        for (RecoveryReport.Corrupt c : report.corrupt()) {
            log.atError().addKeyValue("file", c.file()).addKeyValue("reason", c.reason())
                    .log("queue file is unreadable; moved to corrupt/ for inspection");
        }
    }

    private static AddressPreference preference(RampartConfig.AddressPreference p) {
        return switch (p) {
            case IPV4 -> AddressPreference.IPV4_FIRST;
            case IPV6 -> AddressPreference.IPV6_FIRST;
            case ANY -> AddressPreference.RESOLVER_ORDER;
        };
    }

    /** MX-11: the names an MX record may use for us. */
    private static Set<String> ourNames(RampartConfig config) {
        Set<String> names = new LinkedHashSet<>();
        names.add(config.smtp().hostname());
        names.add(config.delivery().heloName());
        return names;
    }

    /**
     * MX-11: the addresses an MX host may resolve to and still be us: the listen addresses, or every
     * interface address when listening on a wildcard.
     */
    private static List<InetAddress> ourAddresses(List<HostPort> listen) {
        List<InetAddress> addresses = new ArrayList<>();
        for (HostPort hp : listen) {
            InetAddress a = hp.toSocketAddress().getAddress();
            if (a == null) {
                continue;
            }
            if (a.isAnyLocalAddress()) {
                try {
                    NetworkInterface.networkInterfaces()
                            .forEach(ni -> ni.inetAddresses().forEach(addresses::add));
                } catch (SocketException e) {
                    log.atWarn().addKeyValue("error", e.toString()).log("cannot list interface addresses");
                }
            } else {
                addresses.add(a);
            }
        }
        return List.copyOf(new LinkedHashSet<>(addresses));
    }

    static String hostPort(InetSocketAddress a) {
        return AdminServer.hostPort(a);
    }
}
