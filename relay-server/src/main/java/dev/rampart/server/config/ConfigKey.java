package dev.rampart.server.config;

import dev.rampart.server.config.ValueType.AddressValue;
import dev.rampart.server.config.ValueType.BooleanValue;
import dev.rampart.server.config.ValueType.TextValue;
import dev.rampart.server.config.ValueType.CidrValue;
import dev.rampart.server.config.ValueType.DurationValue;
import dev.rampart.server.config.ValueType.EnumValue;
import dev.rampart.server.config.ValueType.HostPortValue;
import dev.rampart.server.config.ValueType.HostnameValue;
import dev.rampart.server.config.ValueType.IntValue;
import dev.rampart.server.config.ValueType.ListValue;
import dev.rampart.server.config.ValueType.OffSwitchValue;
import dev.rampart.server.config.ValueType.PathValue;
import dev.rampart.server.config.ValueType.SizeValue;
import dev.rampart.server.config.ValueType.WordValue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every configuration key, with its type, built-in default and the {@link RampartConfig} field it fills.
 * This list is the single source for the loader, the environment mapping ({@code smtp.max-message-size}
 * ⇔ {@code RAMPART_SMTP_MAX_MESSAGE_SIZE}) and {@code rampart config check}. Defaults follow
 * spec/conformance.md where it sets one (QUE-03, QUE-08, QUE-13, QUE-20, SUB-09, SUB-12). Immutable.
 *
 * @param <T> the parsed value type
 */
public final class ConfigKey<T> {
    private static final Duration ONE_SECOND = Duration.ofSeconds(1);
    private static final Duration ONE_MS = Duration.ofMillis(1);

    // --- smtp: inbound listener
    public static final ConfigKey<List<HostPort>> SMTP_LISTEN = key("smtp.listen",
            new ListValue<>(new HostPortValue(), 1), "127.0.0.1:2525", c -> c.smtp().listen());
    /** Default: the machine's canonical host name (filled in by the loader). */
    public static final ConfigKey<String> SMTP_HOSTNAME = key("smtp.hostname",
            new HostnameValue(), null, c -> c.smtp().hostname());
    public static final ConfigKey<List<Cidr>> SMTP_ALLOWED_NETWORKS = key("smtp.allowed-networks",
            new ListValue<>(new CidrValue(), 0), "127.0.0.0/8, ::1/128", c -> c.smtp().allowedNetworks());
    public static final ConfigKey<Path> SMTP_TLS_CERT = key("smtp.tls.cert",
            new PathValue(true), null, c -> c.smtp().tlsCert());
    public static final ConfigKey<Path> SMTP_TLS_KEY = key("smtp.tls.key",
            new PathValue(true), null, c -> c.smtp().tlsKey());
    public static final ConfigKey<Long> SMTP_MAX_MESSAGE_SIZE = key("smtp.max-message-size",
            new SizeValue(1024, 1L << 40), "50MiB", c -> c.smtp().maxMessageSize());
    /** SUB-09: 100 recipients must always be accepted. */
    public static final ConfigKey<Integer> SMTP_MAX_RECIPIENTS = key("smtp.max-recipients",
            new IntValue(100, 1_000_000), "1000", c -> c.smtp().maxRecipients());
    public static final ConfigKey<Integer> SMTP_MAX_CONNECTIONS = key("smtp.max-connections",
            new IntValue(1, 1_000_000), "1000", c -> c.smtp().maxConnections());
    public static final ConfigKey<Integer> SMTP_MAX_CONNECTIONS_PER_CLIENT = key("smtp.max-connections-per-client",
            new IntValue(1, 1_000_000), "50", c -> c.smtp().maxConnectionsPerClient());
    /** SUB-12: at least 5 minutes by default; shorter is allowed but not below a second. */
    public static final ConfigKey<Duration> SMTP_IDLE_TIMEOUT = key("smtp.idle-timeout",
            new DurationValue(ONE_SECOND), "5m", c -> c.smtp().idleTimeout());
    public static final ConfigKey<Path> SMTP_AUTH_USERS_FILE = key("smtp.auth.users-file",
            new PathValue(true), null, c -> c.smtp().authUsers());
    /** QUE-20: mail with this many Received: fields is not relayed. */
    public static final ConfigKey<Integer> SMTP_MAX_RECEIVED_HEADERS = key("smtp.max-received-headers",
            new IntValue(10, 10_000), "100", c -> c.smtp().maxReceivedHeaders());

    // --- queue
    public static final ConfigKey<Path> QUEUE_DIR = key("queue.dir",
            new PathValue(false), "./var/spool", c -> c.queue().dir());
    /** QUE-03: t0, t0+30m, then every 2-3 hours (the last entry repeats). */
    public static final ConfigKey<List<Duration>> QUEUE_RETRY_SCHEDULE = key("queue.retry-schedule",
            new ListValue<>(new DurationValue(ONE_SECOND), 1), "30m, 2h30m", c -> c.queue().retrySchedule());
    public static final ConfigKey<Duration> QUEUE_MAX_AGE = key("queue.max-age",
            new DurationValue(ONE_SECOND), "5d", c -> c.queue().maxAge());
    public static final ConfigKey<Duration> QUEUE_BOUNCE_MAX_AGE = key("queue.bounce-max-age",
            new DurationValue(ONE_SECOND), "2d", c -> c.queue().bounceMaxAge());
    /** QUE-13: one delay DSN after 4 hours. */
    public static final ConfigKey<Duration> QUEUE_DELAY_WARNING = key("queue.delay-warning",
            new DurationValue(ONE_SECOND), "4h", c -> c.queue().delayWarning());

    // --- delivery: outbound SMTP client (QUE-08 timeouts)
    /** Default: smtp.hostname. */
    public static final ConfigKey<String> DELIVERY_HELO_NAME = key("delivery.helo-name",
            new HostnameValue(), null, c -> c.delivery().heloName());
    public static final ConfigKey<Integer> DELIVERY_PORT = key("delivery.port",
            new IntValue(1, 65535), "25", c -> c.delivery().port());
    public static final ConfigKey<Integer> DELIVERY_MAX_CONNECTIONS = key("delivery.max-connections",
            new IntValue(1, 100_000), "100", c -> c.delivery().maxConnections());
    public static final ConfigKey<Integer> DELIVERY_MAX_PER_DESTINATION = key("delivery.max-per-destination",
            new IntValue(1, 10_000), "20", c -> c.delivery().maxPerDestination());
    public static final ConfigKey<Duration> DELIVERY_CONNECT_TIMEOUT = key("delivery.connect-timeout",
            new DurationValue(ONE_MS), "30s", c -> c.delivery().connectTimeout());
    public static final ConfigKey<Duration> DELIVERY_GREETING_TIMEOUT = key("delivery.greeting-timeout",
            new DurationValue(ONE_MS), "5m", c -> c.delivery().greetingTimeout());
    public static final ConfigKey<Duration> DELIVERY_HELO_TIMEOUT = key("delivery.helo-timeout",
            new DurationValue(ONE_MS), "5m", c -> c.delivery().heloTimeout());
    public static final ConfigKey<Duration> DELIVERY_STARTTLS_TIMEOUT = key("delivery.starttls-timeout",
            new DurationValue(ONE_MS), "2m", c -> c.delivery().starttlsTimeout());
    public static final ConfigKey<Duration> DELIVERY_MAIL_TIMEOUT = key("delivery.mail-timeout",
            new DurationValue(ONE_MS), "5m", c -> c.delivery().mailTimeout());
    public static final ConfigKey<Duration> DELIVERY_RCPT_TIMEOUT = key("delivery.rcpt-timeout",
            new DurationValue(ONE_MS), "5m", c -> c.delivery().rcptTimeout());
    public static final ConfigKey<Duration> DELIVERY_DATA_INIT_TIMEOUT = key("delivery.data-init-timeout",
            new DurationValue(ONE_MS), "2m", c -> c.delivery().dataInitTimeout());
    public static final ConfigKey<Duration> DELIVERY_DATA_BLOCK_TIMEOUT = key("delivery.data-block-timeout",
            new DurationValue(ONE_MS), "3m", c -> c.delivery().dataBlockTimeout());
    public static final ConfigKey<Duration> DELIVERY_DATA_DONE_TIMEOUT = key("delivery.data-done-timeout",
            new DurationValue(ONE_MS), "10m", c -> c.delivery().dataDoneTimeout());
    public static final ConfigKey<Duration> DELIVERY_CONNECTION_REUSE_IDLE = key("delivery.connection-reuse-idle",
            new DurationValue(Duration.ZERO), "10s", c -> c.delivery().connectionReuseIdle());
    public static final ConfigKey<RampartConfig.AddressPreference> DELIVERY_ADDRESS_PREFERENCE = key(
            "delivery.address-preference", new EnumValue<>(RampartConfig.AddressPreference.class), "any",
            c -> c.delivery().addressPreference());

    // --- admin, dns, tls, log
    public static final ConfigKey<HostPort> ADMIN_LISTEN = key("admin.listen",
            new HostPortValue(), "127.0.0.1:8025", c -> c.admin().listen());
    public static final ConfigKey<List<HostPort>> DNS_SERVERS = key("dns.servers",
            new ListValue<>(new HostPortValue(), 0), "", c -> c.dns().servers());
    public static final ConfigKey<Duration> DNS_TIMEOUT = key("dns.timeout",
            new DurationValue(ONE_MS), "5s", c -> c.dns().timeout());
    /** DNS-01: validate in process by default; trust-ad only with loopback upstreams (checked by the loader). */
    public static final ConfigKey<RampartConfig.Dnssec> DNS_DNSSEC = key("dns.dnssec",
            new OffSwitchValue<>(new EnumValue<>(RampartConfig.Dnssec.class), RampartConfig.Dnssec.OFF), "validate",
            c -> c.dns().dnssec());
    /** Default: the bundled IANA root anchors. The file's content is checked by the loader. */
    public static final ConfigKey<Path> DNS_TRUST_ANCHORS = key("dns.trust-anchors",
            new PathValue(true), null, c -> c.dns().trustAnchors());
    public static final ConfigKey<String> DNS_SELF_CHECK_SECURE_NAME = key("dns.self-check.secure-name",
            new HostnameValue(), "iana.org", c -> c.dns().selfCheckSecureName());
    public static final ConfigKey<String> DNS_SELF_CHECK_BOGUS_NAME = key("dns.self-check.bogus-name",
            new HostnameValue(), null, c -> c.dns().selfCheckBogusName());
    public static final ConfigKey<Duration> DNS_SELF_CHECK_INTERVAL = key("dns.self-check.interval",
            new DurationValue(ONE_SECOND), "10m", c -> c.dns().selfCheckInterval());
    public static final ConfigKey<Path> TLS_TRUST_STORE = key("tls.trust-store",
            new PathValue(true), null, c -> c.tls().trustStore());
    /** POL-10, DANE-16: manual per-destination levels; the file's lines are checked by the loader. */
    public static final ConfigKey<Path> TLS_POLICY_MAP = key("tls.policy-map",
            new PathValue(true), null, c -> c.tls().policyMap());
    /** Shadow mode: every policy is evaluated and what it would have blocked is logged and counted, but
     *  delivery goes on as opportunistic TLS would. */
    public static final ConfigKey<RampartConfig.Enforcement> TLS_ENFORCEMENT = key("tls.enforcement",
            new EnumValue<>(RampartConfig.Enforcement.class), "enforce", c -> c.tls().enforcement());
    /** RFC 8461 discovery; off means no domain ever gets an MTA-STS policy. */
    public static final ConfigKey<Boolean> MTA_STS_ENABLED = key("mta-sts.enabled",
            new BooleanValue(), "true", c -> c.tls().mtaSts().enabled());
    /** STS-13: the persistent policy cache; default {@code <queue.dir>/mta-sts}. */
    public static final ConfigKey<Path> MTA_STS_CACHE_DIR = key("mta-sts.cache-dir",
            new PathValue(false), null, c -> c.tls().mtaSts().cacheDir());
    // --- TLS-RPT (RFC 8460) and DKIM
    /** Sending reports; sessions are recorded in the journal whatever this says. */
    public static final ConfigKey<Boolean> TLSRPT_ENABLED = key("tlsrpt.enabled",
            new BooleanValue(), "false", c -> c.tlsrpt().enabled());
    public static final ConfigKey<String> TLSRPT_ORGANIZATION_NAME = key("tlsrpt.organization-name",
            new TextValue(), null, c -> c.tlsrpt().organizationName());
    public static final ConfigKey<String> TLSRPT_CONTACT_INFO = key("tlsrpt.contact-info",
            new AddressValue(), null, c -> c.tlsrpt().contactInfo());
    public static final ConfigKey<String> TLSRPT_SUBMITTER = key("tlsrpt.submitter",
            new HostnameValue(), null, c -> c.tlsrpt().submitter());
    /** REP-03: default a random time 0–4 h after midnight UTC, drawn each day. */
    public static final ConfigKey<Duration> TLSRPT_SEND_WINDOW = key("tlsrpt.send-window",
            new DurationValue(Duration.ZERO), null, c -> c.tlsrpt().sendWindow());
    public static final ConfigKey<Long> TLSRPT_JOURNAL_MAX_SIZE = key("tlsrpt.journal-max-size",
            new SizeValue(1 << 20, 1L << 40), "256MiB", c -> c.tlsrpt().journalMaxSize());
    public static final ConfigKey<String> TLSRPT_DKIM_SELECTOR = key("tlsrpt.dkim.selector",
            new HostnameValue(), null, c -> c.tlsrpt().dkimSelector());
    public static final ConfigKey<Path> TLSRPT_DKIM_KEY = key("tlsrpt.dkim.key",
            new PathValue(true), null, c -> c.tlsrpt().dkimKey());
    /** Signing of relayed mail: one "domain selector key-file" a line. */
    public static final ConfigKey<Path> DKIM_KEYS = key("dkim.keys",
            new PathValue(true), null, c -> c.dkim().keys());
    public static final ConfigKey<RampartConfig.LogFormat> LOG_FORMAT = key("log.format",
            new EnumValue<>(RampartConfig.LogFormat.class), "text", c -> c.log().format());
    public static final ConfigKey<String> LOG_LEVEL = key("log.level",
            new WordValue(List.of("trace", "debug", "info", "warn", "error")), "info", c -> c.log().level());

    /** Every key, in documentation order. */
    public static final List<ConfigKey<?>> ALL = List.of(
            SMTP_LISTEN, SMTP_HOSTNAME, SMTP_ALLOWED_NETWORKS, SMTP_TLS_CERT, SMTP_TLS_KEY, SMTP_MAX_MESSAGE_SIZE,
            SMTP_MAX_RECIPIENTS, SMTP_MAX_CONNECTIONS, SMTP_MAX_CONNECTIONS_PER_CLIENT, SMTP_IDLE_TIMEOUT,
            SMTP_AUTH_USERS_FILE, SMTP_MAX_RECEIVED_HEADERS,
            QUEUE_DIR, QUEUE_RETRY_SCHEDULE, QUEUE_MAX_AGE, QUEUE_BOUNCE_MAX_AGE, QUEUE_DELAY_WARNING,
            DELIVERY_HELO_NAME, DELIVERY_PORT, DELIVERY_MAX_CONNECTIONS, DELIVERY_MAX_PER_DESTINATION,
            DELIVERY_CONNECT_TIMEOUT, DELIVERY_GREETING_TIMEOUT, DELIVERY_HELO_TIMEOUT, DELIVERY_STARTTLS_TIMEOUT,
            DELIVERY_MAIL_TIMEOUT, DELIVERY_RCPT_TIMEOUT, DELIVERY_DATA_INIT_TIMEOUT, DELIVERY_DATA_BLOCK_TIMEOUT,
            DELIVERY_DATA_DONE_TIMEOUT, DELIVERY_CONNECTION_REUSE_IDLE, DELIVERY_ADDRESS_PREFERENCE,
            ADMIN_LISTEN, DNS_SERVERS, DNS_TIMEOUT, DNS_DNSSEC, DNS_TRUST_ANCHORS, DNS_SELF_CHECK_SECURE_NAME,
            DNS_SELF_CHECK_BOGUS_NAME, DNS_SELF_CHECK_INTERVAL, TLS_TRUST_STORE, TLS_POLICY_MAP, TLS_ENFORCEMENT,
            MTA_STS_ENABLED, MTA_STS_CACHE_DIR, TLSRPT_ENABLED, TLSRPT_ORGANIZATION_NAME, TLSRPT_CONTACT_INFO,
            TLSRPT_SUBMITTER, TLSRPT_SEND_WINDOW, TLSRPT_JOURNAL_MAX_SIZE, TLSRPT_DKIM_SELECTOR, TLSRPT_DKIM_KEY, DKIM_KEYS,
            LOG_FORMAT, LOG_LEVEL);

    private static final Map<String, ConfigKey<?>> BY_PATH = index(ALL, ConfigKey::path);
    private static final Map<String, ConfigKey<?>> BY_ENV = index(ALL, ConfigKey::environmentVariable);

    private final String path;
    private final ValueType<T> type;
    private final String defaultText;
    private final Function<RampartConfig, T> field;

    private ConfigKey(String path, ValueType<T> type, String defaultText, Function<RampartConfig, T> field) {
        this.path = path;
        this.type = type;
        this.defaultText = defaultText;
        this.field = field;
    }

    private static <T> ConfigKey<T> key(String path, ValueType<T> type, String defaultText,
                                        Function<RampartConfig, T> field) {
        return new ConfigKey<>(path, type, defaultText, field);
    }

    /** Dotted kebab-case name, e.g. {@code smtp.max-message-size}. */
    public String path() {
        return path;
    }

    /** {@code RAMPART_} + the path in upper case with dots and dashes as underscores. */
    public String environmentVariable() {
        return "RAMPART_" + path.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The built-in default as it would be written in YAML or an environment variable; empty when the key
     *  has no fixed default (unset, or derived from another value). */
    public Optional<String> defaultText() {
        return Optional.ofNullable(defaultText);
    }

    /** Whether the value is a list (a YAML sequence, comma separated in the environment). */
    public boolean isList() {
        return type instanceof ListValue<?>;
    }

    ValueType<T> type() {
        return type;
    }

    /** This key's value in a loaded configuration; empty when not set. */
    public Optional<T> valueIn(RampartConfig config) {
        return Optional.ofNullable(field.apply(config));
    }

    /** The value as text that loads back to the same value. */
    public String format(T value) {
        return type.format(value);
    }

    /** Formats this key's value in {@code config}; empty when not set. */
    public Optional<String> formatIn(RampartConfig config) {
        return valueIn(config).map(type::format);
    }

    /** For a list key, its elements formatted one by one; empty for a scalar key or when not set. */
    public Optional<List<String>> formatItemsIn(RampartConfig config) {
        if (!(type instanceof ListValue<?> list)) {
            return Optional.empty();
        }
        return valueIn(config).map(v -> formatItems(list, (List<?>) v));
    }

    @SuppressWarnings("unchecked") // the list was produced by this very list type
    private static <E> List<String> formatItems(ListValue<E> list, List<?> values) {
        return values.stream().map(v -> list.element().format((E) v)).toList();
    }

    public static Optional<ConfigKey<?>> byPath(String path) {
        return Optional.ofNullable(BY_PATH.get(path));
    }

    public static Optional<ConfigKey<?>> byEnvironmentVariable(String name) {
        return Optional.ofNullable(BY_ENV.get(name));
    }

    /** Dotted prefixes that are sections rather than keys: smtp, smtp.tls, smtp.auth, queue, ... */
    static boolean isSection(String prefix) {
        String p = prefix + ".";
        return ALL.stream().anyMatch(k -> k.path.startsWith(p));
    }

    /** The names directly under a section ("" for the top level), for "unknown key" messages. */
    static List<String> namesUnder(String section) {
        String p = section.isEmpty() ? "" : section + ".";
        return ALL.stream().map(ConfigKey::path).filter(k -> k.startsWith(p))
                .map(k -> k.substring(p.length()).split("\\.")[0]).distinct().toList();
    }

    private static Map<String, ConfigKey<?>> index(List<ConfigKey<?>> keys, Function<ConfigKey<?>, String> name) {
        Map<String, ConfigKey<?>> map = new LinkedHashMap<>();
        for (ConfigKey<?> k : keys) {
            if (map.put(name.apply(k), k) != null) {
                throw new IllegalStateException("two configuration keys map to " + name.apply(k));
            }
        }
        return Map.copyOf(map);
    }

    @Override
    public String toString() {
        return path;
    }
}
