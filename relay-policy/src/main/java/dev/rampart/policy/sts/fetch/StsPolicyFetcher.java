package dev.rampart.policy.sts.fetch;

import dev.rampart.policy.dns.DomainNames;
import dev.rampart.policy.sts.StsFailureKind;
import dev.rampart.policy.sts.StsMxMatcher;
import dev.rampart.policy.sts.StsPolicyParser;
import dev.rampart.policy.sts.StsPolicyResult;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Fetches {@code https://mta-sts.<domain>/.well-known/mta-sts.txt} exactly as RFC 8461 §3.3 asks, and
 * classifies every failure into a TLS-RPT result type. Thread-safe; each call blocks for at most the
 * configured total timeout (default 60 s, STS-09), so call it off any event loop.
 *
 * <p>Why a minimal HTTP/1.1 client over {@link SSLSocket} rather than {@code java.net.http.HttpClient}:
 * the policy fetch needs a pluggable resolver (the relay's own, or loopback in tests), a hard cap on the
 * body enforced while reading (STS-09), one deadline over connect + handshake + every read, no redirects
 * and no HTTP cache (STS-07). HttpClient has no resolver hook on Java 21, buffers bodies through handlers
 * that see bytes only after they were received, and its timeouts cover connect and headers but not a
 * server that dribbles a body. One GET with {@code Connection: close} is small enough to do by hand.
 *
 * <p>Checks, in order: name resolution and TCP connect (fetch error); TLS with SNI {@code mta-sts.<domain>},
 * PKIX to a trusted root and the HTTPS host name check, plus a SAN dNSName that matches (CN ignored;
 * wildcard only as the whole leftmost label) (STS-06, webpki); HTTP 200 only, 3xx never followed
 * (STS-07, fetch error); media type {@code text/plain} with charset, if any, utf-8 or us-ascii
 * (STS-08, invalid); body at most {@code maxBodyBytes} (STS-09, fetch error); valid UTF-8 and a valid
 * policy (STS-12, invalid).
 */
public final class StsPolicyFetcher implements StsPolicySource {
    public static final int DEFAULT_PORT = 443;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_MAX_BODY = 65536;
    static final String PATH = "/.well-known/mta-sts.txt";

    private final StsTrust trust;
    private final HostResolver resolver;
    private final int port;
    private final Duration timeout;
    private final int maxBodyBytes;

    /**
     * @param trust        JDK roots plus {@code tls.trust-store} ({@link StsTrust#of})
     * @param resolver     maps {@code mta-sts.<domain>} to addresses
     * @param port         443 in production
     * @param timeout      total time for one fetch, connect to last body byte
     * @param maxBodyBytes body cap
     */
    public StsPolicyFetcher(StsTrust trust, HostResolver resolver, int port, Duration timeout, int maxBodyBytes) {
        this.trust = Objects.requireNonNull(trust);
        this.resolver = Objects.requireNonNull(resolver);
        if (port < 1 || port > 65535 || timeout.isNegative() || timeout.isZero() || maxBodyBytes < 1) {
            throw new IllegalArgumentException("bad fetcher limits");
        }
        this.port = port;
        this.timeout = timeout;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** The RFC 8461 defaults: port 443, 60 s, 64 KiB. */
    public StsPolicyFetcher(StsTrust trust, HostResolver resolver) {
        this(trust, resolver, DEFAULT_PORT, DEFAULT_TIMEOUT, DEFAULT_MAX_BODY);
    }

    @Override
    public StsFetchResult fetch(String policyDomain) {
        var domain = DomainNames.normalize(policyDomain);
        if (domain.isEmpty()) {
            return failed(StsFailureKind.FETCH_ERROR, "not a domain name: " + policyDomain);
        }
        String host = "mta-sts." + domain.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        List<InetAddress> addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (IOException e) {
            return failed(StsFailureKind.FETCH_ERROR, "cannot resolve " + host + ": " + e.getMessage());
        }
        if (addresses.isEmpty()) {
            return failed(StsFailureKind.FETCH_ERROR, host + " has no address");
        }
        StsFetchResult last = failed(StsFailureKind.FETCH_ERROR, "no address tried");
        for (InetAddress address : addresses) {
            Socket plain = new Socket();
            try {
                plain.connect(new InetSocketAddress(address, port), remainingMillis(deadline));
            } catch (IOException e) {
                closeQuietly(plain);
                last = failed(StsFailureKind.FETCH_ERROR, "cannot connect to " + host + " at "
                        + address.getHostAddress() + " port " + port + ": " + describe(e));
                continue;
            }
            // Connected: from here the outcome is this server's, no other address is tried.
            return exchange(plain, host, deadline);
        }
        return last;
    }

    private StsFetchResult exchange(Socket plain, String host, long deadline) {
        try (SSLSocket tls = (SSLSocket) trust.context().getSocketFactory().createSocket(plain, host, port, true)) {
            SSLParameters params = tls.getSSLParameters();
            params.setServerNames(List.of(new SNIHostName(host)));
            params.setEndpointIdentificationAlgorithm("HTTPS");
            params.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            tls.setSSLParameters(params);
            tls.setSoTimeout(remainingMillis(deadline));
            try {
                tls.startHandshake();
            } catch (SSLException e) {
                return handshakeFailure(host, e);
            }
            X509Certificate leaf = (X509Certificate) tls.getSession().getPeerCertificates()[0];
            if (!sanMatches(leaf, host)) {
                return failed(StsFailureKind.WEBPKI_INVALID, "certificate of " + host
                        + " has no subjectAltName dNSName for it (the CN is not used)");
            }
            OutputStream out = tls.getOutputStream();
            String hostHeader = port == DEFAULT_PORT ? host : host + ":" + port;
            // No If-None-Match / If-Modified-Since, no cache: every fetch is a full GET (STS-07).
            out.write(("GET " + PATH + " HTTP/1.1\r\nHost: " + hostHeader
                    + "\r\nUser-Agent: Rampart\r\nAccept: text/plain\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = new BufferedInputStream(new DeadlineInputStream(tls, deadline));
            return readResponse(new HttpResponseReader(in, maxBodyBytes), host);
        } catch (SocketTimeoutException e) {
            return failed(StsFailureKind.FETCH_ERROR, "fetching from " + host + " took longer than "
                    + timeout.toMillis() + " ms");
        } catch (HttpResponseReader.TooLargeException e) {
            return failed(StsFailureKind.FETCH_ERROR, "policy from " + host + ": " + e.getMessage());
        } catch (IOException e) {
            return failed(StsFailureKind.FETCH_ERROR, "fetching from " + host + ": " + describe(e));
        }
    }

    private StsFetchResult readResponse(HttpResponseReader reader, String host) throws IOException {
        HttpResponseReader.Head head = reader.readHead();
        if (head.status() != 200) {
            String where = head.status() >= 300 && head.status() < 400
                    ? head.header("Location").map(l -> " redirect to " + l + " not followed").orElse(" redirect not followed")
                    : "";
            return failed(StsFailureKind.FETCH_ERROR, "https://" + host + PATH + " answered HTTP " + head.status() + where);
        }
        var mediaTypeProblem = head.header("Content-Type").map(StsPolicyFetcher::mediaTypeProblem)
                .orElse("no Content-Type");
        if (!mediaTypeProblem.isEmpty()) {
            return failed(StsFailureKind.POLICY_INVALID, "policy from " + host + ": " + mediaTypeProblem);
        }
        byte[] body = reader.readBody(head);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return failed(StsFailureKind.POLICY_INVALID, "policy from " + host + " is not valid UTF-8");
        }
        return switch (StsPolicyParser.parse(text)) {
            case StsPolicyResult.Valid v -> new StsFetchResult.Fetched(v.policy(), text);
            case StsPolicyResult.Invalid i -> failed(StsFailureKind.POLICY_INVALID,
                    "policy from " + host + " is invalid: " + i.reason());
        };
    }

    /** STS-08: empty when acceptable, else what is wrong. */
    static String mediaTypeProblem(String contentType) {
        String[] parts = contentType.split(";");
        String type = parts[0].trim().toLowerCase(Locale.ROOT);
        if (!type.equals("text/plain")) {
            return "media type is '" + type + "', not text/plain";
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase("charset")) {
                String cs = p.substring(eq + 1).trim().replace("\"", "").toLowerCase(Locale.ROOT);
                if (!cs.equals("utf-8") && !cs.equals("us-ascii")) {
                    return "charset '" + cs + "' is neither utf-8 nor us-ascii";
                }
            }
        }
        return "";
    }

    private static StsFetchResult handshakeFailure(String host, SSLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateException) {
                return failed(StsFailureKind.WEBPKI_INVALID, "certificate of " + host + " rejected: " + t.getMessage());
            }
            if (t instanceof SocketTimeoutException) {
                return failed(StsFailureKind.FETCH_ERROR, "TLS handshake with " + host + " timed out");
            }
        }
        return failed(StsFailureKind.FETCH_ERROR, "TLS handshake with " + host + " failed: " + e.getMessage());
    }

    /** STS-06: a SAN dNSName equal to the host, or {@code *.} + parent as the whole leftmost label. */
    static boolean sanMatches(X509Certificate cert, String host) {
        try {
            var sans = cert.getSubjectAlternativeNames();
            if (sans == null) {
                return false;
            }
            for (List<?> san : sans) {
                if (san.size() >= 2 && Integer.valueOf(2).equals(san.get(0)) && san.get(1) instanceof String name
                        && StsMxMatcher.matches(name, host)) {
                    return true;
                }
            }
            return false;
        } catch (CertificateParsingException e) {
            return false;
        }
    }

    static int remainingMillis(long deadline) throws SocketTimeoutException {
        long ms = (deadline - System.nanoTime()) / 1_000_000;
        if (ms <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        return (int) Math.min(Integer.MAX_VALUE, ms);
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing was sent on it
        }
    }

    private static StsFetchResult failed(StsFailureKind kind, String reason) {
        return new StsFetchResult.Failed(kind, reason);
    }

    /** Re-arms the socket read timeout before every read so that the whole exchange shares one deadline. */
    private static final class DeadlineInputStream extends InputStream {
        private final SSLSocket socket;
        private final InputStream in;
        private final long deadline;

        DeadlineInputStream(SSLSocket socket, long deadline) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.deadline = deadline;
        }

        @Override
        public int read() throws IOException {
            socket.setSoTimeout(remainingMillis(deadline));
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            socket.setSoTimeout(remainingMillis(deadline));
            return in.read(b, off, len);
        }
    }
}
