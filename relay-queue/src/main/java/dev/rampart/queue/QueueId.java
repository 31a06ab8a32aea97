package dev.rampart.queue;

/**
 * A queue identifier: sorts by creation time, is safe as a file name, and is validated at every
 * boundary (admin API, CLI, file names read from disk).
 *
 * <p>Format: 12 upper-case Crockford base32 characters of creation time in microseconds followed by
 * 6 characters of sequence/randomness, 18 characters in all, alphabet {@code [0-9A-HJKMNP-TV-Z]}.
 * Generation lives in {@link QueueIdGenerator}.
 */
public record QueueId(String value) implements Comparable<QueueId> {

    public QueueId {
        if (!isValid(value)) {
            throw new IllegalArgumentException("not a queue id: " + value);
        }
    }

    /** Parses untrusted text; throws {@link IllegalArgumentException} with a clear message when it is not an id. */
    public static QueueId parse(String text) {
        return new QueueId(text);
    }

    public static boolean isValid(String text) {
        if (text == null || text.length() != 18) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (QueueIdGenerator.ALPHABET.indexOf(text.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int compareTo(QueueId o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
