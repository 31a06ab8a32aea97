package dev.rampart.server.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.concurrent.Callable;

/** {@code rampart version}: the relay's version and the Java runtime it runs on. */
@CommandLine.Command(name = "version", description = "Print the version of rampart and of the Java runtime.")
final class VersionCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        for (String line : lines()) {
            spec.commandLine().getOut().println(line);
        }
        return Main.ExitCode.OK;
    }

    static String[] lines() {
        return new String[] {
            "rampart " + version(),
            "java " + Runtime.version() + " (" + System.getProperty("java.vendor", "unknown vendor") + ") on "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch")
        };
    }

    /** The project version recorded at build time. */
    static String version() {
        try (InputStream in = VersionCommand.class.getResourceAsStream("/dev/rampart/server/version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** For {@code rampart --version}. */
    static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return lines();
        }
    }
}
