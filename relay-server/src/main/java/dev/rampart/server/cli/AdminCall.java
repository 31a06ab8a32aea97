package dev.rampart.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rampart.server.config.ConfigException;
import java.io.PrintWriter;
import java.util.function.Function;
import java.util.function.Predicate;
import picocli.CommandLine;

/**
 * One admin API call of a command ({@code rampart sts ...}, {@code rampart tlsrpt ...}), with the exit
 * statuses they share: the answer printed as text or as the API's JSON; 0 when {@code succeeded} holds, 1
 * when it does not or the relay refused; 2 when the relay cannot be reached, the request was bad, or the
 * configuration naming the relay is bad.
 */
final class AdminCall {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The request itself. */
    @FunctionalInterface
    interface Request {
        JsonNode send(AdminClient client) throws AdminClient.AdminException;
    }

    private AdminCall() {}

    static int run(CommandLine commandLine, Main.CliContext context, AdminTarget target, boolean json, Request request,
                   Function<JsonNode, String> text, Predicate<JsonNode> succeeded) {
        PrintWriter out = commandLine.getOut();
        PrintWriter err = commandLine.getErr();
        AdminClient client;
        try {
            client = new AdminClient(target.resolve(context.configLoader(), commandLine), context.http());
        } catch (ConfigException e) {
            err.println(e.getMessage());
            err.flush();
            return Main.ExitCode.USAGE;
        }
        JsonNode answer;
        try {
            answer = request.send(client);
        } catch (AdminClient.AdminException e) {
            err.println("rampart: " + e.getMessage());
            err.flush();
            return switch (e.status()) {
                // Nothing to reach is an environment problem, like a bad --config: the same status.
                case AdminClient.AdminException.NO_ANSWER -> Main.ExitCode.USAGE;
                case 400 -> Main.ExitCode.USAGE;
                default -> Main.ExitCode.FAILURE;
            };
        }
        out.print(json ? pretty(answer) : text.apply(answer));
        out.flush();
        return succeeded.test(answer) ? Main.ExitCode.OK : Main.ExitCode.FAILURE;
    }

    static String pretty(JsonNode node) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
