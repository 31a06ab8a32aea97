package dev.rampart.policy.sts.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;
import dev.rampart.policy.sts.StsFailureKind;
import dev.rampart.policy.sts.StsMode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** STS-06..STS-09: the policy fetch against a real HTTPS server on loopback with test-CA certificates. */
class StsPolicyFetcherTest {
    private static final String DOMAIN = "example.com";
    private static final String HOST = "mta-sts.example.com";
    private static final String POLICY = "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 86400\n";
    private static final StsTestPki.Issued CA = StsTestPki.ca("Rampart Test CA");
    private static final StsTestPki.Issued OTHER_CA = StsTestPki.ca("Some Other CA");

    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private HttpsServer server;

    @AfterEach
    void stop() throws InterruptedException {
        release.countDown();
        if (server != null) {
            server.stop(0);
        }
        executor.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
    }

    private int serve(StsTestPki.Issued leaf, HttpHandler handler) throws Exception {
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(StsTestPki.serverContext(leaf)));
        server.createContext("/", exchange -> {
            ExtendedSSLSession session = (ExtendedSSLSession) ((HttpsExchange) exchange).getSSLSession();
            String sni = session.getRequestedServerNames().stream()
                    .map(n -> ((SNIHostName) n).getAsciiName()).findFirst().orElse("-");
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " sni=" + sni
                    + " host=" + exchange.getRequestHeaders().getFirst("Host")
                    + " conditional=" + exchange.getRequestHeaders().keySet().stream()
                            .anyMatch(h -> h.toLowerCase().startsWith("if-")));
            handler.handle(exchange);
        });
        server.setExecutor(executor);
        server.start();
        return server.getAddress().getPort();
    }

    private static HttpHandler respond(int status, String contentType, String body) {
        return exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            if (contentType != null) {
                exchange.getResponseHeaders().set("Content-Type", contentType);
            }
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        };
    }

    private static HostResolver loopbackFor(String name) {
        return host -> {
            if (!host.equals(name)) {
                throw new UnknownHostException(host);
            }
            return List.of(InetAddress.getLoopbackAddress());
        };
    }

    private static StsPolicyFetcher fetcher(int port, List<X509Certificate> anchors, Duration timeout, int maxBody)
            throws Exception {
        return new StsPolicyFetcher(StsTrust.of(anchors, true), loopbackFor(HOST), port, timeout, maxBody);
    }

    private static StsPolicyFetcher fetcher(int port) throws Exception {
        return fetcher(port, List.of(CA.cert()), Duration.ofSeconds(10), 65536);
    }

    private static StsTestPki.Issued goodCert() {
        return StsTestPki.server(CA, HOST, HOST);
    }

    private static void assertFailed(StsFetchResult r, StsFailureKind kind, String reason) {
        assertThat(r).isInstanceOfSatisfying(StsFetchResult.Failed.class, f -> {
            assertThat(f.kind()).isEqualTo(kind);
            assertThat(f.reason()).contains(reason);
        });
    }

    @Test
    void validPolicyIsFetchedWithSniAndWithoutConditionalRequest_STS06_STS07() throws Exception {
        int port = serve(goodCert(), respond(200, "text/plain", POLICY));
        StsFetchResult r = fetcher(port).fetch(DOMAIN);
        assertThat(r).isInstanceOfSatisfying(StsFetchResult.Fetched.class, f -> {
            assertThat(f.rawText()).isEqualTo(POLICY);
            assertThat(f.policy().mode()).isEqualTo(StsMode.ENFORCE);
            assertThat(f.policy().mx()).containsExactly("mx1.example.com");
        });
        assertThat(requests).containsExactly("GET /.well-known/mta-sts.txt sni=" + HOST + " host=" + HOST + ":" + port
                + " conditional=false");
    }

    @Test
    void charsetUtf8AndUsAsciiAndOtherParametersAreAccepted_STS08() throws Exception {
        int port = serve(goodCert(), respond(200, "Text/Plain; charset=\"UTF-8\"; format=flowed", POLICY));
        assertThat(fetcher(port).fetch(DOMAIN)).isInstanceOf(StsFetchResult.Fetched.class);
        assertThat(StsPolicyFetcher.mediaTypeProblem("text/plain;charset=us-ascii")).isEmpty();
    }

    @Test
    void chunkedBodyIsRead() throws Exception {
        int port = serve(goodCert(), exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (String line : POLICY.split("(?<=\n)")) {
                    out.write(line.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            }
        });
        assertThat(fetcher(port).fetch(DOMAIN)).isInstanceOfSatisfying(StsFetchResult.Fetched.class,
                f -> assertThat(f.rawText()).isEqualTo(POLICY));
    }

    @Test
    void notFoundIsAFetchError_STS07() throws Exception {
        int port = serve(goodCert(), respond(404, "text/plain", "no"));
        assertFailed(fetcher(port).fetch(DOMAIN), StsFailureKind.FETCH_ERROR, "HTTP 404");
    }

    @Test
    void redirectIsNotFollowed_STS07() throws Exception {
        int port = serve(goodCert(), exchange -> {
            exchange.getResponseHeaders().set("Location", "https://" + HOST + "/elsewhere.txt");
            exchange.sendResponseHeaders(301, -1);
            exchange.close();
        });
        assertFailed(fetcher(port).fetch(DOMAIN), StsFailureKind.FETCH_ERROR, "redirect to https://" + HOST + "/elsewhere.txt not followed");
        assertThat(requests).hasSize(1);
    }

    @Test
    void wrongMediaTypeIsInvalid_STS08() throws Exception {
        int port = serve(goodCert(), respond(200, "text/html", POLICY));
        assertFailed(fetcher(port).fetch(DOMAIN), StsFailureKind.POLICY_INVALID, "not text/plain");
    }

    @Test
    void otherCharsetIsInvalid_STS08() throws Exception {
        int port = serve(goodCert(), respond(200, "text/plain; charset=iso-8859-1", POLICY));
        assertFailed(fetcher(port).fetch(DOMAIN), StsFailureKind.POLICY_INVALID, "charset 'iso-8859-1'");
    }

    @Test
    void missingMediaTypeIsInvalid_STS08() throws Exception {
        int port = serve(goodCert(), respond(200, null, POLICY));
        assertFailed(fetcher(port).fetch(DOMAIN), StsFailureKind.POLICY_INVALID, "no Content-Type");
    }

    @Test
    void invalidPolicyIsInvalid_STS12() throws Exception {
        int port = serve(goodCert(), respond(200, "text/plain", "version: STSv1\nmode: enforce\nmax_age: 60\n"));
        assertFailed(fetcher(port).fetch(DOMAIN), StsFailureKind.POLICY_INVALID, "needs at least one mx");
    }

    @Test
    void invalidUtf8IsInvalid_STS12() throws Exception {
        int port = serve(goodCert(), exchange -> {
            byte[] body = (POLICY + "x: \u0000").getBytes(StandardCharsets.UTF_8);
            body[body.length - 1] = (byte) 0xC3; // a lead byte with nothing after it
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        assertFailed(fetcher(port).fetch(DOMAIN), StsFailureKind.POLICY_INVALID, "not valid UTF-8");
    }

    @Test
    void oversizeBodyWithContentLengthIsAFetchError_STS09() throws Exception {
        int port = serve(goodCert(), respond(200, "text/plain", POLICY + "x: " + "y".repeat(2000) + "\n"));
        assertFailed(fetcher(port, List.of(CA.cert()), Duration.ofSeconds(10), 1024).fetch(DOMAIN),
                StsFailureKind.FETCH_ERROR, "exceeds the 1024-byte limit");
    }

    @Test
    void oversizeChunkedBodyIsAFetchError_STS09() throws Exception {
        int port = serve(goodCert(), exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 100; i++) {
                    out.write(("x" + i + ": " + "y".repeat(100) + "\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            } catch (IOException expected) {
                // the fetcher hangs up once it has seen too much
            }
        });
        assertFailed(fetcher(port, List.of(CA.cert()), Duration.ofSeconds(10), 1024).fetch(DOMAIN),
                StsFailureKind.FETCH_ERROR, "exceeds the 1024-byte limit");
    }

    @Test
    void slowServerHitsTheTotalTimeout_STS09() throws Exception {
        int port = serve(goodCert(), exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write("version: STSv1\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            try {
                release.await(); // withholds the rest until the test is over
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        long start = System.nanoTime();
        assertFailed(fetcher(port, List.of(CA.cert()), Duration.ofMillis(700), 65536).fetch(DOMAIN),
                StsFailureKind.FETCH_ERROR, "took longer than 700 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void untrustedCaIsWebPkiInvalid_STS06() throws Exception {
        int port = serve(StsTestPki.server(OTHER_CA, HOST, HOST), respond(200, "text/plain", POLICY));
        assertFailed(fetcher(port).fetch(DOMAIN), StsFailureKind.WEBPKI_INVALID, "rejected");
        assertThat(requests).isEmpty();
    }

    @Test
    void wrongHostNameIsWebPkiInvalid_STS06() throws Exception {
        int port = serve(StsTestPki.server(CA, "mta-sts.example.net", "mta-sts.example.net"), respond(200, "text/plain", POLICY));
        assertFailed(fetcher(port).fetch(DOMAIN), StsFailureKind.WEBPKI_INVALID, "rejected");
        assertThat(requests).isEmpty();
    }

    @Test
    void wildcardCoveringTheWholeLeftmostLabelIsAccepted_STS06() throws Exception {
        int port = serve(StsTestPki.server(CA, "wild", "*.example.com"), respond(200, "text/plain", POLICY));
        assertThat(fetcher(port).fetch(DOMAIN)).isInstanceOf(StsFetchResult.Fetched.class);
    }

    @Test
    void commonNameWithoutSanIsWebPkiInvalid_STS06() throws Exception {
        int port = serve(StsTestPki.server(CA, HOST), respond(200, "text/plain", POLICY));
        assertFailed(fetcher(port).fetch(DOMAIN), StsFailureKind.WEBPKI_INVALID, "has no subjectAltName dNSName");
        assertThat(requests).isEmpty();
    }

    @Test
    void expiredCertificateIsWebPkiInvalid_STS06() throws Exception {
        StsTestPki.Issued expired = StsTestPki.server(CA, HOST, Instant.now().minus(Duration.ofDays(10)),
                Instant.now().minus(Duration.ofDays(1)), HOST);
        int port = serve(expired, respond(200, "text/plain", POLICY));
        assertFailed(fetcher(port).fetch(DOMAIN), StsFailureKind.WEBPKI_INVALID, "rejected");
    }

    @Test
    void refusedConnectionIsAFetchError_STS07() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        assertFailed(fetcher(port).fetch(DOMAIN), StsFailureKind.FETCH_ERROR, "cannot connect to " + HOST);
    }

    @Test
    void unresolvableHostIsAFetchError() throws Exception {
        assertFailed(fetcher(443).fetch("example.org"), StsFailureKind.FETCH_ERROR, "cannot resolve mta-sts.example.org");
    }

    @Test
    void trustStoreIsReadFromPem(@TempDir Path dir) throws Exception {
        Path pem = dir.resolve("ca.pem");
        Files.writeString(pem, "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(CA.cert().getEncoded())
                + "\n-----END CERTIFICATE-----\n");
        List<X509Certificate> read = StsTrust.readPem(pem);
        assertThat(read).containsExactly(CA.cert());
        int port = serve(goodCert(), respond(200, "text/plain", POLICY));
        StsPolicyFetcher f = new StsPolicyFetcher(StsTrust.of(read, false), loopbackFor(HOST), port,
                Duration.ofSeconds(10), 65536);
        assertThat(f.fetch(DOMAIN)).isInstanceOf(StsFetchResult.Fetched.class);
    }
}
