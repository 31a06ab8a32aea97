package dev.rampart.policy.dane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real TLS handshakes: a JDK server presents a chain on loopback (or to an in-memory engine), a JDK client
 * authenticates it only with {@link DaneTrustManager} (hostname verification off, SNI = TLSA base domain).
 */
class DaneHandshakeTest {
    private static final char[] PASSWORD = "test".toCharArray();
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    /** What the server saw: the SNI names the client sent, once its handshake completed. */
    private record ServerSide(List<SNIServerName> requestedNames) {}

    private record Server(SSLServerSocket socket, CompletableFuture<ServerSide> outcome) {}

    private Server serve(TestPki.Issued identity, X509Certificate... chain) throws Exception {
        SSLContext ctx = serverContext(identity, chain);
        SSLServerSocket listener = (SSLServerSocket) ctx.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress());
        CompletableFuture<ServerSide> outcome = new CompletableFuture<>();
        executor.execute(() -> {
            try (SSLSocket s = (SSLSocket) listener.accept()) {
                s.setSoTimeout((int) TIMEOUT.toMillis());
                s.startHandshake();
                List<SNIServerName> names = ((ExtendedSSLSession) s.getSession()).getRequestedServerNames();
                OutputStream out = s.getOutputStream();
                out.write("220 ready\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                outcome.complete(new ServerSide(names));
            } catch (Exception e) {
                outcome.completeExceptionally(e);
            } finally {
                try {
                    listener.close();
                } catch (java.io.IOException ignored) {
                    // the test is over either way
                }
            }
        });
        return new Server(listener, outcome);
    }

    private static SSLContext serverContext(TestPki.Issued identity, X509Certificate... chain) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", identity.keys().getPrivate(), PASSWORD, chain);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    /**
     * Drives a client and a server {@link SSLEngine} against each other in memory, the way Netty's
     * SslHandler drives the client engine, until both finish or one throws. Bounded: a stuck exchange
     * fails the test instead of hanging it.
     */
    private static void handshake(SSLEngine client, SSLEngine server) throws Exception {
        ByteBuffer toServer = ByteBuffer.allocate(1 << 17);
        ByteBuffer toClient = ByteBuffer.allocate(1 << 17);
        client.beginHandshake();
        server.beginHandshake();
        for (int step = 0; step < 1_000; step++) {
            if (idle(client) && idle(server)) {
                return;
            }
            advance(client, toClient, toServer);
            advance(server, toServer, toClient);
        }
        throw new AssertionError("handshake did not finish");
    }

    private static boolean idle(SSLEngine e) {
        return e.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING;
    }

    private static void advance(SSLEngine engine, ByteBuffer in, ByteBuffer out) throws Exception {
        ByteBuffer app = ByteBuffer.allocate(1 << 17);
        switch (engine.getHandshakeStatus()) {
            case NEED_WRAP -> engine.wrap(ByteBuffer.allocate(0), out);
            case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                in.flip();
                engine.unwrap(in, app);
                in.compact();
            }
            case NEED_TASK -> {
                for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
                    task.run();
                }
            }
            case FINISHED, NOT_HANDSHAKING -> { }
        }
    }

    private static SSLEngine clientEngine(DaneTrustManager tm) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {tm}, null);
        SSLEngine engine = ctx.createSSLEngine("mx.example.com", 25);
        engine.setUseClientMode(true);
        engine.setSSLParameters(tm.applyTo(engine.getSSLParameters()));
        return engine;
    }

    @Test
    void engineClientTaMatch_DANE11() throws Exception {
        TestPki.Issued root = TestPki.cert("CN=Root").ca().selfSigned();
        TestPki.Issued leaf = TestPki.cert("CN=mx.example.com").san("*.example.com").signedBy(root);
        SSLEngine server = serverContext(leaf, leaf.cert(), root.cert()).createSSLEngine();
        server.setUseClientMode(false);
        TlsaRecord r = Tlsa.of(2, 1, 1, root.cert());
        DaneTrustManager tm = new DaneTrustManager(List.of(r), List.of("mx.example.com"), "mx.example.com",
                InstantSource.fixed(TestPki.NOW));
        SSLEngine client = clientEngine(tm);

        handshake(client, server);
        assertThat(tm.verdict()).hasValue(new DaneVerdict.Matched(DaneMode.TA, r, Optional.of(root.cert())));
        assertThat(client.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
    }

    @Test
    void engineClientNameMismatchFailsTheHandshake_DANE14() throws Exception {
        TestPki.Issued root = TestPki.cert("CN=Root").ca().selfSigned();
        TestPki.Issued leaf = TestPki.cert("CN=mx.example.com").san("mx.example.net").signedBy(root);
        SSLEngine server = serverContext(leaf, leaf.cert(), root.cert()).createSSLEngine();
        server.setUseClientMode(false);
        DaneTrustManager tm = new DaneTrustManager(List.of(Tlsa.of(2, 0, 1, root.cert())),
                List.of("mx.example.com"), "mx.example.com", InstantSource.fixed(TestPki.NOW));
        SSLEngine client = clientEngine(tm);

        assertThatThrownBy(() -> handshake(client, server))
                .isInstanceOf(SSLHandshakeException.class)
                .cause().isInstanceOf(DaneCertificateException.class)
                .hasMessage("DANE-TA name check failed: certificate names [mx.example.net] do not match [mx.example.com]");
        assertThat(tm.verdict()).hasValueSatisfying(v -> assertThat(v).isInstanceOfSatisfying(DaneVerdict.Failed.class,
                f -> assertThat(f.kind()).isEqualTo(RptFailure.CERTIFICATE_HOST_MISMATCH)));
    }

    /** Connects, hands shake and reads the server's greeting line through the DANE trust manager. */
    private static String connect(Server server, DaneTrustManager tm) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {tm}, null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.socket().getLocalPort()),
                    (int) TIMEOUT.toMillis());
            s.setSoTimeout((int) TIMEOUT.toMillis());
            s.setSSLParameters(tm.applyTo(s.getSSLParameters()));
            s.startHandshake();
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    @Test
    void eeMatchHandshakesDespiteExpiredSelfSignedMisnamedCertificate_DANE10_DANE13() throws Exception {
        TestPki.Issued leaf = TestPki.cert("CN=localhost").san("localhost").expired().selfSigned();
        Server server = serve(leaf, leaf.cert());
        TlsaRecord r = Tlsa.of(3, 1, 1, leaf.cert());
        DaneTrustManager tm = new DaneTrustManager(List.of(r), List.of("mx.example.com"), "mx.example.com",
                InstantSource.system());

        assertThat(connect(server, tm)).isEqualTo("220 ready");
        assertThat(tm.verdict()).hasValue(new DaneVerdict.Matched(DaneMode.EE, r, Optional.empty()));
        ServerSide seen = server.outcome().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(seen.requestedNames()).extracting(n -> new String(n.getEncoded(), StandardCharsets.US_ASCII))
                .containsExactly("mx.example.com");
    }

    @Test
    void taMatchWithAnchorAbsentFromHandshake_DANE11() throws Exception {
        TestPki.Issued root = TestPki.cert("CN=Root").ca().selfSigned();
        TestPki.Issued ca = TestPki.cert("CN=Issuing CA").ca().signedBy(root);
        TestPki.Issued leaf = TestPki.cert("CN=mx.example.com").san("mx.example.com").signedBy(ca);
        Server server = serve(leaf, leaf.cert(), ca.cert());
        TlsaRecord r = Tlsa.of(2, 0, 0, root.cert());
        DaneTrustManager tm = new DaneTrustManager(List.of(r), List.of("mx.example.com"), "mx.example.com",
                InstantSource.fixed(TestPki.NOW));

        assertThat(connect(server, tm)).isEqualTo("220 ready");
        assertThat(tm.verdict()).hasValue(new DaneVerdict.Matched(DaneMode.TA, r, Optional.of(root.cert())));
    }

    @Test
    void mismatchFailsTheHandshakeWithTheReason_DANE07() throws Exception {
        TestPki.Issued leaf = TestPki.cert("CN=mx.example.com").san("mx.example.com").selfSigned();
        TestPki.Issued published = TestPki.cert("CN=mx.example.com").san("mx.example.com").selfSigned();
        Server server = serve(leaf, leaf.cert());
        DaneTrustManager tm = new DaneTrustManager(List.of(Tlsa.of(3, 1, 1, published.cert())),
                List.of("mx.example.com"), "mx.example.com", InstantSource.system());

        assertThatThrownBy(() -> connect(server, tm))
                .isInstanceOf(SSLHandshakeException.class)
                .cause().asInstanceOf(InstanceOfAssertFactories.throwable(DaneCertificateException.class))
                .hasMessageStartingWith("no TLSA record matched: leaf SPKI sha256 ");
        assertThat(tm.verdict()).hasValueSatisfying(v -> assertThat(v).isInstanceOfSatisfying(DaneVerdict.Failed.class,
                f -> assertThat(f.kind()).isEqualTo(RptFailure.TLSA_INVALID)));
        // the server never completes a handshake, so it never sends its greeting
        assertThat(server.outcome()).failsWithin(TIMEOUT);
    }
}
