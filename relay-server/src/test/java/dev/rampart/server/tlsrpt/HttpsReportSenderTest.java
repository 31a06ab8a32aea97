package dev.rampart.server.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.rampart.policy.sts.fetch.HostResolver;
import dev.rampart.server.delivery.TestCertificates;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * REP-13 over a real TLS listener: the rua host is resolved by the resolver the relay gives the sender (its
 * own DNS), never by the JVM's system resolver; the certificate must name that host; 2xx is success,
 * a redirect is not followed, other statuses fail with what the server said.
 */
class HttpsReportSenderTest {
    private static final String HOST = "rua.reports.example";
    private static final TestCertificates.IssuedCert CERT = TestCertificates.issued(HOST, "Rua Test CA");
    private static final byte[] BODY = {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3, 4};

    private HttpsServer server;
    private final List<byte[]> posted = new CopyOnWriteArrayList<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> lookups = new CopyOnWriteArrayList<>();
    private final AtomicInteger status = new AtomicInteger(200);

    @BeforeEach
    void start() throws Exception {
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(CERT.serverContext()));
        server.createContext("/tlsrpt", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                posted.add(in.readAllBytes());
            }
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + exchange.getRequestHeaders().getFirst("Content-Type") + " " + exchange.getRequestHeaders().getFirst("Host"));
            if (status.get() == 302) {
                exchange.getResponseHeaders().add("Location", "https://elsewhere.example/tlsrpt");
            }
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private HttpsReportSender sender(HostResolver resolver) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", CERT.ca());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return new HttpsReportSender(ctx, resolver, Duration.ofSeconds(10));
    }

    /** The only way HOST becomes an address here: the relay's resolver, which records each question. */
    private HostResolver relayDns(InetAddress... answer) {
        return host -> {
            lookups.add(host);
            if (!host.equals(HOST)) {
                throw new UnknownHostException(host + " does not exist (NXDOMAIN)");
            }
            return List.of(answer);
        };
    }

    private URI uri(String host) {
        return URI.create("https://" + host + ":" + server.getAddress().getPort() + "/tlsrpt");
    }

    @Test
    void rep13_theRuaHostIsResolvedByTheRelaysResolverAndTheGzipIsPosted() throws Exception {
        HttpsReportSender.Outcome outcome = sender(relayDns(InetAddress.getLoopbackAddress())).post(uri(HOST), BODY);
        assertThat(outcome).isEqualTo(new HttpsReportSender.Outcome.Accepted(200));
        assertThat(lookups).containsExactly(HOST);
        assertThat(requests).containsExactly("POST /tlsrpt application/tlsrpt+gzip " + HOST + ":"
                + server.getAddress().getPort());
        assertThat(posted).singleElement().isEqualTo(BODY);
    }

    @Test
    void aNameTheRelaysDnsDoesNotKnowFailsWithoutAskingTheSystemResolver() throws Exception {
        // "localhost" would resolve through the system resolver; the relay's DNS says NXDOMAIN, and that counts.
        HttpsReportSender.Outcome outcome = sender(relayDns()).post(uri("localhost"), BODY);
        assertThat(outcome).isInstanceOfSatisfying(HttpsReportSender.Outcome.Failed.class,
                f -> assertThat(f.reason()).startsWith("cannot resolve localhost").contains("NXDOMAIN"));
        assertThat(lookups).containsExactly("localhost");
        assertThat(posted).isEmpty();
    }

    @Test
    void anAddressThatRefusesIsSkippedForTheNextOne() throws Exception {
        InetAddress refusing = InetAddress.getByAddress(new byte[] {127, 0, 0, 2});
        HttpsReportSender.Outcome outcome = sender(relayDns(refusing, InetAddress.getLoopbackAddress()))
                .post(uri(HOST), BODY);
        assertThat(outcome).isEqualTo(new HttpsReportSender.Outcome.Accepted(200));
        assertThat(posted).hasSize(1);
    }

    @Test
    void aCertificateForAnotherNameFails() throws Exception {
        HostResolver other = host -> List.of(InetAddress.getLoopbackAddress());
        HttpsReportSender.Outcome outcome = sender(other).post(uri("other.reports.example"), BODY);
        assertThat(outcome).isInstanceOf(HttpsReportSender.Outcome.Failed.class);
        assertThat(posted).isEmpty();
    }

    @Test
    void rep13_aRedirectIsNotFollowedAndA503Fails() throws Exception {
        HttpsReportSender sender = sender(relayDns(InetAddress.getLoopbackAddress()));
        status.set(302);
        assertThat(sender.post(uri(HOST), BODY)).isEqualTo(new HttpsReportSender.Outcome.Failed(
                "HTTP 302 redirect to https://elsewhere.example/tlsrpt not followed"));
        status.set(503);
        assertThat(sender.post(uri(HOST), BODY)).isEqualTo(new HttpsReportSender.Outcome.Failed("HTTP 503 from " + HOST));
        status.set(201);
        assertThat(sender.post(uri(HOST), BODY)).isEqualTo(new HttpsReportSender.Outcome.Accepted(201));
        assertThat(posted).hasSize(3);
        assertThat(lookups).containsOnly(HOST);
    }

    @Test
    void notHttpsIsRefusedBeforeAnyLookup() throws Exception {
        HttpsReportSender.Outcome outcome = sender(relayDns()).post(URI.create("http://" + HOST + "/tlsrpt"), BODY);
        assertThat(outcome).isInstanceOf(HttpsReportSender.Outcome.Failed.class);
        assertThat(lookups).isEmpty();
    }
}
