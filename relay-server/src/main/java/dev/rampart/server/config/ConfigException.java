package dev.rampart.server.config;

/**
 * A configuration that cannot be used. The message is one line that names the key (or the file) and the
 * problem, and where the bad value came from, e.g.
 * {@code config error: smtp.allowed-networks[1]: not an IP address in '10.0.0.0/33x' (in /etc/rampart.yaml)}.
 * The CLI prints it as is and exits with status 2.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String key;
    private final String problem;

    public ConfigException(String key, String problem, String origin) {
        super("config error: " + key + ": " + problem + (origin.isEmpty() ? "" : " (" + origin + ")"));
        this.key = key;
        this.problem = problem;
    }

    /** The key (with a list index when one element is wrong) or the file the problem is about. */
    public String key() {
        return key;
    }

    /** What is wrong, without the key or origin. */
    public String problem() {
        return problem;
    }
}
