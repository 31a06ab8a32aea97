package dev.rampart.server.cli;

import dev.rampart.server.config.ConfigLoader;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The {@code rampart} command (the jar's main class). Exit status: 0 success, 1 the command failed at run
 * time (relay unreachable, no such message, cannot bind), 2 bad usage or a bad configuration.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        CommandLine cli = commandLine(new CliContext(
                ConfigLoader.forThisProcess(),
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(),
                hook -> Runtime.getRuntime().addShutdownHook(new Thread(hook, "rampart-shutdown"))));
        System.exit(cli.execute(args));
    }

    /** The full command tree over the given dependencies; output goes to the CommandLine's out/err. */
    public static CommandLine commandLine(CliContext context) {
        CommandLine cli = new CommandLine(new RampartCommand());
        cli.addSubcommand("serve", new ServeCommand(context));
        cli.addSubcommand("queue", new QueueCommand(context));
        cli.addSubcommand("policy", new PolicyCommand(context));
        cli.addSubcommand("sts", new StsCommand(context));
        cli.addSubcommand("tlsrpt", new TlsRptCommand(context));
        cli.addSubcommand("config", new ConfigCommand(context));
        cli.addSubcommand("version", new VersionCommand());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            err.println("rampart: " + e);
            err.flush();
            return ExitCode.FAILURE;
        });
        return cli;
    }

    /** What the commands need from the outside world, injected so tests can supply their own. */
    public record CliContext(ConfigLoader configLoader, HttpClient http, Consumer<Runnable> shutdownHooks) {}

    /** The exit statuses, as documented in the class comment. */
    static final class ExitCode {
        static final int OK = 0;
        static final int FAILURE = 1;
        static final int USAGE = 2;

        private ExitCode() {}
    }

    /** Top level: only subcommands. */
    @CommandLine.Command(name = "rampart", mixinStandardHelpOptions = true,
            versionProvider = VersionCommand.Provider.class,
            description = "Rampart outbound SMTP relay.",
            footer = {"", "Exit status: 0 ok, 1 failure, 2 usage or configuration error."})
    static final class RampartCommand implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "missing command: serve, queue, policy, sts, config or version");
        }
    }
}
