package dev.rampart.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.server.config.ConfigLoader;
import dev.rampart.server.config.RampartConfig;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;

/**
 * A relay whose DNSSEC validation cannot be proven is not ready, says why, and shows it in
 * rampart_dnssec_validation_ok; with validation off it is ready (DNS-01, issue acceptance 3).
 */
class RelayServerDnssecTest {

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void unprovenValidationFailsReadinessWithTheReasonAndTheMetric() throws Exception {
        // A resolver that answers SERVFAIL to everything: the self-check's signed name never comes back secure.
        DatagramSocket dns = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread responder = Thread.ofVirtual().start(() -> servfailForever(dns));
        try (RelayServer relay = start("dns:\n  servers: [\"127.0.0.1:" + dns.getLocalPort() + "\"]\n  timeout: 2s\n"
                + "  dnssec: validate\n  self-check:\n    secure-name: signed.test\n")) {
            HttpResponse<String> ready = awaitReadiness(relay, 503);
            assertThat(ready.body()).contains("dnssec: DNSSEC validation is not working: signed name signed.test did not resolve");
            assertThat(metrics(relay)).containsPattern("(?m)^rampart_dnssec_validation_ok(\\{[^}]*})? 0\\.0$");
        } finally {
            dns.close();
            responder.join(5_000);
        }
    }

    @Test
    void validationOffIsReadyAndReportsOk() throws Exception {
        try (RelayServer relay = start("dns:\n  dnssec: \"off\"\n")) {
            HttpResponse<String> ready = awaitReadiness(relay, 200);
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(metrics(relay)).containsPattern("(?m)^rampart_dnssec_validation_ok(\\{[^}]*})? 1\\.0$");
        }
    }

    private RelayServer start(String dnsYaml) throws Exception {
        String yaml = "smtp:\n  listen: [\"127.0.0.1:" + freePort() + "\"]\n  hostname: relay.test.example\n"
                + "queue:\n  dir: \"" + dir.resolve("spool") + "\"\n"
                + "admin:\n  listen: \"127.0.0.1:" + freePort() + "\"\n" + dnsYaml;
        RampartConfig config = new ConfigLoader(Map.of(), dir, () -> "relay.test.example").load(yaml, "in test.yaml");
        RelayServer relay = new RelayServer(config, InstantSource.system());
        relay.start();
        return relay;
    }

    /** Polls /readyz until it answers {@code status} (the self-check runs asynchronously at start). */
    private HttpResponse<String> awaitReadiness(RelayServer relay, int status) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + relay.adminAddress().getPort() + "/readyz");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        HttpResponse<String> last;
        do {
            last = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            if (last.statusCode() == status && !last.body().contains("has not finished")) {
                return last;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        } while (System.nanoTime() < deadline);
        throw new AssertionError("/readyz never answered " + status + "; last: " + last.statusCode() + " " + last.body());
    }

    private String metrics(RelayServer relay) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + relay.adminAddress().getPort() + "/metrics");
        return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static void servfailForever(DatagramSocket socket) {
        byte[] buffer = new byte[4096];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(p);
                Message q = new Message(Arrays.copyOf(p.getData(), p.getLength()));
                Message r = new Message(q.getHeader().getID());
                r.getHeader().setFlag(Flags.QR);
                r.getHeader().setRcode(Rcode.SERVFAIL);
                r.addRecord(q.getQuestion(), Section.QUESTION);
                byte[] wire = r.toWire();
                socket.send(new DatagramPacket(wire, wire.length, p.getSocketAddress()));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
