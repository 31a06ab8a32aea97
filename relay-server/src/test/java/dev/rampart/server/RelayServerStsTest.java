package dev.rampart.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rampart.policy.sts.StsPolicyParser;
import dev.rampart.policy.sts.StsPolicyResult;
import dev.rampart.policy.sts.StsRecord;
import dev.rampart.policy.sts.StsRecordResult;
import dev.rampart.policy.sts.fetch.StsFetchResult;
import dev.rampart.policy.sts.fetch.StsLookup;
import dev.rampart.policy.sts.fetch.StsPolicyCache;
import dev.rampart.server.config.ConfigLoader;
import dev.rampart.server.config.RampartConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay's MTA-STS composition: the policy cache lives in {@code <queue.dir>/mta-sts} beside the
 * spool, which the queue's recovery leaves alone; a policy cached before a restart is there after it
 * (STS-13); the cached-policies gauge is exported; a trust store that holds no certificate stops the
 * start with the key's name.
 */
class RelayServerStsTest {
    private static final String POLICY = "version: STSv1\nmode: enforce\nmx: mx.seeded.example\nmax_age: 604800\n";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private RampartConfig config(String extraYaml) throws Exception {
        String yaml = "smtp:\n  listen: [\"127.0.0.1:" + freePort() + "\"]\n  hostname: relay.test.example\n"
                + "queue:\n  dir: \"" + dir.resolve("spool") + "\"\n"
                + "admin:\n  listen: \"127.0.0.1:" + freePort() + "\"\n"
                + "dns:\n  dnssec: \"off\"\n" + extraYaml;
        return new ConfigLoader(Map.of(), dir, () -> "relay.test.example").load(yaml, "in test.yaml");
    }

    @Test
    void theCacheLivesBesideTheSpoolAndSurvivesARestartSts13() throws Exception {
        Path cacheDir = dir.resolve("spool").resolve("mta-sts");
        StsPolicyCache seeded = new StsPolicyCache(cacheDir, d -> new StsFetchResult.Fetched(
                ((StsPolicyResult.Valid) StsPolicyParser.parse(POLICY)).policy(), POLICY), InstantSource.system(),
                () -> 0L);
        assertThat(seeded.lookup("seeded.example", new StsRecordResult.Found(new StsRecord("id1"))))
                .isInstanceOf(StsLookup.Applied.class);

        try (RelayServer relay = new RelayServer(config(""), InstantSource.system())) {
            relay.start();
            assertThat(relay.sts().enabled()).isTrue();
            assertThat(relay.sts().show("seeded.example")).hasValueSatisfying(e -> {
                assertThat(e.id()).isEqualTo("id1");
                assertThat(e.policy().mx()).containsExactly("mx.seeded.example");
            });
            String metrics = metrics(relay);
            assertThat(metrics).containsPattern("(?m)^rampart_mta_sts_cached_policies(\\{[^}]*})? 1\\.0$");
            assertThat(metrics).containsPattern("(?m)^rampart_queue_corrupt_files(\\{[^}]*})? 0\\.0$");
        }
        assertThat(Files.list(dir.resolve("spool").resolve("corrupt")).toList()).isEmpty();
    }

    @Test
    void aConfiguredCacheDirIsCreatedAndMtaStsCanBeSwitchedOff() throws Exception {
        Path elsewhere = dir.resolve("sts-cache");
        try (RelayServer relay = new RelayServer(config("mta-sts:\n  enabled: false\n  cache-dir: \""
                + elsewhere + "\"\n"), InstantSource.system())) {
            assertThat(elsewhere).isDirectory();
            assertThat(relay.sts().enabled()).isFalse();
            assertThat(relay.sts().lookup("x.example").join().txt().toString()).contains("mta-sts.enabled: false");
        }
    }

    @Test
    void aTrustStoreWithoutCertificatesStopsTheStartNamingTheKey() throws Exception {
        Path bad = Files.writeString(dir.resolve("ca.pem"), "not a certificate\n");
        RampartConfig config = config("tls:\n  trust-store: \"" + bad + "\"\n");
        assertThatThrownBy(() -> new RelayServer(config, InstantSource.system()).close())
                .isInstanceOf(IOException.class).hasMessageStartingWith("tls.trust-store: ");
    }

    private String metrics(RelayServer relay) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + relay.adminAddress().getPort() + "/metrics");
        return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
