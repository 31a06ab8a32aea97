package dev.rampart.server.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.rampart.policy.decide.PolicyMap;
import dev.rampart.policy.decide.PolicyMapException;
import dev.rampart.policy.dns.DnsjavaResolver;
import dev.rampart.policy.dns.DomainNames;
import dev.rampart.policy.dns.TrustAnchors;
import dev.rampart.server.config.ValueType.ListValue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.net.UnknownHostException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Builds a {@link RampartConfig} from YAML plus {@code RAMPART_*} environment variables, checking every key
 * on its own: unknown keys, wrong types and bad values are errors, never ignored. Precedence, lowest first:
 * built-in defaults ({@link ConfigKey}), the YAML file (or the embedded {@code rampart.yaml}), the
 * environment. Relative paths resolve against the working directory.
 *
 * <p>Thread-safe (holds only immutable inputs). Every failure is a {@link ConfigException} naming the key.
 */
public final class ConfigLoader {
    /** Classpath name of the embedded default configuration (config/rampart.yaml in the source tree). */
    public static final String EMBEDDED_RESOURCE = "rampart.yaml";

    /** JVM options for bin/rampart; not a configuration key. */
    public static final String LAUNCHER_VARIABLE = "RAMPART_JAVA_OPTS";

    private static final int MAX_FILE_SIZE = 1 << 20;

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final Map<String, String> environment;
    private final Path workingDirectory;
    private final Supplier<String> defaultHostname;

    /**
     * @param environment      variables to read {@code RAMPART_*} overrides from (System.getenv() in production)
     * @param workingDirectory base for relative paths
     * @param defaultHostname  asked only when smtp.hostname is not configured
     */
    public ConfigLoader(Map<String, String> environment, Path workingDirectory, Supplier<String> defaultHostname) {
        this.environment = Map.copyOf(environment);
        this.workingDirectory = workingDirectory.toAbsolutePath().normalize();
        this.defaultHostname = Objects.requireNonNull(defaultHostname);
    }

    /** The process environment, working directory and the machine's canonical host name. */
    public static ConfigLoader forThisProcess() {
        return new ConfigLoader(System.getenv(), Path.of(""), ConfigLoader::canonicalHostName);
    }

    /** Loads {@code file} plus environment overrides. */
    public RampartConfig load(Path file) throws ConfigException {
        return load(read(file), "in " + file);
    }

    /**
     * One key's value from {@code file} plus the environment, without checking the other keys: what
     * {@code rampart queue} needs to find the relay, even for an operator who cannot read the TLS key the
     * file names. Empty when the key is not set and has no default.
     */
    public <T> Optional<T> loadOne(ConfigKey<T> key, Path file) throws ConfigException {
        return loadOne(key, read(file), "in " + file);
    }

    /** {@link #loadOne(ConfigKey, Path)} for the embedded default configuration. */
    public <T> Optional<T> loadOneEmbedded(ConfigKey<T> key) throws ConfigException {
        return loadOne(key, embeddedText(), "in built-in " + EMBEDDED_RESOURCE);
    }

    @SuppressWarnings("unchecked") // parse(key, ...) returns a value of the key's own type
    private <T> Optional<T> loadOne(ConfigKey<T> key, String yamlText, String origin) throws ConfigException {
        Map<ConfigKey<?>, Raw> raw = new HashMap<>();
        readYaml(yamlText, origin, raw);
        readEnvironment(raw);
        return Optional.ofNullable((T) parse(key, raw.get(key)));
    }

    private static String read(Path file) throws ConfigException {
        try (InputStream in = Files.newInputStream(file)) {
            // Bounded, so a wrong path such as /dev/zero is an error rather than an out-of-memory crash.
            byte[] bytes = in.readNBytes(MAX_FILE_SIZE + 1);
            if (bytes.length > MAX_FILE_SIZE) {
                throw new ConfigException(file.toString(), "file too large for a configuration (over "
                        + SizeText.format(MAX_FILE_SIZE) + ")", "");
            }
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(file.toString(), "not UTF-8 text", "");
        } catch (IOException e) {
            throw new ConfigException(file.toString(), "cannot read file (" + describe(e) + ")", "");
        }
    }

    /** Loads the embedded default configuration plus environment overrides. */
    public RampartConfig loadEmbedded() throws ConfigException {
        return load(embeddedText(), "in built-in " + EMBEDDED_RESOURCE);
    }

    /** The text of the embedded default configuration. */
    public static String embeddedText() {
        try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(EMBEDDED_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(EMBEDDED_RESOURCE + " is missing from the classpath (broken build)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Loads YAML text plus environment overrides.
     *
     * @param origin where the text came from, for error messages ("in /etc/rampart/rampart.yaml")
     */
    public RampartConfig load(String yamlText, String origin) throws ConfigException {
        Map<ConfigKey<?>, Raw> raw = new HashMap<>();
        readYaml(yamlText, origin, raw);
        readEnvironment(raw);
        return build(raw);
    }

    /**
     * {@code RAMPART_*} variables that are neither configuration keys nor read by bin/rampart
     * ({@value #LAUNCHER_VARIABLE}): most likely typos, worth a warning since they change nothing.
     */
    public List<String> unknownEnvironmentVariables() {
        return new TreeSet<>(environment.keySet()).stream()
                .filter(n -> n.startsWith("RAMPART_") && !n.equals(LAUNCHER_VARIABLE)
                        && ConfigKey.byEnvironmentVariable(n).isEmpty())
                .toList();
    }

    // ----------------------------------------------------------------- raw values, before parsing

    /** A value as written, with where it came from. */
    private sealed interface Raw {
        String origin();
    }

    private record Scalar(String text, String origin) implements Raw {}

    private record Sequence(List<String> items, String origin) implements Raw {}

    private record Unset(String origin) implements Raw {}

    private void readYaml(String text, String origin, Map<ConfigKey<?>, Raw> out) throws ConfigException {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            // SnakeYAML indents its position and source-excerpt lines; the unindented ones say what is wrong.
            String what = e.getOriginalMessage().lines()
                    .filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
                    .reduce((a, b) -> a + "; " + b).orElse("syntax error");
            throw new ConfigException(origin.replaceFirst("^in ", ""), "invalid YAML" + where + ": " + what, "");
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return;
        }
        if (!root.isObject()) {
            throw new ConfigException(origin.replaceFirst("^in ", ""),
                    "expected a mapping of sections (smtp:, queue:, ...) at the top level", "");
        }
        walk("", root, origin, out);
    }

    private void walk(String section, JsonNode node, String origin, Map<ConfigKey<?>, Raw> out) throws ConfigException {
        for (Map.Entry<String, JsonNode> f : node.properties()) {
            String path = section.isEmpty() ? f.getKey() : section + "." + f.getKey();
            JsonNode value = f.getValue();
            var key = ConfigKey.byPath(path);
            if (key.isPresent()) {
                out.put(key.get(), leaf(path, value, origin));
            } else if (ConfigKey.isSection(path)) {
                if (value.isObject()) {
                    walk(path, value, origin, out);
                } else if (!value.isNull()) {
                    throw new ConfigException(path, "expected a section with keys "
                            + String.join(", ", ConfigKey.namesUnder(path)), origin);
                }
            } else {
                throw new ConfigException(path, "unknown key (known here: "
                        + String.join(", ", ConfigKey.namesUnder(section)) + ")", origin);
            }
        }
    }

    private static Raw leaf(String path, JsonNode value, String origin) throws ConfigException {
        if (value.isNull()) {
            return new Unset(origin);
        }
        if (value.isValueNode()) {
            return new Scalar(value.asText(), origin);
        }
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            for (int i = 0; i < value.size(); i++) {
                JsonNode item = value.get(i);
                if (!item.isValueNode() || item.isNull()) {
                    throw new ConfigException(path + "[" + i + "]", "expected a single value", origin);
                }
                items.add(item.asText());
            }
            return new Sequence(items, origin);
        }
        throw new ConfigException(path, "expected a value, got a mapping", origin);
    }

    private void readEnvironment(Map<ConfigKey<?>, Raw> out) {
        for (ConfigKey<?> key : ConfigKey.ALL) {
            String name = key.environmentVariable();
            String text = environment.get(name);
            if (text == null) {
                continue;
            }
            String origin = "from environment variable " + name;
            if (key.isList()) {
                List<String> items = text.isBlank() ? List.of()
                        : List.of(text.split(",", -1)).stream().map(String::trim).toList();
                out.put(key, new Sequence(items, origin));
            } else {
                out.put(key, text.isBlank() ? new Unset(origin) : new Scalar(text, origin));
            }
        }
    }

    // ----------------------------------------------------------------- parsing and assembly

    private final class Values {
        private final Map<ConfigKey<?>, Object> parsed = new HashMap<>();
        private final Map<ConfigKey<?>, String> origins = new HashMap<>();

        @SuppressWarnings("unchecked") // each value was produced by its own key's type
        <T> T get(ConfigKey<T> key) {
            return (T) parsed.get(key);
        }

        String origin(ConfigKey<?> key) {
            return origins.getOrDefault(key, "built-in default");
        }
    }

    private RampartConfig build(Map<ConfigKey<?>, Raw> raw) throws ConfigException {
        Values v = new Values();
        for (ConfigKey<?> key : ConfigKey.ALL) {
            Raw r = raw.get(key);
            if (r != null) {
                v.origins.put(key, r.origin());
            }
            Object value = parse(key, r);
            if (value != null) {
                v.parsed.put(key, value);
            }
        }
        if (v.get(ConfigKey.SMTP_HOSTNAME) == null) {
            String fallback = DomainNames.normalize(defaultHostname.get()).orElse("localhost");
            v.parsed.put(ConfigKey.SMTP_HOSTNAME, fallback);
        }
        if (v.get(ConfigKey.DELIVERY_HELO_NAME) == null) {
            v.parsed.put(ConfigKey.DELIVERY_HELO_NAME, v.get(ConfigKey.SMTP_HOSTNAME));
        }
        crossCheck(v);
        return assemble(v);
    }

    private <T> Object parse(ConfigKey<T> key, Raw raw) throws ConfigException {
        if (raw == null) {
            return key.defaultText().map(d -> key.type().parse(d, workingDirectory)).orElse(null);
        }
        try {
            return switch (raw) {
                case Unset u -> {
                    if (key.defaultText().isPresent()) {
                        throw new IllegalArgumentException("missing value (leave the key out to get the default '"
                                + key.defaultText().get() + "')");
                    }
                    yield null;
                }
                case Scalar s -> {
                    if (key.isList()) {
                        throw new IllegalArgumentException("expected a list such as [a, b], got '" + s.text() + "'");
                    }
                    yield key.type().parse(s.text(), workingDirectory);
                }
                case Sequence s -> {
                    if (!(key.type() instanceof ListValue<?> list)) {
                        throw new IllegalArgumentException("expected a single value, got a list");
                    }
                    yield parseList(key, list, s);
                }
            };
        } catch (ValueType.IndexedException e) {
            throw new ConfigException(key.path() + "[" + e.index + "]", e.getMessage(), raw.origin());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key.path(), e.getMessage(), raw.origin());
        }
    }

    private <E> List<E> parseList(ConfigKey<?> key, ListValue<E> list, Sequence s) throws ConfigException {
        List<E> out = new ArrayList<>();
        for (int i = 0; i < s.items().size(); i++) {
            try {
                out.add(list.element().parse(s.items().get(i), workingDirectory));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key.path() + "[" + i + "]", e.getMessage(), s.origin());
            }
        }
        list.checkSize(out.size());
        return List.copyOf(out);
    }

    private static void crossCheck(Values v) throws ConfigException {
        boolean cert = v.get(ConfigKey.SMTP_TLS_CERT) != null;
        boolean key = v.get(ConfigKey.SMTP_TLS_KEY) != null;
        if (cert && !key) {
            throw new ConfigException(ConfigKey.SMTP_TLS_KEY.path(), "required when smtp.tls.cert is set",
                    v.origin(ConfigKey.SMTP_TLS_CERT));
        }
        if (key && !cert) {
            throw new ConfigException(ConfigKey.SMTP_TLS_CERT.path(), "required when smtp.tls.key is set",
                    v.origin(ConfigKey.SMTP_TLS_KEY));
        }
        checkDnssec(v);
        checkPolicyMap(v);
        checkTlsrpt(v);
        if (v.get(ConfigKey.QUEUE_BOUNCE_MAX_AGE).compareTo(v.get(ConfigKey.QUEUE_MAX_AGE)) > 0) {
            throw new ConfigException(ConfigKey.QUEUE_BOUNCE_MAX_AGE.path(), "must not be longer than queue.max-age ("
                    + DurationText.format(v.get(ConfigKey.QUEUE_MAX_AGE)) + ")", v.origin(ConfigKey.QUEUE_BOUNCE_MAX_AGE));
        }
    }

    /**
     * TLS-RPT sending needs a contact address (REP-04); the submitter defaults to its domain (REP-09), the
     * organization name to the submitter; the send window lies within the day; a DKIM selector needs its
     * key and the key must load; the relayed-mail key table must parse.
     */
    private static void checkTlsrpt(Values v) throws ConfigException {
        String contact = v.get(ConfigKey.TLSRPT_CONTACT_INFO);
        if (Boolean.TRUE.equals(v.get(ConfigKey.TLSRPT_ENABLED)) && contact == null) {
            throw new ConfigException(ConfigKey.TLSRPT_CONTACT_INFO.path(),
                    "required when tlsrpt.enabled is true (the address reports name as their contact)",
                    v.origin(ConfigKey.TLSRPT_ENABLED));
        }
        if (contact != null && v.get(ConfigKey.TLSRPT_SUBMITTER) == null) {
            v.parsed.put(ConfigKey.TLSRPT_SUBMITTER, contact.substring(contact.lastIndexOf('@') + 1));
        }
        if (v.get(ConfigKey.TLSRPT_ORGANIZATION_NAME) == null && v.get(ConfigKey.TLSRPT_SUBMITTER) != null) {
            v.parsed.put(ConfigKey.TLSRPT_ORGANIZATION_NAME, v.get(ConfigKey.TLSRPT_SUBMITTER));
        }
        java.time.Duration window = v.get(ConfigKey.TLSRPT_SEND_WINDOW);
        if (window != null && window.compareTo(java.time.Duration.ofHours(24)) >= 0) {
            throw new ConfigException(ConfigKey.TLSRPT_SEND_WINDOW.path(), "must be less than 24h after midnight UTC",
                    v.origin(ConfigKey.TLSRPT_SEND_WINDOW));
        }
        boolean selector = v.get(ConfigKey.TLSRPT_DKIM_SELECTOR) != null;
        Path key = v.get(ConfigKey.TLSRPT_DKIM_KEY);
        if (selector != (key != null)) {
            ConfigKey<?> missing = selector ? ConfigKey.TLSRPT_DKIM_KEY : ConfigKey.TLSRPT_DKIM_SELECTOR;
            ConfigKey<?> present = selector ? ConfigKey.TLSRPT_DKIM_SELECTOR : ConfigKey.TLSRPT_DKIM_KEY;
            throw new ConfigException(missing.path(), "required when " + present.path() + " is set", v.origin(present));
        }
        if (key != null) {
            try {
                dev.rampart.server.dkim.DkimKey.read(String.valueOf(v.get(ConfigKey.TLSRPT_SUBMITTER)),
                        v.get(ConfigKey.TLSRPT_DKIM_SELECTOR), key);
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigException(ConfigKey.TLSRPT_DKIM_KEY.path(), e.getMessage(), v.origin(ConfigKey.TLSRPT_DKIM_KEY));
            }
        }
        Path table = v.get(ConfigKey.DKIM_KEYS);
        if (table != null) {
            try {
                dev.rampart.server.dkim.DkimKeyTable.load(table);
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigException(ConfigKey.DKIM_KEYS.path(), e.getMessage(), v.origin(ConfigKey.DKIM_KEYS));
            }
        }
    }

    /** POL-10: a policy map must parse; the error names the key, the file and the line. */
    private static void checkPolicyMap(Values v) throws ConfigException {
        Path map = v.get(ConfigKey.TLS_POLICY_MAP);
        if (map != null) {
            try {
                loadPolicyMap(map);
            } catch (IOException e) {
                throw new ConfigException(ConfigKey.TLS_POLICY_MAP.path(), "cannot read " + map + " (" + describe(e) + ")",
                        v.origin(ConfigKey.TLS_POLICY_MAP));
            } catch (PolicyMapException e) {
                throw new ConfigException(ConfigKey.TLS_POLICY_MAP.path(), e.getMessage(), v.origin(ConfigKey.TLS_POLICY_MAP));
            }
        }
    }

    /**
     * Reads and parses a policy map file (UTF-8).
     *
     * @throws PolicyMapException naming the file and line of the first bad entry
     */
    public static PolicyMap loadPolicyMap(Path file) throws IOException {
        return PolicyMap.parse(file.toString(), Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    /** DNS-01: trust-ad only over loopback; a trust anchor file must parse (its errors name file and line). */
    private static void checkDnssec(Values v) throws ConfigException {
        if (v.get(ConfigKey.DNS_DNSSEC) == RampartConfig.Dnssec.TRUST_AD) {
            try {
                DnsjavaResolver.requireLoopback(v.get(ConfigKey.DNS_SERVERS).stream().map(HostPort::toSocketAddress).toList());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(ConfigKey.DNS_DNSSEC.path(), e.getMessage(), v.origin(ConfigKey.DNS_DNSSEC));
            }
        }
        Path anchors = v.get(ConfigKey.DNS_TRUST_ANCHORS);
        if (anchors != null) {
            try {
                TrustAnchors.fromFile(anchors);
            } catch (IOException e) {
                throw new ConfigException(ConfigKey.DNS_TRUST_ANCHORS.path(), "cannot read " + anchors + " ("
                        + describe(e) + ")", v.origin(ConfigKey.DNS_TRUST_ANCHORS));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(ConfigKey.DNS_TRUST_ANCHORS.path(), e.getMessage(), v.origin(ConfigKey.DNS_TRUST_ANCHORS));
            }
        }
    }

    private static RampartConfig assemble(Values v) {
        var smtp = new RampartConfig.Smtp(
                v.get(ConfigKey.SMTP_LISTEN),
                v.get(ConfigKey.SMTP_HOSTNAME),
                v.get(ConfigKey.SMTP_ALLOWED_NETWORKS),
                v.get(ConfigKey.SMTP_TLS_CERT),
                v.get(ConfigKey.SMTP_TLS_KEY),
                v.get(ConfigKey.SMTP_MAX_MESSAGE_SIZE),
                v.get(ConfigKey.SMTP_MAX_RECIPIENTS),
                v.get(ConfigKey.SMTP_MAX_CONNECTIONS),
                v.get(ConfigKey.SMTP_MAX_CONNECTIONS_PER_CLIENT),
                v.get(ConfigKey.SMTP_IDLE_TIMEOUT),
                v.get(ConfigKey.SMTP_AUTH_USERS_FILE),
                v.get(ConfigKey.SMTP_MAX_RECEIVED_HEADERS));
        var queue = new RampartConfig.Queue(
                v.get(ConfigKey.QUEUE_DIR),
                v.get(ConfigKey.QUEUE_RETRY_SCHEDULE),
                v.get(ConfigKey.QUEUE_MAX_AGE),
                v.get(ConfigKey.QUEUE_BOUNCE_MAX_AGE),
                v.get(ConfigKey.QUEUE_DELAY_WARNING));
        var delivery = new RampartConfig.Delivery(
                v.get(ConfigKey.DELIVERY_HELO_NAME),
                v.get(ConfigKey.DELIVERY_PORT),
                v.get(ConfigKey.DELIVERY_MAX_CONNECTIONS),
                v.get(ConfigKey.DELIVERY_MAX_PER_DESTINATION),
                v.get(ConfigKey.DELIVERY_CONNECT_TIMEOUT),
                v.get(ConfigKey.DELIVERY_GREETING_TIMEOUT),
                v.get(ConfigKey.DELIVERY_HELO_TIMEOUT),
                v.get(ConfigKey.DELIVERY_STARTTLS_TIMEOUT),
                v.get(ConfigKey.DELIVERY_MAIL_TIMEOUT),
                v.get(ConfigKey.DELIVERY_RCPT_TIMEOUT),
                v.get(ConfigKey.DELIVERY_DATA_INIT_TIMEOUT),
                v.get(ConfigKey.DELIVERY_DATA_BLOCK_TIMEOUT),
                v.get(ConfigKey.DELIVERY_DATA_DONE_TIMEOUT),
                v.get(ConfigKey.DELIVERY_CONNECTION_REUSE_IDLE),
                v.get(ConfigKey.DELIVERY_ADDRESS_PREFERENCE));
        return new RampartConfig(smtp, queue, delivery,
                new RampartConfig.Admin(v.get(ConfigKey.ADMIN_LISTEN)),
                new RampartConfig.Dns(v.get(ConfigKey.DNS_SERVERS), v.get(ConfigKey.DNS_TIMEOUT),
                        v.get(ConfigKey.DNS_DNSSEC), v.get(ConfigKey.DNS_TRUST_ANCHORS),
                        v.get(ConfigKey.DNS_SELF_CHECK_SECURE_NAME), v.get(ConfigKey.DNS_SELF_CHECK_BOGUS_NAME),
                        v.get(ConfigKey.DNS_SELF_CHECK_INTERVAL)),
                new RampartConfig.Tls(v.get(ConfigKey.TLS_TRUST_STORE), v.get(ConfigKey.TLS_POLICY_MAP),
                        v.get(ConfigKey.TLS_ENFORCEMENT),
                        new RampartConfig.MtaSts(v.get(ConfigKey.MTA_STS_ENABLED), v.get(ConfigKey.MTA_STS_CACHE_DIR))),
                new RampartConfig.Log(v.get(ConfigKey.LOG_FORMAT), v.get(ConfigKey.LOG_LEVEL)),
                new RampartConfig.Tlsrpt(v.get(ConfigKey.TLSRPT_ENABLED), v.get(ConfigKey.TLSRPT_ORGANIZATION_NAME),
                        v.get(ConfigKey.TLSRPT_CONTACT_INFO), v.get(ConfigKey.TLSRPT_SUBMITTER),
                        v.get(ConfigKey.TLSRPT_SEND_WINDOW), v.get(ConfigKey.TLSRPT_JOURNAL_MAX_SIZE),
                        v.get(ConfigKey.TLSRPT_DKIM_SELECTOR), v.get(ConfigKey.TLSRPT_DKIM_KEY)),
                new RampartConfig.Dkim(v.get(ConfigKey.DKIM_KEYS)));
    }

    private static String describe(IOException e) {
        String type = e.getClass().getSimpleName();
        return switch (type) {
            case "NoSuchFileException" -> "no such file";
            case "AccessDeniedException" -> "permission denied";
            default -> e.getMessage() == null ? type : e.getMessage();
        };
    }

    /** The machine's canonical host name; "localhost" when the machine cannot name itself. */
    static String canonicalHostName() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
