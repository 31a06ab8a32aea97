package dev.rampart.server.cli;

import dev.rampart.server.RelayServer;
import dev.rampart.server.config.ConfigException;
import dev.rampart.server.config.LogbackConfigurator;
import dev.rampart.server.config.RampartConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.InstantSource;
import java.util.concurrent.Callable;

/**
 * {@code rampart serve}: loads the configuration (exit 2 when it is bad), sets up logging, starts the
 * relay and runs until SIGTERM/SIGINT, when the shutdown hook stops it in order. Exit 1 when a listener
 * cannot be bound.
 */
@CommandLine.Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the relay.")
final class ServeCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    private final Main.CliContext context;

    @CommandLine.Mixin
    ConfigSource source;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    ServeCommand(Main.CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        RampartConfig config;
        try {
            config = source.load(context.configLoader());
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return Main.ExitCode.USAGE;
        }
        LogbackConfigurator.apply(config.log(), System.out);
        log.atInfo().addKeyValue("version", VersionCommand.version()).addKeyValue("config", source.describe())
                .log("configuration loaded");
        for (String name : context.configLoader().unknownEnvironmentVariables()) {
            log.atWarn().addKeyValue("variable", name).log("environment variable is not a configuration key; ignored");
        }
        RelayServer relay;
        try {
            relay = new RelayServer(config, InstantSource.system());
        } catch (IOException | RuntimeException e) {
            err.println("rampart: cannot start: " + e.getMessage());
            return Main.ExitCode.FAILURE;
        }
        // Registered before the listeners bind: from the moment anyone can reach the relay, SIGTERM stops it
        // in order (a signal during start closes what has started).
        context.shutdownHooks().accept(relay::close);
        try {
            relay.start();
        } catch (IOException | RuntimeException e) {
            err.println("rampart: cannot start: " + e.getMessage());
            return Main.ExitCode.FAILURE;
        }
        relay.awaitStopped();
        return Main.ExitCode.OK;
    }
}
