package dev.rampart.server.cli;

import dev.rampart.server.config.ConfigException;
import dev.rampart.server.config.ConfigKey;
import dev.rampart.server.config.ConfigLoader;
import dev.rampart.server.config.HostPort;
import picocli.CommandLine;

import java.net.URI;
import java.nio.file.Path;

/**
 * Where {@code rampart queue ...} finds the relay: {@code --admin URL}, else admin.listen of
 * {@code --config FILE}, else admin.listen of the built-in configuration (environment overrides apply).
 * Only admin.listen is read, so an operator who may not read the relay's key files can still use it.
 * A wildcard listen address is reached over loopback.
 */
final class AdminTarget {
    @CommandLine.Option(names = "--admin", paramLabel = "URL",
            description = "Admin URL of the running relay, e.g. http://127.0.0.1:8025")
    URI admin;

    @CommandLine.Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Find the relay from this configuration's admin.listen.")
    Path config;

    URI resolve(ConfigLoader loader, CommandLine commandLine) throws ConfigException {
        if (admin != null && config != null) {
            throw new CommandLine.ParameterException(commandLine, "give either --admin or --config, not both");
        }
        if (admin != null) {
            if (admin.getScheme() == null || !admin.getScheme().matches("https?") || admin.getHost() == null) {
                throw new CommandLine.ParameterException(commandLine, "--admin needs an http URL such as "
                        + "http://127.0.0.1:8025, got '" + admin + "'");
            }
            return admin;
        }
        HostPort listen = (config == null ? loader.loadOneEmbedded(ConfigKey.ADMIN_LISTEN)
                : loader.loadOne(ConfigKey.ADMIN_LISTEN, config)).orElseThrow();
        String host = switch (listen.host()) {
            case "0.0.0.0" -> "127.0.0.1";
            case "::", "0:0:0:0:0:0:0:0" -> "::1";
            default -> listen.host();
        };
        return URI.create("http://" + new HostPort(host, listen.port()));
    }
}
