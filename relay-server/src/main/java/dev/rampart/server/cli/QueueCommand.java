package dev.rampart.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rampart.queue.QueueId;
import dev.rampart.server.config.ConfigException;
import picocli.CommandLine;

import java.io.PrintWriter;

/**
 * {@code rampart queue list|show|flush|delete|hold|release}: the operator's view of a running relay's
 * queue, over its admin API (like postqueue/postsuper). Ids are checked before anything is sent.
 * Exit 1 when the relay cannot be reached or refuses (unknown id), 2 on bad usage or configuration.
 */
@CommandLine.Command(name = "queue", mixinStandardHelpOptions = true,
        description = "Inspect and manage the queue of a running relay.")
final class QueueCommand implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Main.CliContext context;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    QueueCommand(Main.CliContext context) {
        this.context = context;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "missing command: list, show, flush, delete, hold or release");
    }

    @CommandLine.Command(name = "list", mixinStandardHelpOptions = true, description = "List queued messages.")
    int list(@CommandLine.Mixin AdminTarget target,
             @CommandLine.Option(names = "--json", description = "Print the admin API's JSON.") boolean json) {
        return call(target, client -> {
            JsonNode list = client.get("/api/queue");
            return json ? pretty(list) : QueueText.listing(list);
        });
    }

    @CommandLine.Command(name = "show", mixinStandardHelpOptions = true, description = "Show one message.")
    int show(@CommandLine.Mixin AdminTarget target,
             @CommandLine.Option(names = "--json", description = "Print the admin API's JSON.") boolean json,
             @CommandLine.Parameters(paramLabel = "ID", description = "Queue id.") String id) {
        checkId(id);
        return call(target, client -> {
            JsonNode m = client.get("/api/queue/" + id);
            return json ? pretty(m) : QueueText.detail(m);
        });
    }

    @CommandLine.Command(name = "flush", mixinStandardHelpOptions = true,
            description = "Make every deferred message due now and wake the scheduler.")
    int flush(@CommandLine.Mixin AdminTarget target) {
        return call(target, client -> {
            int n = client.post("/api/queue/flush").path("flushed").asInt();
            return "flushed " + n + (n == 1 ? " message" : " messages") + "\n";
        });
    }

    @CommandLine.Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a message without a bounce.")
    int delete(@CommandLine.Mixin AdminTarget target,
               @CommandLine.Parameters(paramLabel = "ID", description = "Queue id.") String id) {
        checkId(id);
        return call(target, client -> {
            client.delete("/api/queue/" + id);
            return "deleted " + id + "\n";
        });
    }

    @CommandLine.Command(name = "hold", mixinStandardHelpOptions = true,
            description = "Keep a message from being delivered until released.")
    int hold(@CommandLine.Mixin AdminTarget target,
             @CommandLine.Parameters(paramLabel = "ID", description = "Queue id.") String id) {
        checkId(id);
        return call(target, client -> {
            client.post("/api/queue/" + id + "/hold");
            return "held " + id + "\n";
        });
    }

    @CommandLine.Command(name = "release", mixinStandardHelpOptions = true,
            description = "Release a held message for delivery now.")
    int release(@CommandLine.Mixin AdminTarget target,
                @CommandLine.Parameters(paramLabel = "ID", description = "Queue id.") String id) {
        checkId(id);
        return call(target, client -> {
            client.post("/api/queue/" + id + "/release");
            return "released " + id + "\n";
        });
    }

    /** One admin call and the text to print on success. */
    @FunctionalInterface
    private interface AdminCall {
        String run(AdminClient client) throws AdminClient.AdminException;
    }

    private int call(AdminTarget target, AdminCall call) {
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
        try {
            out.print(call.run(client));
            out.flush();
            return Main.ExitCode.OK;
        } catch (AdminClient.AdminException e) {
            err.println("rampart: " + e.getMessage());
            err.flush();
            return Main.ExitCode.FAILURE;
        }
    }

    private void checkId(String id) {
        if (!QueueId.isValid(id)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "not a queue id: '" + id + "' (18 characters of 0-9 A-Z without I L O U)");
        }
    }

    private static String pretty(JsonNode node) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
