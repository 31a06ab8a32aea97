package dev.rampart.server.cli;

import dev.rampart.server.config.ConfigException;
import dev.rampart.server.config.EffectiveConfigWriter;
import dev.rampart.server.config.RampartConfig;
import picocli.CommandLine;

import java.io.PrintWriter;

/** {@code rampart config check}: validates a configuration and prints the values the relay would use. */
@CommandLine.Command(name = "config", description = "Configuration tools.", mixinStandardHelpOptions = true)
final class ConfigCommand implements Runnable {
    private final Main.CliContext context;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    ConfigCommand(Main.CliContext context) {
        this.context = context;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: check");
    }

    @CommandLine.Command(name = "check", mixinStandardHelpOptions = true,
            description = "Validate the configuration (file plus RAMPART_* environment) and print the effective values.")
    int check(@CommandLine.Mixin ConfigSource source) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        RampartConfig config;
        try {
            config = source.load(context.configLoader());
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return Main.ExitCode.USAGE;
        }
        for (String name : context.configLoader().unknownEnvironmentVariables()) {
            err.println("note: environment variable " + name + " is not a configuration key; ignored");
        }
        out.println("# configuration is valid: " + source.describe() + " + defaults + RAMPART_* environment");
        out.print(EffectiveConfigWriter.toYaml(config));
        out.flush();
        return Main.ExitCode.OK;
    }
}
