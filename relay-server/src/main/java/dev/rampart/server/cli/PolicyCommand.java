package dev.rampart.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rampart.policy.decide.AddressLiterals;
import dev.rampart.policy.dns.DomainNames;
import dev.rampart.server.config.ConfigException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import picocli.CommandLine;

/**
 * {@code rampart policy explain DOMAIN [--json] [--probe]}: what transport security the running relay
 * would apply to a destination and why (the MX set and its DNSSEC status, the MTA-STS record and policy,
 * per host the addresses, TLSA records, the MTA-STS mx match and the decision), asked over the admin API;
 * {@code --probe} adds a live EHLO/STARTTLS/handshake per MX host that never sends mail, with the WebPKI
 * check of the presented chain for hosts under MTA-STS. Exit 0 when at least one host would be connected to, 1 when the relay
 * cannot be reached or the destination would be deferred or bounced before any connection (including when
 * every MX host is skipped), 2 on bad usage (a name that is not a domain).
 */
@CommandLine.Command(name = "policy", mixinStandardHelpOptions = true,
        description = "Show the TLS policy the relay applies to a destination.")
final class PolicyCommand implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Main.CliContext context;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    PolicyCommand(Main.CliContext context) {
        this.context = context;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: explain");
    }

    @CommandLine.Command(name = "explain", mixinStandardHelpOptions = true,
            description = "Explain the MX hosts, DNSSEC, TLSA records, MTA-STS policy and TLS decision for DOMAIN.")
    int explain(@CommandLine.Mixin AdminTarget target,
                @CommandLine.Option(names = "--json", description = "Print the admin API's JSON.") boolean json,
                @CommandLine.Option(names = "--probe",
                        description = "Also connect to each MX host (EHLO, STARTTLS, handshake; never MAIL).")
                boolean probe,
                @CommandLine.Parameters(paramLabel = "DOMAIN", description = "Next-hop domain or [address].")
                String domain) {
        String nextHop = nextHop(domain).orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(),
                "not a domain name or address literal: '" + domain + "'"));
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        AdminClient client;
        try {
            client = new AdminClient(target.resolve(context.configLoader(), spec.commandLine()), context.http());
        } catch (ConfigException e) {
            err.println(e.getMessage());
            err.flush();
            return Main.ExitCode.USAGE;
        }
        JsonNode answer;
        try {
            answer = client.get("/api/policy/explain?domain=" + URLEncoder.encode(nextHop, StandardCharsets.UTF_8)
                    + (probe ? "&probe=1" : ""));
        } catch (AdminClient.AdminException e) {
            err.println("rampart: " + e.getMessage());
            err.flush();
            return Main.ExitCode.FAILURE;
        }
        out.print(json ? pretty(answer) : PolicyText.explain(answer));
        out.flush();
        return wouldConnect(answer) ? Main.ExitCode.OK : Main.ExitCode.FAILURE;
    }

    /**
     * True when the domain's hosts would be tried and at least one of them would be connected to; a
     * destination whose every host is skipped (e.g. its only MX has a bogus TLSA RRset) is deferred before
     * any connection, like a domain-level defer.
     */
    private static boolean wouldConnect(JsonNode answer) {
        if (!answer.path("decision").path("action").asText().equals("try-hosts")) {
            return false;
        }
        for (JsonNode host : answer.path("hosts")) {
            if (host.path("plan").path("action").asText().equals("connect")) {
                return true;
            }
        }
        return false;
    }

    private static Optional<String> nextHop(String text) {
        if (AddressLiterals.isLiteralSyntax(text)) {
            return AddressLiterals.parseLiteral(text).map(a -> text);
        }
        return DomainNames.normalize(text);
    }

    private static String pretty(JsonNode node) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
