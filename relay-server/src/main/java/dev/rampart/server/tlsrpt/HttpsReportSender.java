package dev.rampart.server.tlsrpt;

import dev.rampart.policy.sts.fetch.HostResolver;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.IDN;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Posts a report to an {@code https:} rua (RFC 8460 §5.4, REP-13): {@code POST} of the gzipped JSON as
 * {@code application/tlsrpt+gzip}; any 2xx is success; redirects are not followed (REP-13 [D]); the
 * server certificate is checked against the relay's WebPKI anchors (the JDK roots plus
 * {@code tls.trust-store}) and the URI's host name, which RFC 8460 allows but does not demand.
 *
 * <p>The host name is resolved through the given {@link HostResolver} (the relay's own DNS, like the
 * MTA-STS fetch), not the JVM's system resolver: a relay configured with {@code dns.servers} asks those
 * servers for every name it uses. One HTTP/1.1 request per connection ({@code Connection: close}); the
 * first address that accepts the TCP connection is used. Blocking, thread-safe.
 */
public final class HttpsReportSender {
    /** What one POST achieved. */
    public sealed interface Outcome {
        /** The endpoint took the report. */
        record Accepted(int status) implements Outcome {}

        /** Not taken; {@code reason} is precise and loggable. Every failure is retried (REP-15). */
        record Failed(String reason) implements Outcome {
            public Failed {
                Objects.requireNonNull(reason);
            }
        }
    }

    /** The response head is all we read; a server that sends more before its blank line is not one we trust. */
    private static final int MAX_HEAD_BYTES = 16 * 1024;

    private final SSLContext tls;
    private final HostResolver resolver;
    private final Duration timeout;

    /**
     * @param tls      the WebPKI trust (JDK roots plus {@code tls.trust-store})
     * @param resolver how the URI's host name becomes addresses (the relay's DNS)
     * @param timeout  connect timeout, and the read timeout for the answer
     */
    public HttpsReportSender(SSLContext tls, HostResolver resolver, Duration timeout) {
        this.tls = Objects.requireNonNull(tls);
        this.resolver = Objects.requireNonNull(resolver);
        this.timeout = Objects.requireNonNull(timeout);
    }

    /** Posts {@code gzipped} (a {@link dev.rampart.policy.tlsrpt.ReportFile}'s bytes) to {@code target}. */
    public Outcome post(URI target, byte[] gzipped) throws InterruptedException {
        if (!"https".equalsIgnoreCase(target.getScheme()) || target.getHost() == null) {
            return new Outcome.Failed("not an https URI with a host: " + target);
        }
        String host = target.getHost().toLowerCase(Locale.ROOT);
        int port = target.getPort() < 0 ? 443 : target.getPort();
        List<InetAddress> addresses;
        try {
            addresses = literal(host).map(List::of).orElse(null);
            if (addresses == null) {
                addresses = resolver.resolve(IDN.toASCII(host));
            }
        } catch (IOException | IllegalArgumentException e) {
            return new Outcome.Failed("cannot resolve " + host + ": " + describe(e));
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        String last = host + " has no address";
        for (InetAddress address : addresses) {
            Socket plain = new Socket();
            try {
                plain.connect(new InetSocketAddress(address, port), (int) timeout.toMillis());
            } catch (IOException e) {
                closeQuietly(plain);
                last = "POST to " + host + " failed: cannot connect to " + address.getHostAddress() + " port " + port
                        + ": " + describe(e);
                continue;
            }
            return exchange(plain, target, host, port, gzipped);
        }
        return new Outcome.Failed(last);
    }

    private Outcome exchange(Socket plain, URI target, String host, int port, byte[] body) {
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, host, port, true)) {
            SSLParameters params = socket.getSSLParameters();
            if (literal(host).isEmpty()) {
                params.setServerNames(List.of(new SNIHostName(IDN.toASCII(host))));
            }
            params.setEndpointIdentificationAlgorithm("HTTPS");
            params.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            socket.setSSLParameters(params);
            socket.setSoTimeout((int) timeout.toMillis());
            socket.startHandshake();
            String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
            if (target.getRawQuery() != null) {
                path += "?" + target.getRawQuery();
            }
            String hostHeader = (host.contains(":") ? "[" + host + "]" : host) + (port == 443 ? "" : ":" + port);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: " + hostHeader
                    + "\r\nUser-Agent: Rampart TLS-RPT\r\nContent-Type: application/tlsrpt+gzip\r\nContent-Length: "
                    + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            List<String> head = readHead(new BufferedInputStream(socket.getInputStream()));
            int status = status(head.getFirst());
            if (status >= 200 && status < 300) {
                return new Outcome.Accepted(status);
            }
            if (status >= 300 && status < 400) {
                return new Outcome.Failed("HTTP " + status + " redirect to "
                        + header(head, "Location").orElse("(no Location)") + " not followed");
            }
            return new Outcome.Failed("HTTP " + status + " from " + host);
        } catch (IOException e) {
            return new Outcome.Failed("POST to " + host + " failed: " + describe(e));
        }
    }

    /** The status line and header lines, up to the blank line. */
    private static List<String> readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed before the end of the response head");
            }
            if (head.size() >= MAX_HEAD_BYTES) {
                throw new IOException("response head longer than " + MAX_HEAD_BYTES + " bytes");
            }
            head.write(b);
            matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : b == '\r' ? 1 : 0;
        }
        List<String> lines = head.toString(StandardCharsets.ISO_8859_1).lines().toList();
        if (lines.isEmpty()) {
            throw new IOException("empty response head");
        }
        return lines;
    }

    private static int status(String statusLine) throws IOException {
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || parts[1].length() != 3) {
            throw new IOException("not an HTTP/1.x status line: " + statusLine);
        }
        try {
            return Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP/1.x status line: " + statusLine);
        }
    }

    private static Optional<String> header(List<String> head, String name) {
        for (String line : head.subList(1, head.size())) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return Optional.of(line.substring(colon + 1).trim());
            }
        }
        return Optional.empty();
    }

    /** An IP literal host (no lookup, no SNI); empty for a name. */
    private static Optional<InetAddress> literal(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        boolean v4 = h.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
        if (!v4 && !h.contains(":")) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(h)); // a literal: parsed, never looked up
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing was sent on it
        }
    }

    private static String describe(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
