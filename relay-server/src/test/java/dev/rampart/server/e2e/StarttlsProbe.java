package dev.rampart.server.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * What a receiving MX shows a client, learnt the way an SMTP client learns it: greeting, EHLO, and (when
 * offered) STARTTLS with SNI and a TLS handshake that records the presented chain without judging it. It
 * never sends MAIL. For fixture self-tests that compare the served certificates with the published TLSA
 * records; the relay's own verification is what the DANE tests exercise. Stateless.
 */
final class StarttlsProbe {

    /** The EHLO keywords (upper case) and, if STARTTLS was offered, the negotiated protocol and the chain. */
    record Result(List<String> ehloKeywords, Optional<String> protocol, List<X509Certificate> chain) {
        Result {
            ehloKeywords = List.copyOf(ehloKeywords);
            chain = List.copyOf(chain);
        }

        boolean offersStarttls() {
            return ehloKeywords.contains("STARTTLS");
        }

        X509Certificate leaf() {
            if (chain.isEmpty()) {
                throw new IllegalStateException("no TLS handshake happened (EHLO: " + ehloKeywords + ")");
            }
            return chain.get(0);
        }
    }

    private StarttlsProbe() {}

    static Result probe(InetAddress address, String sniName, Duration timeout) throws IOException, GeneralSecurityException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, 25), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            expect(reply(in), "220", "greeting");
            command(out, "EHLO probe.e2e.test");
            List<String> ehlo = reply(in);
            expect(ehlo, "250", "EHLO");
            List<String> keywords = new ArrayList<>();
            for (String line : ehlo.subList(1, ehlo.size())) {
                keywords.add(line.substring(4).split(" ")[0].toUpperCase(Locale.ROOT));
            }
            if (!keywords.contains("STARTTLS")) {
                command(out, "QUIT");
                return new Result(keywords, Optional.empty(), List.of());
            }
            command(out, "STARTTLS");
            expect(reply(in), "220", "STARTTLS");
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new RecordingTrustManager()}, null);
            try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, address.getHostAddress(), 25, false)) {
                SSLParameters params = tls.getSSLParameters();
                params.setServerNames(List.of(new SNIHostName(sniName)));
                tls.setSSLParameters(params);
                tls.setUseClientMode(true);
                tls.startHandshake();
                List<X509Certificate> chain = new ArrayList<>();
                for (Certificate c : tls.getSession().getPeerCertificates()) {
                    chain.add((X509Certificate) c);
                }
                String protocol = tls.getSession().getProtocol();
                OutputStream tlsOut = tls.getOutputStream();
                command(tlsOut, "QUIT");
                return new Result(keywords, Optional.of(protocol), chain);
            }
        }
    }

    private static void command(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static List<String> reply(BufferedReader in) throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed after " + lines);
            }
            lines.add(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return lines;
            }
        }
    }

    private static void expect(List<String> reply, String code, String what) throws IOException {
        if (!reply.get(0).startsWith(code)) {
            throw new IOException(what + ": expected " + code + ", got " + reply);
        }
    }

    /** Accepts any chain: the probe reports what is served; judging it is the test's business. */
    private static final class RecordingTrustManager implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("the probe is a client");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // Intentionally empty: see the class comment.
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
