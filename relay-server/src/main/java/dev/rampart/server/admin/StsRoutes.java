package dev.rampart.server.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rampart.policy.decide.AddressLiterals;
import dev.rampart.policy.dns.DomainNames;
import dev.rampart.policy.sts.StsCacheEntry;
import dev.rampart.server.sts.StsOutcome;
import dev.rampart.server.sts.StsService;
import java.io.IOException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MTA-STS cache on the admin API, what {@code rampart sts show|refresh|purge} talks to (RFC 8461
 * §3.3, §10.2):
 * <ul>
 *   <li>{@code GET /api/sts/{domain}}: the cached policy, valid or expired, and the fetch backoff (STS-10)
 *       of its id; 404 when nothing is cached;</li>
 *   <li>{@code POST /api/sts/{domain}/refresh}: fetch now whatever the cache and the backoff say; 200 with
 *       {@code result} refreshed or failed (a failure keeps a valid cached policy, STS-15);</li>
 *   <li>{@code DELETE /api/sts/{domain}}: forget the policy and its backoff; 200 with {@code had_policy}.</li>
 * </ul>
 * A name that is not a domain (an address literal included: MTA-STS is per domain, STS-01) is 400. Calls
 * block (a refresh fetches for up to a minute); the admin server runs them on its worker threads.
 * Thread-safe.
 */
final class StsRoutes {
    private static final Logger log = LoggerFactory.getLogger(StsRoutes.class);
    static final String PREFIX = "/api/sts/";

    private final StsService sts;
    private final InstantSource clock;

    StsRoutes(StsService sts, InstantSource clock) {
        this.sts = Objects.requireNonNull(sts);
        this.clock = Objects.requireNonNull(clock);
    }

    /** The metrics label of a path under {@link #PREFIX}: never the domain itself. */
    static String routeName(String rest) {
        return rest.endsWith("/refresh") ? PREFIX + "{domain}/refresh" : PREFIX + "{domain}";
    }

    /** @param rest the decoded path after {@link #PREFIX}: {@code domain} or {@code domain/refresh} */
    AdminReply handle(String method, String rest) {
        int slash = rest.indexOf('/');
        String name = slash < 0 ? rest : rest.substring(0, slash);
        String action = slash < 0 ? "" : rest.substring(slash + 1);
        if (!action.isEmpty() && !action.equals("refresh")) {
            return AdminReply.error(404, "no such resource: " + PREFIX + rest);
        }
        if (name.isEmpty()) {
            return AdminReply.error(400, "missing domain: use " + PREFIX + "DOMAIN");
        }
        Optional<String> domain = DomainNames.normalize(name);
        if (AddressLiterals.isLiteralSyntax(name) || domain.isEmpty()) {
            return AdminReply.error(400, "not a domain name: '" + name + "' (MTA-STS applies to domain names only)");
        }
        String d = domain.get();
        return switch (action) {
            case "" -> switch (method) {
                case "GET", "HEAD" -> show(d);
                case "DELETE" -> purge(d);
                default -> AdminReply.methodNotAllowed("GET, DELETE");
            };
            default -> method.equals("POST") ? refresh(d) : AdminReply.methodNotAllowed("POST");
        };
    }

    /** STS-10: the backoff of the id the TXT record names, for the explain and refresh answers. */
    Optional<Instant> fetchBlockedUntil(StsOutcome outcome) {
        return outcome.txt().found().flatMap(r -> sts.fetchBlockedUntil(outcome.policyDomain(), r.id()));
    }

    private AdminReply show(String domain) {
        Optional<StsCacheEntry> entry = sts.show(domain);
        if (entry.isEmpty()) {
            return AdminReply.error(404, "no MTA-STS policy cached for " + domain);
        }
        StsCacheEntry e = entry.get();
        return AdminReply.json(200, StsJson.show(e, sts.fetchBlockedUntil(domain, e.id()), sts.enabled(),
                clock.instant()));
    }

    private AdminReply refresh(String domain) {
        try {
            StsOutcome outcome = sts.refresh(domain);
            ObjectNode answer = StsJson.refresh(outcome, clock.instant(), fetchBlockedUntil(outcome));
            log.atInfo().addKeyValue("domain", domain).addKeyValue("result", answer.path("result").asText())
                    .addKeyValue("reason", answer.path("reason").asText()).log("sts policy refresh by operator");
            return AdminReply.json(200, answer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return AdminReply.error(503, "interrupted while refreshing the MTA-STS policy of " + domain);
        }
    }

    private AdminReply purge(String domain) {
        boolean had;
        try {
            had = sts.purge(domain);
        } catch (IOException e) {
            return AdminReply.error(503, "cannot remove the cached MTA-STS policy of " + domain + ": " + e.getMessage());
        }
        log.atInfo().addKeyValue("domain", domain).addKeyValue("had_policy", had).log("sts policy purged by operator");
        ObjectNode o = QueueJson.MAPPER.createObjectNode();
        o.put("domain", domain);
        o.put("result", "purged");
        o.put("had_policy", had);
        return AdminReply.json(200, o);
    }
}
