package dev.rampart.server.config;

import dev.rampart.policy.decide.ManualPolicy;
import dev.rampart.policy.decide.PolicyMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** ConfigLoader: defaults, every kind of error, environment overrides. */
class ConfigLoaderTest {
    static final String HOST = "relay.test.example";

    @TempDir
    Path dir;

    private ConfigLoader loader(Map<String, String> env) {
        return new ConfigLoader(env, dir, () -> HOST);
    }

    private RampartConfig load(String yaml) throws ConfigException {
        return loader(Map.of()).load(yaml, "in test.yaml");
    }

    private RampartConfig load(String yaml, Map<String, String> env) throws ConfigException {
        return loader(env).load(yaml, "in test.yaml");
    }

    private Path file(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    @Test
    void emptyConfigGivesTheDocumentedDefaults() throws Exception {
        RampartConfig c = load("");
        assertThat(c.smtp().listen()).containsExactly(new HostPort("127.0.0.1", 2525));
        assertThat(c.smtp().hostname()).isEqualTo(HOST);
        assertThat(c.smtp().allowedNetworks()).containsExactly(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1/128"));
        assertThat(c.smtp().tlsCertPath()).isEmpty();
        assertThat(c.smtp().tlsKeyPath()).isEmpty();
        assertThat(c.smtp().authUsersPath()).isEmpty();
        assertThat(c.smtp().maxMessageSize()).isEqualTo(50L << 20);
        assertThat(c.smtp().maxRecipients()).isEqualTo(1000); // SUB-09
        assertThat(c.smtp().idleTimeout()).isEqualTo(Duration.ofMinutes(5)); // SUB-12
        assertThat(c.smtp().maxReceivedHeaders()).isEqualTo(100); // QUE-20
        assertThat(c.admin().listen()).isEqualTo(new HostPort("127.0.0.1", 8025));
        assertThat(c.queue().dir()).isEqualTo(dir.resolve("var/spool"));
        assertThat(c.queue().maxAge()).isEqualTo(Duration.ofDays(5)); // QUE-03
        assertThat(c.queue().delayWarning()).isEqualTo(Duration.ofHours(4)); // QUE-13
        assertThat(c.dns().servers()).isEmpty();
        assertThat(c.tls().trustStorePath()).isEmpty();
        assertThat(c.log().format()).isEqualTo(RampartConfig.LogFormat.TEXT);
        assertThat(c.log().level()).isEqualTo("info");
        assertThat(c.delivery().heloName()).isEqualTo(HOST);
        assertThat(c.delivery().port()).isEqualTo(25);
    }

    @Test
    void retryScheduleDefaultIsThirtyMinutesThenEveryTwoAndAHalfHoursQue03() throws Exception {
        RampartConfig.Queue q = load("").queue();
        assertThat(q.retryDelay(1)).isEqualTo(Duration.ofMinutes(30));
        assertThat(q.retryDelay(2)).isEqualTo(Duration.ofMinutes(150));
        assertThat(q.retryDelay(9)).isEqualTo(Duration.ofMinutes(150));
    }

    @Test
    void clientTimeoutDefaultsFollowRfc5321Que08() throws Exception {
        RampartConfig.Delivery d = load("").delivery();
        assertThat(d.greetingTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(d.mailTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(d.rcptTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(d.dataInitTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(d.dataBlockTimeout()).isEqualTo(Duration.ofMinutes(3));
        assertThat(d.dataDoneTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(d.starttlsTimeout()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void embeddedDefaultConfigIsTheDefaults() throws Exception {
        assertThat(loader(Map.of()).loadEmbedded()).isEqualTo(load(""));
        assertThat(ConfigLoader.embeddedText()).contains("127.0.0.1:2525").contains("127.0.0.1:8025");
    }

    @Test
    void valuesOfEveryKindAreRead() throws Exception {
        RampartConfig c = load("""
                smtp:
                  listen: ["0.0.0.0:25", "[::]:25"]
                  hostname: Relay.Example.COM
                  allowed-networks: [10.0.0.0/8]
                  max-message-size: 10MB
                  max-recipients: 200
                  idle-timeout: 10m
                queue:
                  dir: /srv/spool
                  retry-schedule: [15m, 1h, 3h]
                  max-age: 4d
                delivery:
                  helo-name: out.example.com
                  address-preference: ipv6
                dns:
                  servers: ["127.0.0.1:5353", "[::1]:53"]
                  timeout: 2s500ms
                log:
                  format: JSON
                  level: DEBUG
                """);
        assertThat(c.smtp().listen()).containsExactly(new HostPort("0.0.0.0", 25), new HostPort("::", 25));
        assertThat(c.smtp().hostname()).isEqualTo("relay.example.com");
        assertThat(c.smtp().maxMessageSize()).isEqualTo(10_000_000L);
        assertThat(c.smtp().maxRecipients()).isEqualTo(200);
        assertThat(c.queue().dir()).isEqualTo(Path.of("/srv/spool"));
        assertThat(c.queue().retrySchedule()).containsExactly(Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(3));
        assertThat(c.delivery().heloName()).isEqualTo("out.example.com");
        assertThat(c.delivery().addressPreference()).isEqualTo(RampartConfig.AddressPreference.IPV6);
        assertThat(c.dns().servers()).containsExactly(new HostPort("127.0.0.1", 5353), new HostPort("::1", 53));
        assertThat(c.dns().timeout()).isEqualTo(Duration.ofMillis(2500));
        assertThat(c.log().format()).isEqualTo(RampartConfig.LogFormat.JSON);
        assertThat(c.log().level()).isEqualTo("debug");
    }

    @Test
    void relativePathsResolveAgainstTheWorkingDirectoryNotTheFile() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("etc"));
        Path f = sub.resolve("rampart.yaml");
        Files.writeString(f, "queue:\n  dir: spool\n");
        assertThat(loader(Map.of()).load(f).queue().dir()).isEqualTo(dir.resolve("spool"));
    }

    @Test
    void tlsCertificateAndKeyAreReadWhenBothExist() throws Exception {
        file("cert.pem", "x");
        file("key.pem", "y");
        RampartConfig c = load("smtp:\n  tls:\n    cert: cert.pem\n    key: key.pem\n");
        assertThat(c.smtp().tlsCertPath()).hasValue(dir.resolve("cert.pem"));
        assertThat(c.smtp().tlsKeyPath()).hasValue(dir.resolve("key.pem"));
    }

    static Stream<Arguments> badConfigs() {
        return Stream.of(
                arguments("unknown key", "smtp:\n  lisen: [\"127.0.0.1:25\"]\n", "smtp.lisen", "unknown key (known here: listen,"),
                arguments("unknown section", "smpt:\n  listen: []\n", "smpt", "unknown key"),
                arguments("unknown nested key", "smtp:\n  tls:\n    certificate: x\n", "smtp.tls.certificate", "unknown key (known here: cert, key)"),
                arguments("not an integer", "smtp:\n  max-recipients: lots\n", "smtp.max-recipients", "expected an integer, got 'lots'"),
                arguments("integer below SUB-09 minimum", "smtp:\n  max-recipients: 50\n", "smtp.max-recipients", "must be between 100 and"),
                arguments("scalar where a list is expected", "smtp:\n  listen: 127.0.0.1:25\n", "smtp.listen", "expected a list"),
                arguments("list where a scalar is expected", "admin:\n  listen: [\"127.0.0.1:1\"]\n", "admin.listen", "expected a single value, got a list"),
                arguments("mapping where a value is expected", "admin:\n  listen: {host: x}\n", "admin.listen", "expected a value, got a mapping"),
                arguments("value where a section is expected", "smtp: 5\n", "smtp", "expected a section"),
                arguments("bad CIDR prefix", "smtp:\n  allowed-networks: [127.0.0.0/8, 10.0.0.0/33x]\n", "smtp.allowed-networks[1]", "'10.0.0.0/33x'"),
                arguments("bad CIDR address", "smtp:\n  allowed-networks: [300.1.1.1/8]\n", "smtp.allowed-networks[0]", "not an IP address in '300.1.1.1/8'"),
                arguments("CIDR prefix too long", "smtp:\n  allowed-networks: [10.0.0.0/33]\n", "smtp.allowed-networks[0]", "prefix length out of range"),
                arguments("host:port without port", "smtp:\n  listen: [127.0.0.1]\n", "smtp.listen[0]", "expected host:port"),
                arguments("port out of range", "smtp:\n  listen: [\"127.0.0.1:70000\"]\n", "smtp.listen[0]", "port out of range"),
                arguments("bad host name", "admin:\n  listen: \"bad_host!:80\"\n", "admin.listen", "not a host name or IP address"),
                arguments("bad IP literal", "admin:\n  listen: \"[::zz]:80\"\n", "admin.listen", "not an IP address"),
                arguments("bad duration", "queue:\n  max-age: 5 days\n", "queue.max-age", "not a duration: '5 days'"),
                arguments("duration without unit", "smtp:\n  idle-timeout: 300\n", "smtp.idle-timeout", "needs a unit"),
                arguments("bad duration in a list", "queue:\n  retry-schedule: [30m, 2x]\n", "queue.retry-schedule[1]", "not a duration: '2x'"),
                arguments("empty retry schedule", "queue:\n  retry-schedule: []\n", "queue.retry-schedule", "needs at least 1 entry"),
                arguments("bad size", "smtp:\n  max-message-size: 10 parsecs\n", "smtp.max-message-size", "not a size"),
                arguments("size too small", "smtp:\n  max-message-size: 10\n", "smtp.max-message-size", "must be between 1KiB"),
                arguments("bad enum", "log:\n  format: xml\n", "log.format", "expected one of text, json, got 'xml'"),
                arguments("bad level", "log:\n  level: loud\n", "log.level", "expected one of trace, debug, info, warn, error"),
                arguments("bad host name value", "smtp:\n  hostname: \"-bad-.example\"\n", "smtp.hostname", "not a valid host name"),
                arguments("missing value for a defaulted key", "queue:\n  dir:\n", "queue.dir", "missing value"),
                arguments("list of mappings", "smtp:\n  listen:\n    - {a: 1}\n", "smtp.listen[0]", "expected a single value"),
                arguments("bounce max age above max age", "queue:\n  max-age: 1d\n  bounce-max-age: 2d\n", "queue.bounce-max-age", "must not be longer than queue.max-age (1d)"),
                arguments("cert without key", "smtp:\n  tls:\n    cert: present.pem\n", "smtp.tls.key", "required when smtp.tls.cert is set"),
                arguments("key without cert", "smtp:\n  tls:\n    key: present.pem\n", "smtp.tls.cert", "required when smtp.tls.key is set"),
                arguments("missing TLS key file", "smtp:\n  tls:\n    cert: present.pem\n    key: absent.pem\n", "smtp.tls.key", "file not found"),
                arguments("missing users file", "smtp:\n  auth:\n    users-file: nope\n", "smtp.auth.users-file", "file not found"),
                arguments("trust store is a directory", "tls:\n  trust-store: .\n", "tls.trust-store", "cannot read file"),
                arguments("invalid YAML", "smtp: [unclosed\n", "test.yaml", "invalid YAML at line"),
                arguments("duplicate key", "smtp:\n  max-recipients: 100\n  max-recipients: 200\n", "test.yaml", "Duplicate field 'max-recipients'"),
                arguments("top level is not a mapping", "- a\n- b\n", "test.yaml", "expected a mapping of sections"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badConfigs")
    void badConfigIsOneMessageNamingTheKeyAndTheProblem(String name, String yaml, String key, String problem) throws Exception {
        file("present.pem", "x");
        assertThatThrownBy(() -> load(yaml))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.key()).isEqualTo(key);
                    assertThat(e.problem()).contains(problem);
                    assertThat(e.getMessage()).startsWith("config error: " + key + ": ").doesNotContain("\n");
                });
    }

    @Test
    void dnssecDefaultsToValidateWithTheBundledAnchors_DNS01() throws Exception {
        RampartConfig.Dns dns = load("").dns();
        assertThat(dns.dnssec()).isEqualTo(RampartConfig.Dnssec.VALIDATE);
        assertThat(dns.trustAnchorsPath()).isEmpty();
        assertThat(dns.selfCheckSecureName()).isEqualTo("iana.org");
        assertThat(dns.selfCheckBogus()).isEmpty();
        assertThat(dns.selfCheckInterval()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void dnssecModesAndSelfCheckNamesAreRead_DNS01() throws Exception {
        Path anchors = file("anchors.zone", "test. IN DS 12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF\n");
        RampartConfig.Dns dns = load("dns:\n  servers: [\"127.0.0.1:5353\"]\n  dnssec: trust-ad\n  trust-anchors: " + anchors
                + "\n  self-check:\n    secure-name: OK.Test\n    bogus-name: broken.test\n    interval: 30s\n").dns();
        assertThat(dns.dnssec()).isEqualTo(RampartConfig.Dnssec.TRUST_AD);
        assertThat(dns.trustAnchorsPath()).contains(anchors);
        assertThat(dns.selfCheckSecureName()).isEqualTo("ok.test");
        assertThat(dns.selfCheckBogus()).contains("broken.test");
        assertThat(dns.selfCheckInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(load("dns:\n  dnssec: off\n").dns().dnssec()).as("YAML 1.1 would read a bare off as false")
                .isEqualTo(RampartConfig.Dnssec.OFF);
        assertThat(load("dns:\n  dnssec: \"off\"\n").dns().dnssec()).isEqualTo(RampartConfig.Dnssec.OFF);
    }

    @Test
    void trustAdWithAnUpstreamOffLoopbackIsAConfigError_DNS01() {
        assertThatThrownBy(() -> load("dns:\n  servers: [\"127.0.0.1:53\", \"192.0.2.53:53\"]\n  dnssec: trust-ad\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("config error: dns.dnssec: ")
                .hasMessageContaining("192.0.2.53:53 is not a loopback address")
                .hasMessageEndingWith("(in test.yaml)");
    }

    @Test
    void badTrustAnchorFileIsAConfigErrorNamingFileAndLine_DNS01() throws Exception {
        Path anchors = file("bad-anchors.zone", "; anchors\ntest. IN A 192.0.2.1\n");
        assertThatThrownBy(() -> load("dns:\n  trust-anchors: " + anchors + "\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config error: dns.trust-anchors: " + anchors
                        + " line 2: expected a DS or DNSKEY record of class IN, got IN A (in test.yaml)");
    }

    @Test
    void policyMapIsLoadedAndItsLevelsApply_POL10() throws Exception {
        Path map = file("tls-policy", "# manual levels\nsecure.example dane-only\n.example.net dane\n");
        RampartConfig.Tls tls = load("tls:\n  policy-map: " + map + "\n").tls();
        assertThat(tls.policyMapPath()).contains(map);
        PolicyMap loaded = ConfigLoader.loadPolicyMap(map);
        assertThat(loaded.levelFor("secure.example")).isEqualTo(ManualPolicy.DANE_ONLY);
        assertThat(loaded.size()).isEqualTo(2);
    }

    @Test
    void badPolicyMapLineIsAConfigErrorNamingKeyFileAndLine_POL10() throws Exception {
        Path map = file("tls-policy", "secure.example dane-only\nother.example secure match=\n");
        assertThatThrownBy(() -> load("tls:\n  policy-map: " + map + "\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config error: tls.policy-map: " + map
                        + " line 2: match= needs at least one host name (in test.yaml)");
    }

    @Test
    void errorMessageHasTheDocumentedForm() {
        assertThatThrownBy(() -> load("smtp:\n  allowed-networks: [127.0.0.0/8, 300.0.0.0/8]\n"))
                .hasMessage("config error: smtp.allowed-networks[1]: not an IP address in '300.0.0.0/8' (in test.yaml)");
    }

    @Test
    void unreadableFileNamesTheFile() {
        Path missing = dir.resolve("missing.yaml");
        assertThatThrownBy(() -> loader(Map.of()).load(missing))
                .hasMessage("config error: " + missing + ": cannot read file (no such file)");
        assertThatThrownBy(() -> loader(Map.of()).load(dir)).hasMessageStartingWith("config error: " + dir + ": cannot read file");
    }

    @Test
    void oversizedFileIsRejectedWithoutReadingItAll() throws Exception {
        Path f = dir.resolve("huge.yaml");
        Files.write(f, new byte[(1 << 20) + 10]);
        assertThatThrownBy(() -> loader(Map.of()).load(f)).hasMessageContaining("file too large for a configuration");
    }

    @Test
    void nonUtf8FileIsRejected() throws Exception {
        Path f = dir.resolve("latin1.yaml");
        Files.write(f, new byte[] {'#', ' ', (byte) 0xE9, '\n'});
        assertThatThrownBy(() -> loader(Map.of()).load(f)).hasMessageContaining("not UTF-8 text");
    }

    // ------------------------------------------------------------------ environment

    @Test
    void environmentOverridesTheFileAndSplitsListsOnCommas() throws Exception {
        RampartConfig c = load("smtp:\n  listen: [\"127.0.0.1:2525\"]\ndns:\n  servers: [\"127.0.0.1:53\"]\n", Map.of(
                "RAMPART_SMTP_LISTEN", "0.0.0.0:25, [::]:25",
                "RAMPART_DNS_SERVERS", "",
                "RAMPART_SMTP_ALLOWED_NETWORKS", "10.0.0.0/8,192.168.0.0/16",
                "RAMPART_QUEUE_RETRY_SCHEDULE", "10m,1h",
                "RAMPART_SMTP_MAX_MESSAGE_SIZE", "10MB",
                "RAMPART_LOG_FORMAT", "json",
                "RAMPART_QUEUE_DIR", "data/spool",
                "RAMPART_DELIVERY_ADDRESS_PREFERENCE", "ipv4"));
        assertThat(c.smtp().listen()).containsExactly(new HostPort("0.0.0.0", 25), new HostPort("::", 25));
        assertThat(c.dns().servers()).isEmpty();
        assertThat(c.smtp().allowedNetworks()).containsExactly(Cidr.parse("10.0.0.0/8"), Cidr.parse("192.168.0.0/16"));
        assertThat(c.queue().retrySchedule()).containsExactly(Duration.ofMinutes(10), Duration.ofHours(1));
        assertThat(c.smtp().maxMessageSize()).isEqualTo(10_000_000L);
        assertThat(c.log().format()).isEqualTo(RampartConfig.LogFormat.JSON);
        assertThat(c.queue().dir()).isEqualTo(dir.resolve("data/spool"));
        assertThat(c.delivery().addressPreference()).isEqualTo(RampartConfig.AddressPreference.IPV4);
    }

    @Test
    void environmentSetsNestedOptionalKeys() throws Exception {
        file("cert.pem", "x");
        file("key.pem", "y");
        RampartConfig c = load("", Map.of("RAMPART_SMTP_TLS_CERT", "cert.pem", "RAMPART_SMTP_TLS_KEY", "key.pem",
                "RAMPART_SMTP_HOSTNAME", "mx.example.org"));
        assertThat(c.smtp().tlsCertPath()).hasValue(dir.resolve("cert.pem"));
        assertThat(c.smtp().tlsKeyPath()).hasValue(dir.resolve("key.pem"));
        assertThat(c.smtp().hostname()).isEqualTo("mx.example.org");
        assertThat(c.delivery().heloName()).isEqualTo("mx.example.org");
    }

    @Test
    void environmentCanFixABadFileValueBeforeItIsChecked() throws Exception {
        file("key.pem", "y");
        file("cert.pem", "x");
        RampartConfig c = load("smtp:\n  tls:\n    cert: cert.pem\n    key: gone.pem\n", Map.of("RAMPART_SMTP_TLS_KEY", "key.pem"));
        assertThat(c.smtp().tlsKeyPath()).hasValue(dir.resolve("key.pem"));
    }

    static Stream<Arguments> badEnvironment() {
        return Stream.of(
                arguments("RAMPART_SMTP_LISTEN", "127.0.0.1:25,nope", "smtp.listen[1]", "expected host:port"),
                arguments("RAMPART_SMTP_MAX_RECIPIENTS", "many", "smtp.max-recipients", "expected an integer"),
                arguments("RAMPART_QUEUE_MAX_AGE", "", "queue.max-age", "missing value"),
                arguments("RAMPART_SMTP_LISTEN", "", "smtp.listen", "needs at least 1 entry"),
                arguments("RAMPART_SMTP_TLS_CERT", "absent.pem", "smtp.tls.cert", "file not found"),
                arguments("RAMPART_SMTP_ALLOWED_NETWORKS", "10.0.0.0/8,,", "smtp.allowed-networks[1]", "empty CIDR"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("badEnvironment")
    void badEnvironmentValueNamesTheKeyAndTheVariable(String variable, String value, String key, String problem) {
        assertThatThrownBy(() -> load("", Map.of(variable, value)))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.key()).isEqualTo(key);
                    assertThat(e.problem()).contains(problem);
                    assertThat(e.getMessage()).endsWith("(from environment variable " + variable + ")");
                });
    }

    @Test
    void everyKeyHasItsOwnEnvironmentVariable() {
        for (ConfigKey<?> key : ConfigKey.ALL) {
            assertThat(ConfigKey.byEnvironmentVariable(key.environmentVariable())).hasValue(key);
            assertThat(key.environmentVariable()).matches("RAMPART_[A-Z0-9_]+");
        }
        assertThat(ConfigKey.SMTP_LISTEN.environmentVariable()).isEqualTo("RAMPART_SMTP_LISTEN");
        assertThat(ConfigKey.SMTP_MAX_CONNECTIONS_PER_CLIENT.environmentVariable())
                .isEqualTo("RAMPART_SMTP_MAX_CONNECTIONS_PER_CLIENT");
        assertThat(ConfigKey.SMTP_TLS_CERT.environmentVariable()).isEqualTo("RAMPART_SMTP_TLS_CERT");
    }

    @Test
    void loadOneReadsOnlyThatKeyWithEnvironmentOverrides() throws Exception {
        Path f = file("partial.yaml", "admin:\n  listen: \"127.0.0.1:9000\"\nsmtp:\n  tls:\n    cert: unreadable.pem\n");
        assertThat(loader(Map.of()).loadOne(ConfigKey.ADMIN_LISTEN, f)).hasValue(new HostPort("127.0.0.1", 9000));
        assertThat(loader(Map.of("RAMPART_ADMIN_LISTEN", "[::1]:9001")).loadOne(ConfigKey.ADMIN_LISTEN, f))
                .hasValue(new HostPort("::1", 9001));
        assertThat(loader(Map.of()).loadOneEmbedded(ConfigKey.ADMIN_LISTEN)).hasValue(new HostPort("127.0.0.1", 8025));
        assertThat(loader(Map.of()).loadOne(ConfigKey.TLS_TRUST_STORE, f)).isEmpty();
        assertThatThrownBy(() -> loader(Map.of("RAMPART_ADMIN_LISTEN", "nowhere")).loadOne(ConfigKey.ADMIN_LISTEN, f))
                .hasMessageStartingWith("config error: admin.listen: expected host:port");
    }

    @Test
    void unknownRampartVariablesAreReported() {
        Map<String, String> env = new HashMap<>();
        env.put("RAMPART_SMTP_LISTENS", "x");
        env.put("RAMPART_SMTP_LISTEN", "127.0.0.1:25");
        env.put("PATH", "/bin");
        env.put(ConfigLoader.LAUNCHER_VARIABLE, "-Xmx64m");
        assertThat(loader(env).unknownEnvironmentVariables()).containsExactly("RAMPART_SMTP_LISTENS");
    }

    @Test
    void effectiveConfigLoadsBackToTheSameValues() throws Exception {
        file("cert.pem", "x");
        file("key.pem", "y");
        RampartConfig c = load("""
                smtp:
                  listen: ["0.0.0.0:25", "[::]:25"]
                  allowed-networks: [10.0.0.0/8, "::1/128", "fd00::/8"]
                  tls:
                    cert: cert.pem
                    key: key.pem
                  max-message-size: 10000001
                queue:
                  retry-schedule: [15m, 1h30m, 3h]
                dns:
                  servers: ["[::1]:5353"]
                log:
                  format: json
                """);
        String yaml = EffectiveConfigWriter.toYaml(c);
        assertThat(loader(Map.of()).load(yaml, "in effective config")).isEqualTo(c);
        assertThat(yaml).contains("retry-schedule: [15m, 1h30m, 3h]").contains("# users-file: (not set)");
        assertThat(EffectiveConfigWriter.toYaml(load(""))).contains("servers: []");
    }
}
