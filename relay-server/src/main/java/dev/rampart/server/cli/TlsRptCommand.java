package dev.rampart.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rampart.policy.dns.DomainNames;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import picocli.CommandLine;

/**
 * {@code rampart tlsrpt preview|send --date YYYY-MM-DD [--domain D] [--json]}: the TLS-RPT reports (RFC
 * 8460) of one UTC day, built by the running relay from its journal. {@code preview} prints each report's
 * JSON exactly as it would be sent, with where it would go (or why not); nothing is written or sent.
 * {@code send} builds and sends them now, to every rua destination, and prints what happened.
 *
 * <p>Exit 0 on success; 1 when the relay refused (no {@code tlsrpt.contact-info}) or a report is still
 * pending after its first attempt ({@code send}); 2 on bad input or when the relay cannot be reached.
 */
@CommandLine.Command(name = "tlsrpt", mixinStandardHelpOptions = true,
        description = "Preview or send the TLS-RPT reports of a UTC day.")
final class TlsRptCommand implements Runnable {
    private final Main.CliContext context;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    TlsRptCommand(Main.CliContext context) {
        this.context = context;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: preview or send");
    }

    @CommandLine.Command(name = "preview", mixinStandardHelpOptions = true,
            description = "Print the reports of DATE as they would be sent (nothing is sent).")
    int preview(@CommandLine.Mixin AdminTarget target,
                @CommandLine.Option(names = "--date", required = true, paramLabel = "YYYY-MM-DD",
                        description = "The UTC day.") String date,
                @CommandLine.Option(names = "--domain", paramLabel = "DOMAIN",
                        description = "Only the report for this domain.") String domain,
                @CommandLine.Option(names = "--json", description = "Print the admin API's JSON.") boolean json) {
        String query = query(date, domain);
        return call(target, false, query, json, answer -> true);
    }

    @CommandLine.Command(name = "send", mixinStandardHelpOptions = true,
            description = "Build the reports of DATE and send them now to every rua destination.")
    int send(@CommandLine.Mixin AdminTarget target,
             @CommandLine.Option(names = "--date", required = true, paramLabel = "YYYY-MM-DD",
                     description = "The UTC day.") String date,
             @CommandLine.Option(names = "--domain", paramLabel = "DOMAIN",
                     description = "Only the report for this domain.") String domain,
             @CommandLine.Option(names = "--json", description = "Print the admin API's JSON.") boolean json) {
        String query = query(date, domain);
        return call(target, true, query, json, answer -> answer.path("pending").asInt() == 0);
    }

    private String query(String date, String domain) {
        try {
            LocalDate.parse(date);
        } catch (DateTimeParseException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--date must be YYYY-MM-DD, got '" + date + "'");
        }
        String q = "?date=" + date;
        if (domain != null) {
            String d = DomainNames.normalize(domain).orElseThrow(() -> new CommandLine.ParameterException(
                    spec.commandLine(), "not a domain name: '" + domain + "'"));
            q += "&domain=" + URLEncoder.encode(d, StandardCharsets.UTF_8);
        }
        return q;
    }

    private int call(AdminTarget target, boolean send, String query, boolean json,
                     java.util.function.Predicate<JsonNode> succeeded) {
        return AdminCall.run(spec.commandLine(), context, target, json,
                client -> send ? client.post("/api/tlsrpt/send" + query) : client.get("/api/tlsrpt/preview" + query),
                send ? TlsRptCommand::sendText : TlsRptCommand::previewText, succeeded);
    }

    static String previewText(JsonNode answer) {
        StringBuilder b = new StringBuilder();
        JsonNode reports = answer.path("reports");
        if (reports.isEmpty()) {
            b.append("no sessions recorded for ").append(answer.path("date").asText()).append('\n');
        }
        for (JsonNode r : reports) {
            b.append("# ").append(r.path("domain").asText()).append(": ").append(r.path("sessions").asLong())
                    .append(" sessions, report ").append(r.path("report_id").asText()).append('\n');
            if (r.path("will_send").asBoolean()) {
                b.append("# to:");
                r.path("rua").forEach(u -> b.append(' ').append(u.asText()));
                b.append('\n');
            } else {
                b.append("# not sent: ").append(r.path("why_not").asText()).append('\n');
            }
            b.append("# file: ").append(r.path("file_name").asText()).append('\n');
            b.append(AdminCall.pretty(r.path("report")));
        }
        return b.toString();
    }

    static String sendText(JsonNode a) {
        return a.path("date").asText() + ": " + a.path("reports").asInt() + " report(s), "
                + a.path("destinations").asInt() + " destination(s): " + a.path("delivered").asInt() + " sent, "
                + a.path("pending").asInt() + " pending retry, " + a.path("without_record").asInt()
                + " domain(s) without a TLS-RPT record\n";
    }
}
