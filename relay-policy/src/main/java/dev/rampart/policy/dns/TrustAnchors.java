package dev.rampart.policy.dns;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * The DNSSEC trust anchors the in-process validator starts from (DNS-01): DS or DNSKEY records in
 * zone-file syntax. {@link #bundledRoot()} is the IANA root DS set shipped with Rampart; a configured file
 * replaces it (tests point it at their own signed TLD). Names below no anchor validate as INSECURE
 * (DNS-02).
 *
 * <p>Parsing is strict: every record must be a DS or DNSKEY of class IN, at least one must be present,
 * and an error names the file and the line. Immutable and thread-safe.
 */
public final class TrustAnchors {

    private static final String BUNDLED = "root-anchors.zone";

    private final List<Record> records;
    private final String source;

    private TrustAnchors(List<Record> records, String source) {
        this.records = List.copyOf(records);
        this.source = source;
    }

    /** The IANA root anchors: KSK-2017 (20326) and KSK-2024 (38696). */
    public static TrustAnchors bundledRoot() {
        try (InputStream in = TrustAnchors.class.getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new IllegalStateException("bundled root trust anchors " + BUNDLED + " are missing from the jar");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "bundled root trust anchors");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled root trust anchors", e);
        }
    }

    /**
     * Reads a trust anchor file.
     *
     * @throws IOException              when the file cannot be read
     * @throws IllegalArgumentException when its content is not a usable anchor set; the message names
     *                                  the file and line
     */
    public static TrustAnchors fromFile(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /**
     * Parses anchors from zone-file text; {@code source} names the text in error messages. Relative names
     * are relative to the root. {@code $ORIGIN} and {@code $TTL} are honoured; {@code $INCLUDE} is refused.
     */
    public static TrustAnchors parse(String text, String source) {
        Objects.requireNonNull(text);
        Objects.requireNonNull(source);
        List<LogicalLine> lines = logicalLines(text, source);
        StringBuilder joined = new StringBuilder();
        List<Integer> recordLines = new ArrayList<>();
        for (LogicalLine l : lines) {
            joined.append(l.text()).append('\n');
            if (l.text().startsWith("$")) {
                String directive = l.text().split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
                if (!directive.equals("$ORIGIN") && !directive.equals("$TTL")) {
                    throw new IllegalArgumentException(where(source, l.number()) + ": directive " + directive
                            + " is not allowed in a trust anchor file");
                }
            } else {
                recordLines.add(l.number());
            }
        }
        List<Record> records = new ArrayList<>();
        try (Master master = new Master(new ByteArrayInputStream(joined.toString().getBytes(StandardCharsets.UTF_8)),
                Name.root, 3600)) {
            for (int line : recordLines) {
                Record r;
                try {
                    r = master.nextRecord();
                } catch (IOException | RuntimeException e) {
                    throw new IllegalArgumentException(where(source, line) + ": " + withoutPosition(e.getMessage()), e);
                }
                if (r == null) {
                    break;
                }
                if (!(r instanceof DSRecord || r instanceof DNSKEYRecord) || r.getDClass() != DClass.IN) {
                    throw new IllegalArgumentException(where(source, line) + ": expected a DS or DNSKEY record of class IN, got "
                            + DClass.string(r.getDClass()) + " " + Type.string(r.getType()));
                }
                records.add(r);
            }
        }
        if (records.isEmpty()) {
            throw new IllegalArgumentException(source + ": contains no DS or DNSKEY record");
        }
        return new TrustAnchors(records, source);
    }

    /** The anchor records, DS or DNSKEY. */
    public List<Record> records() {
        return records;
    }

    /** Where they came from, for logs ("bundled root trust anchors" or the file name). */
    public String source() {
        return source;
    }

    /** The distinct owner names, lower case without trailing dot ("." for the root), for logs and explanations. */
    public List<String> zones() {
        return records.stream().map(r -> CnameChasingQuery.text(r.getName())).distinct().toList();
    }

    /** Hands the anchors to a validator. */
    void loadInto(ValidatingResolver validator) {
        String text = records.stream().map(Record::toString).collect(Collectors.joining("\n", "", "\n"));
        try {
            validator.loadTrustAnchors(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("validator refused trust anchors from " + source, e);
        }
    }

    /** One record's text with parentheses continuations joined, comments removed, and its first line. */
    private record LogicalLine(int number, String text) {}

    private static List<LogicalLine> logicalLines(String text, String source) {
        List<LogicalLine> out = new ArrayList<>();
        String[] physical = text.split("\r?\n", -1);
        StringBuilder current = new StringBuilder();
        int start = 0;
        int depth = 0;
        for (int i = 0; i < physical.length; i++) {
            String line = physical[i];
            int semicolon = line.indexOf(';'); // DS and DNSKEY data never contain ';' or quotes
            if (semicolon >= 0) {
                line = line.substring(0, semicolon);
            }
            if (depth == 0) {
                if (line.isBlank()) {
                    continue;
                }
                start = i + 1;
                current.setLength(0);
                current.append(line.stripTrailing());
            } else {
                current.append(' ').append(line.strip());
            }
            for (char c : line.toCharArray()) {
                depth += c == '(' ? 1 : c == ')' ? -1 : 0;
                if (depth < 0) {
                    throw new IllegalArgumentException(where(source, i + 1) + ": ')' without '('");
                }
            }
            if (depth == 0) {
                out.add(new LogicalLine(start, current.toString()));
            }
        }
        if (depth > 0) {
            throw new IllegalArgumentException(where(source, start) + ": '(' is never closed");
        }
        return out;
    }

    private static String where(String source, int line) {
        return source + " line " + line;
    }

    /** dnsjava prefixes its messages with its own "name:line:" position, which is wrong after joining. */
    private static String withoutPosition(String message) {
        if (message == null) {
            return "unparseable record";
        }
        return message.replaceFirst("^[^:]*:\\d+:\\s*", "");
    }

    @Override
    public String toString() {
        return source + " " + zones();
    }
}
