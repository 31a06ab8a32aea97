package dev.rampart.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rampart.policy.decide.AddressLiterals;
import dev.rampart.policy.dns.DomainNames;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import java.util.function.Predicate;
import picocli.CommandLine;

/**
 * {@code rampart sts show|refresh|purge DOMAIN [--json]}: the running relay's MTA-STS policy cache
 * (RFC 8461 §3.3), over its admin API. {@code show} prints the cached policy (id, mode, max_age, mx
 * patterns, fetch time, age, expiry, refresh time, fetch backoff); {@code refresh} fetches now, whatever
 * the cache and the backoff say; {@code purge} forgets the policy and its backoff, so the next delivery
 * asks DNS and fetches afresh.
 *
 * <p>Exit 0 on success; 1 when nothing is cached ({@code show}, {@code purge}) or the refresh failed (a
 * valid cached policy then stays in force, STS-15), or the relay refused the request; 2 on bad input (a
 * name that is not a domain) or when the relay cannot be reached.
 */
@CommandLine.Command(name = "sts", mixinStandardHelpOptions = true,
        description = "Show, refresh or purge the relay's cached MTA-STS policy of a domain.")
final class StsCommand implements Runnable {
    private final Main.CliContext context;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    StsCommand(Main.CliContext context) {
        this.context = context;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: show, refresh or purge");
    }

    @CommandLine.Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show the cached MTA-STS policy of DOMAIN (never fetches).")
    int show(@CommandLine.Mixin AdminTarget target,
             @CommandLine.Option(names = "--json", description = "Print the admin API's JSON.") boolean json,
             @CommandLine.Parameters(paramLabel = "DOMAIN", description = "Policy domain (the next-hop domain).")
             String domain) {
        String d = policyDomain(domain);
        return call(target, json, client -> client.get(path(d)), StsText::show, answer -> true);
    }

    @CommandLine.Command(name = "refresh", mixinStandardHelpOptions = true,
            description = "Fetch the MTA-STS policy of DOMAIN now, ignoring the cache and the fetch backoff.")
    int refresh(@CommandLine.Mixin AdminTarget target,
                @CommandLine.Option(names = "--json", description = "Print the admin API's JSON.") boolean json,
                @CommandLine.Parameters(paramLabel = "DOMAIN", description = "Policy domain (the next-hop domain).")
                String domain) {
        String d = policyDomain(domain);
        return call(target, json, client -> client.post(path(d) + "/refresh"), StsText::refresh,
                answer -> answer.path("result").asText().equals("refreshed"));
    }

    @CommandLine.Command(name = "purge", mixinStandardHelpOptions = true,
            description = "Forget the cached MTA-STS policy of DOMAIN and its fetch backoff.")
    int purge(@CommandLine.Mixin AdminTarget target,
              @CommandLine.Option(names = "--json", description = "Print the admin API's JSON.") boolean json,
              @CommandLine.Parameters(paramLabel = "DOMAIN", description = "Policy domain (the next-hop domain).")
              String domain) {
        String d = policyDomain(domain);
        return call(target, json, client -> client.delete(path(d)), StsText::purge,
                answer -> answer.path("had_policy").asBoolean());
    }

    private int call(AdminTarget target, boolean json, AdminCall.Request request, Function<JsonNode, String> text,
                     Predicate<JsonNode> succeeded) {
        return AdminCall.run(spec.commandLine(), context, target, json, request, text, succeeded);
    }

    /** STS-05: the policy domain is a domain name, never an address literal; checked before anything is sent. */
    private String policyDomain(String text) {
        if (AddressLiterals.isLiteralSyntax(text)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "not a domain name: '" + text + "' (MTA-STS applies to domain names only)");
        }
        return DomainNames.normalize(text).orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(),
                "not a domain name: '" + text + "'"));
    }

    private static String path(String domain) {
        return "/api/sts/" + URLEncoder.encode(domain, StandardCharsets.UTF_8);
    }
}
