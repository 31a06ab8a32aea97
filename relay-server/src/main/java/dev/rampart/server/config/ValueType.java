package dev.rampart.server.config;

import dev.rampart.policy.dns.DomainNames;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How the text of one configuration value becomes a typed value and back. The closed set of value kinds
 * the configuration uses. Parsing is pure except {@link PathValue}, which resolves against the working
 * directory and may check that a file is readable. Failures are {@link IllegalArgumentException}s whose
 * message describes the problem without naming the key (the caller adds it).
 */
sealed interface ValueType<T> {

    T parse(String text, Path workingDirectory);

    String format(T value);

    /** An integer in [min, max]. */
    record IntValue(int min, int max) implements ValueType<Integer> {
        @Override
        public Integer parse(String text, Path workingDirectory) {
            long n;
            try {
                n = Long.parseLong(text.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected an integer, got '" + text + "'");
            }
            if (n < min || n > max) {
                throw new IllegalArgumentException("must be between " + min + " and " + max + ", got " + n);
            }
            return (int) n;
        }

        @Override
        public String format(Integer value) {
            return value.toString();
        }
    }

    /** A byte size in [min, max] octets, see {@link SizeText}. */
    record SizeValue(long min, long max) implements ValueType<Long> {
        @Override
        public Long parse(String text, Path workingDirectory) {
            long n = SizeText.parse(text);
            if (n < min || n > max) {
                throw new IllegalArgumentException("must be between " + SizeText.format(min) + " and "
                        + SizeText.format(max) + ", got '" + text + "'");
            }
            return n;
        }

        @Override
        public String format(Long value) {
            return SizeText.format(value);
        }
    }

    /** A duration of at least {@code min}, see {@link DurationText}. */
    record DurationValue(Duration min) implements ValueType<Duration> {
        @Override
        public Duration parse(String text, Path workingDirectory) {
            Duration d = DurationText.parse(text);
            if (d.compareTo(min) < 0) {
                throw new IllegalArgumentException("must be at least " + DurationText.format(min) + ", got '" + text + "'");
            }
            return d;
        }

        @Override
        public String format(Duration value) {
            return DurationText.format(value);
        }
    }

    /** host:port or [v6]:port. The host is checked for syntax only, never resolved. */
    record HostPortValue() implements ValueType<HostPort> {
        @Override
        public HostPort parse(String text, Path workingDirectory) {
            HostPort hp = HostPort.parse(text);
            String host = hp.host();
            boolean literal = host.indexOf(':') >= 0 || host.matches("[0-9.]+");
            if (literal) {
                Cidr.parse(host); // throws "not an IP address in ..."
            } else if (DomainNames.normalize(host).isEmpty()) {
                throw new IllegalArgumentException("not a host name or IP address in '" + text + "'");
            }
            return hp;
        }

        @Override
        public String format(HostPort value) {
            return value.toString();
        }
    }

    /** An address block, see {@link Cidr#parse}. */
    record CidrValue() implements ValueType<Cidr> {
        @Override
        public Cidr parse(String text, Path workingDirectory) {
            return Cidr.parse(text);
        }

        /** RFC 5952 text for IPv6 blocks ("::1/128", not "0:0:0:0:0:0:0:1/128"). */
        @Override
        public String format(Cidr value) {
            String text = value.toString();
            int slash = text.indexOf('/');
            String address = text.substring(0, slash);
            return (address.indexOf(':') < 0 ? address : compressIpv6(address)) + text.substring(slash);
        }

        /** Replaces the longest run (at least two, the first on a tie) of zero groups with "::". */
        static String compressIpv6(String full) {
            String[] groups = full.split(":");
            int bestStart = -1;
            int bestLength = 1;
            for (int i = 0; i < groups.length; ) {
                int j = i;
                while (j < groups.length && groups[j].equals("0")) {
                    j++;
                }
                if (j - i > bestLength) {
                    bestStart = i;
                    bestLength = j - i;
                }
                i = j == i ? i + 1 : j;
            }
            if (bestStart < 0) {
                return full;
            }
            String head = String.join(":", Arrays.copyOfRange(groups, 0, bestStart));
            String tail = String.join(":", Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
            return head + "::" + tail;
        }
    }

    /** A domain name, stored normalised (lower case, A-labels). */
    record HostnameValue() implements ValueType<String> {
        @Override
        public String parse(String text, Path workingDirectory) {
            return DomainNames.normalize(text.trim())
                    .orElseThrow(() -> new IllegalArgumentException("not a valid host name: '" + text + "'"));
        }

        @Override
        public String format(String value) {
            return value;
        }
    }

    /** Free text on one line, at most 200 characters (names shown to people, e.g. an organization name). */
    record TextValue() implements ValueType<String> {
        @Override
        public String parse(String text, Path workingDirectory) {
            String t = text.strip();
            if (t.isEmpty() || t.length() > 200 || t.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new IllegalArgumentException("expected one line of text (1-200 characters), got '" + text + "'");
            }
            return t;
        }

        @Override
        public String format(String value) {
            return value;
        }
    }

    /** An e-mail address {@code local@domain} (an RFC 5322 addr-spec without comments or quoting). */
    record AddressValue() implements ValueType<String> {
        @Override
        public String parse(String text, Path workingDirectory) {
            String t = text.strip();
            int at = t.lastIndexOf('@');
            if (at <= 0 || !t.substring(0, at).matches("[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+")
                    || DomainNames.normalize(t.substring(at + 1)).isEmpty()) {
                throw new IllegalArgumentException("expected an address like tlsrpt@example.com, got '" + text + "'");
            }
            return t.substring(0, at) + "@" + DomainNames.normalize(t.substring(at + 1)).orElseThrow();
        }

        @Override
        public String format(String value) {
            return value;
        }
    }

    /**
     * A file system path. Relative paths resolve against the working directory of the process (like
     * Postfix tools run from a service directory), not against the config file's directory.
     */
    record PathValue(boolean mustBeReadableFile) implements ValueType<Path> {
        @Override
        public Path parse(String text, Path workingDirectory) {
            if (text.isBlank()) {
                throw new IllegalArgumentException("expected a path, got an empty value");
            }
            Path p;
            try {
                p = workingDirectory.resolve(text.trim()).normalize();
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("not a valid path: '" + text + "'");
            }
            if (mustBeReadableFile && !(Files.isRegularFile(p) && Files.isReadable(p))) {
                throw new IllegalArgumentException(Files.exists(p)
                        ? "cannot read file '" + p + "'"
                        : "file not found: '" + p + "'");
            }
            return p;
        }

        @Override
        public String format(Path value) {
            return value.toString();
        }
    }

    /** {@code true} or {@code false} (YAML booleans arrive as these words; "yes"/"no" are refused as ambiguous). */
    record BooleanValue() implements ValueType<Boolean> {
        @Override
        public Boolean parse(String text, Path workingDirectory) {
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new IllegalArgumentException("expected true or false, got '" + text + "'");
            };
        }

        @Override
        public String format(Boolean value) {
            return value.toString();
        }
    }

    /** One of a fixed set of lower-case words, mapped to the enum constant of the same name ("trust-ad" ⇔ TRUST_AD). */
    record EnumValue<E extends Enum<E>>(Class<E> type) implements ValueType<E> {
        @Override
        public E parse(String text, Path workingDirectory) {
            String t = text.trim().toLowerCase(Locale.ROOT);
            for (E e : type.getEnumConstants()) {
                if (word(e).equals(t)) {
                    return e;
                }
            }
            throw new IllegalArgumentException("expected one of " + choices() + ", got '" + text + "'");
        }

        @Override
        public String format(E value) {
            return word(value);
        }

        private static String word(Enum<?> e) {
            return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        private String choices() {
            List<String> names = new ArrayList<>();
            for (E e : type.getEnumConstants()) {
                names.add(word(e));
            }
            return String.join(", ", names);
        }
    }

    /**
     * An enum word where one constant means "off". YAML 1.1 reads a bare {@code off} as the boolean false,
     * which arrives here as the text "false"; it is taken to mean that constant rather than refused.
     */
    record OffSwitchValue<E extends Enum<E>>(EnumValue<E> words, E off) implements ValueType<E> {
        @Override
        public E parse(String text, Path workingDirectory) {
            return text.trim().equals("false") ? off : words.parse(text, workingDirectory);
        }

        @Override
        public String format(E value) {
            return words.format(value);
        }
    }

    /** One of a fixed set of words, kept lower case. */
    record WordValue(List<String> choices) implements ValueType<String> {
        @Override
        public String parse(String text, Path workingDirectory) {
            String t = text.trim().toLowerCase(Locale.ROOT);
            if (!choices.contains(t)) {
                throw new IllegalArgumentException("expected one of " + String.join(", ", choices) + ", got '" + text + "'");
            }
            return t;
        }

        @Override
        public String format(String value) {
            return value;
        }
    }

    /**
     * A list. In YAML it is a sequence whose elements are checked one by one (errors name {@code key[i]});
     * in an environment variable it is comma separated, and an empty value is the empty list.
     */
    record ListValue<E>(ValueType<E> element, int minSize) implements ValueType<List<E>> {
        @Override
        public List<E> parse(String text, Path workingDirectory) {
            List<E> out = new ArrayList<>();
            if (text.isBlank()) {
                checkSize(0);
                return List.of();
            }
            String[] parts = text.split(",", -1);
            for (int i = 0; i < parts.length; i++) {
                try {
                    out.add(element.parse(parts[i].trim(), workingDirectory));
                } catch (IllegalArgumentException e) {
                    throw new IndexedException(i, e.getMessage());
                }
            }
            checkSize(out.size());
            return List.copyOf(out);
        }

        void checkSize(int size) {
            if (size < minSize) {
                throw new IllegalArgumentException("needs at least " + minSize + (minSize == 1 ? " entry" : " entries"));
            }
        }

        @Override
        public String format(List<E> value) {
            return value.stream().map(element::format).collect(Collectors.joining(", ", "[", "]"));
        }
    }

    /** A list element failed; carries the index so the error can name {@code key[index]}. */
    final class IndexedException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        final int index;

        IndexedException(int index, String message) {
            super(message);
            this.index = index;
        }
    }
}
