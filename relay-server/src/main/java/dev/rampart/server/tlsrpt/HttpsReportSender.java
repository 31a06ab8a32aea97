package dev.rampart.server.tlsrpt;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * Posts a report to an {@code https:} rua (RFC 8460 §5.4, REP-13): {@code POST} of the gzipped JSON as
 * {@code application/tlsrpt+gzip}; any 2xx is success; redirects are not followed (REP-13 [D]); the
 * server certificate is checked against the relay's WebPKI anchors (the JDK roots plus
 * {@code tls.trust-store}), which RFC 8460 allows but does not demand. Blocking, thread-safe.
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

    private final HttpClient client;
    private final Duration timeout;

    public HttpsReportSender(SSLContext tls, Duration timeout) {
        this.client = HttpClient.newBuilder().sslContext(tls).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
        this.timeout = timeout;
    }

    /** Posts {@code gzipped} (a {@link dev.rampart.policy.tlsrpt.ReportFile}'s bytes) to {@code target}. */
    public Outcome post(URI target, byte[] gzipped) throws InterruptedException {
        if (!"https".equalsIgnoreCase(target.getScheme())) {
            return new Outcome.Failed("not an https URI: " + target);
        }
        HttpRequest request = HttpRequest.newBuilder(target).timeout(timeout)
                .header("Content-Type", "application/tlsrpt+gzip")
                .header("User-Agent", "Rampart TLS-RPT")
                .POST(HttpRequest.BodyPublishers.ofByteArray(gzipped)).build();
        try {
            HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return new Outcome.Accepted(status);
            }
            if (status >= 300 && status < 400) {
                return new Outcome.Failed("HTTP " + status + " redirect to "
                        + response.headers().firstValue("Location").orElse("(no Location)") + " not followed");
            }
            return new Outcome.Failed("HTTP " + status + " from " + target.getHost());
        } catch (IOException e) {
            return new Outcome.Failed("POST to " + target.getHost() + " failed: " + describe(e));
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
