package dev.rampart.server.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rampart.policy.dane.TlsaRecord;
import dev.rampart.policy.dane.TlsaUsability;
import dev.rampart.policy.decide.Authentication;
import dev.rampart.policy.decide.DomainPlan;
import dev.rampart.policy.decide.HostPlan;
import dev.rampart.policy.decide.TlsaFacts;
import dev.rampart.policy.dns.DnsResult;
import dev.rampart.policy.dns.DnssecStatus;
import dev.rampart.policy.dns.MxHost;
import dev.rampart.policy.dns.MxResolution;
import dev.rampart.server.delivery.DestinationPlan;
import dev.rampart.server.delivery.ProbeReport;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The JSON shape of {@code GET /api/policy/explain} ({@code rampart policy explain --json}):
 * <pre>
 * {"domain","manual","mx":{"result":"hosts|permanent|temporary","status","implicit","reason","skipped":[..]},
 *  "sts":{"policy_domain","txt":{..},"lookup":{..},"policy":{..}},   see {@link StsJson#outcome}
 *  "decision":{"action":"try-hosts|defer|fail","status","reason"},
 *  "hosts":[{"name","preference","addresses":[..],"address_status",
 *            "tlsa":{"queried","queries":[..],"base","answer":"records|nodata|nxdomain|failure|none","status",
 *                    "reason","records":[{"record":"3 1 1 ab..","usable","unusable_reason"}]},
 *            "sts":{"checked","mode","admitted","matched_pattern"},            see {@link StsJson#host}
 *            "plan":{"action":"connect|skip","tls":"required|opportunistic","authentication":"dane|pkix|none",
 *                    "audit":"pkix|none","sni","policy","reference_ids":[..],"audit_reference_ids":[..],
 *                    "status","reason","why"},
 *            "probe":{"address","outcome":"ok|skipped|failed","detail","tls","protocol","cipher","dane",
 *                     "pkix":{"role":"enforce|audit|","reference_ids":[..],"result":"pass|fail|not-checked|",
 *                             "reason"},
 *                     "chain":[{"subject","issuer","spki_sha256","dns_names":[..]}]}}]}
 * </pre>
 * Statuses and keywords are lower case; for a failed TLSA lookup {@code status} is the failure kind
 * ({@code bogus}, {@code servfail}, {@code timeout}, {@code malformed}, {@code cname-loop}); absent facts are empty strings or empty lists, never null;
 * {@code probe} appears only when asked for. Pure and thread-safe; policy ages are taken at {@code now}.
 */
public final class PolicyJson {
    private PolicyJson() {}

    public static ObjectNode explain(DestinationPlan plan, Optional<List<ProbeReport>> probes, Instant now) {
        return explain(plan, probes, now, Optional.empty());
    }

    /** @param stsFetchBlockedUntil STS-10: until when the TXT record's policy id is not fetched again */
    public static ObjectNode explain(DestinationPlan plan, Optional<List<ProbeReport>> probes, Instant now,
                                     Optional<Instant> stsFetchBlockedUntil) {
        ObjectNode root = QueueJson.MAPPER.createObjectNode();
        root.put("domain", plan.nextHop());
        root.put("manual", plan.manual().keyword());
        root.set("mx", mx(plan.resolution()));
        root.set("sts", StsJson.outcome(plan.sts(), now, stsFetchBlockedUntil));
        root.set("decision", decision(plan.domainPlan()));
        ArrayNode hosts = root.putArray("hosts");
        for (int i = 0; i < plan.hosts().size(); i++) {
            DestinationPlan.PlannedHost h = plan.hosts().get(i);
            ObjectNode host = host(h.host());
            host.set("tlsa", tlsa(h.tlsaQueries(), h.tlsa()));
            host.set("sts", StsJson.host(plan.sts(), h.host().name()));
            host.set("plan", hostPlan(plan, h.plan()));
            int index = i;
            probes.filter(p -> index < p.size()).ifPresent(p -> host.set("probe", probe(p.get(index))));
            hosts.add(host);
        }
        if (plan.domainPlan() instanceof DomainPlan.Defer d) {
            // Row 5: the hosts were never planned one by one, but each was skipped for the same reason.
            for (HostPlan.Skip skip : d.skippedHosts()) {
                ObjectNode host = QueueJson.MAPPER.createObjectNode();
                host.put("name", skip.hostName());
                host.set("plan", hostPlan(plan, skip));
                hosts.add(host);
            }
        }
        return root;
    }

    private static ObjectNode mx(MxResolution resolution) {
        ObjectNode mx = QueueJson.MAPPER.createObjectNode();
        switch (resolution) {
            case MxResolution.Hosts h -> {
                mx.put("result", "hosts");
                mx.put("status", lower(h.mxStatus()));
                mx.put("implicit", h.implicit());
                mx.put("reason", "");
                ArrayNode skipped = mx.putArray("skipped");
                h.skipped().forEach(skipped::add);
            }
            case MxResolution.Permanent p -> {
                mx.put("result", "permanent");
                mx.put("status", p.status());
                mx.put("reason", p.reason());
            }
            case MxResolution.Temporary t -> {
                mx.put("result", "temporary");
                mx.put("status", t.status());
                mx.put("reason", t.reason());
            }
        }
        return mx;
    }

    private static ObjectNode decision(DomainPlan plan) {
        ObjectNode d = QueueJson.MAPPER.createObjectNode();
        switch (plan) {
            case DomainPlan.TryHosts t -> {
                d.put("action", "try-hosts");
                d.put("status", "");
                d.put("reason", "");
            }
            case DomainPlan.Defer defer -> {
                d.put("action", "defer");
                d.put("status", defer.status());
                d.put("reason", defer.reason());
            }
            case DomainPlan.Fail fail -> {
                d.put("action", "fail");
                d.put("status", fail.status());
                d.put("reason", fail.reason());
            }
        }
        return d;
    }

    private static ObjectNode host(MxHost mxHost) {
        ObjectNode host = QueueJson.MAPPER.createObjectNode();
        host.put("name", mxHost.name());
        host.put("preference", mxHost.preference());
        ArrayNode addresses = host.putArray("addresses");
        mxHost.addresses().stream().map(InetAddress::getHostAddress).forEach(addresses::add);
        host.put("address_status", lower(mxHost.addressStatus()));
        return host;
    }

    private static ObjectNode tlsa(List<String> queries, TlsaFacts facts) {
        ObjectNode t = QueueJson.MAPPER.createObjectNode();
        ArrayNode asked = QueueJson.MAPPER.createArrayNode();
        queries.forEach(asked::add);
        ArrayNode records = QueueJson.MAPPER.createArrayNode();
        switch (facts) {
            case TlsaFacts.NotQueried n -> {
                t.put("queried", false);
                t.set("queries", asked);
                t.put("base", "");
                t.put("answer", "none");
                t.put("status", "");
                t.put("reason", n.reason());
            }
            case TlsaFacts.Answer a -> {
                t.put("queried", true);
                t.set("queries", asked);
                t.put("base", a.baseDomain());
                switch (a.result()) {
                    case DnsResult.Records<TlsaRecord> r -> {
                        t.put("answer", "records");
                        t.put("status", lower(r.status()));
                        t.put("reason", "");
                        r.records().forEach(rec -> records.add(record(rec)));
                    }
                    case DnsResult.NoData<TlsaRecord> n -> {
                        t.put("answer", "nodata");
                        t.put("status", lower(n.status()));
                        t.put("reason", "");
                    }
                    case DnsResult.NxDomain<TlsaRecord> n -> {
                        t.put("answer", "nxdomain");
                        t.put("status", lower(n.status()));
                        t.put("reason", "");
                    }
                    case DnsResult.Failure<TlsaRecord> f -> {
                        t.put("answer", "failure");
                        t.put("status", f.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'));
                        t.put("reason", f.reason());
                    }
                }
            }
        }
        t.set("records", records);
        return t;
    }

    private static ObjectNode record(TlsaRecord record) {
        ObjectNode r = QueueJson.MAPPER.createObjectNode();
        r.put("record", record.presentation());
        Optional<String> why = TlsaUsability.unusableReason(record);
        r.put("usable", why.isEmpty());
        r.put("unusable_reason", why.orElse(""));
        return r;
    }

    private static ObjectNode hostPlan(DestinationPlan destination, HostPlan plan) {
        ObjectNode p = QueueJson.MAPPER.createObjectNode();
        ArrayNode ids = QueueJson.MAPPER.createArrayNode();
        ArrayNode auditIds = QueueJson.MAPPER.createArrayNode();
        switch (plan) {
            case HostPlan.Skip s -> {
                p.put("action", "skip");
                p.put("tls", "");
                p.put("authentication", "");
                p.put("audit", "");
                p.put("sni", "");
                p.put("policy", destination.policyLabel(s));
                p.put("status", s.status());
                p.put("reason", s.reason());
            }
            case HostPlan.Connect c -> {
                p.put("action", "connect");
                p.put("tls", c.requirement().name().toLowerCase(Locale.ROOT));
                p.put("authentication", switch (c.authentication()) {
                    case Authentication.Dane d -> "dane";
                    case Authentication.Pkix k -> "pkix";
                    case Authentication.None n -> "none";
                });
                // STS-20: MTA-STS testing checks the certificate and reports, but never blocks.
                p.put("audit", switch (c.audit()) {
                    case Authentication.Pkix k -> {
                        k.referenceIds().forEach(auditIds::add);
                        yield "pkix";
                    }
                    case Authentication.Dane d -> "dane";
                    case Authentication.None n -> "none";
                });
                p.put("sni", c.sni().orElse(""));
                p.put("policy", destination.policyLabel(c));
                c.referenceIds().forEach(ids::add);
                p.put("status", "");
                p.put("reason", "");
            }
        }
        p.set("reference_ids", ids);
        p.set("audit_reference_ids", auditIds);
        p.put("why", plan.why());
        return p;
    }

    private static ObjectNode probe(ProbeReport report) {
        ObjectNode p = QueueJson.MAPPER.createObjectNode();
        p.put("address", report.address());
        p.put("outcome", report.outcome());
        p.put("detail", report.detail());
        p.put("tls", report.tls());
        p.put("protocol", report.protocol());
        p.put("cipher", report.cipher());
        p.put("dane", report.dane());
        ObjectNode pkix = p.putObject("pkix");
        pkix.put("role", report.pkix().role());
        ArrayNode ids = pkix.putArray("reference_ids");
        report.pkix().referenceIds().forEach(ids::add);
        pkix.put("result", report.pkix().result());
        pkix.put("reason", report.pkix().reason());
        ArrayNode chain = p.putArray("chain");
        for (ProbeReport.PresentedCertificate c : report.chain()) {
            ObjectNode cert = chain.addObject();
            cert.put("subject", c.subject());
            cert.put("issuer", c.issuer());
            cert.put("spki_sha256", c.spkiSha256());
            ArrayNode names = cert.putArray("dns_names");
            c.dnsNames().forEach(names::add);
        }
        return p;
    }

    private static String lower(DnssecStatus status) {
        return status.name().toLowerCase(Locale.ROOT);
    }
}
