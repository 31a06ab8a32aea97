package dev.rampart.policy.decide;

/**
 * A policy map line that cannot be read. The message names the source and the line number, and says
 * what was wrong, so an operator can fix the file from the log line alone.
 */
public final class PolicyMapException extends IllegalArgumentException {
    private final int line;

    public PolicyMapException(String source, int line, String problem) {
        super(source + " line " + line + ": " + problem);
        this.line = line;
    }

    /** 1-based line number of the offending line. */
    public int line() {
        return line;
    }
}
