package dev.rampart.server.cli;

import dev.rampart.server.config.ConfigException;
import dev.rampart.server.config.ConfigLoader;
import dev.rampart.server.config.RampartConfig;
import picocli.CommandLine;

import java.nio.file.Path;

/** The {@code --config FILE} option shared by commands that load the configuration. */
final class ConfigSource {
    @CommandLine.Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Configuration file (YAML). Default: the built-in configuration. "
                    + "RAMPART_* environment variables override either.")
    Path file;

    RampartConfig load(ConfigLoader loader) throws ConfigException {
        return file == null ? loader.loadEmbedded() : loader.load(file);
    }

    String describe() {
        return file == null ? "built-in rampart.yaml" : file.toString();
    }
}
