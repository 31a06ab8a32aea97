package dev.rampart.server.smtp;

import dev.rampart.server.config.Cidr;
import dev.rampart.server.smtp.auth.PasswordFile;
import dev.rampart.server.smtp.auth.SaslExchange;
import io.netty.handler.ssl.SslContext;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What every session of one listener shares: identity, limits, relay rights, TLS and AUTH material.
 * Immutable; built once by {@link SmtpServer} from the configuration.
 *
 * @param maxRecipients at least 100 (RFC 5321 §4.5.3.1.8; SUB-09)
 */
record SmtpSettings(String hostname, long maxMessageSize, int maxRecipients, int maxReceivedHeaders,
                    List<Cidr> allowedNetworks, Optional<SslContext> tls, Optional<PasswordFile> users,
                    Duration idleTimeout, int maxConnections, int maxConnectionsPerClient, int maxCommandLine) {

    SmtpSettings {
        Objects.requireNonNull(hostname);
        if (!MailPath.validDomain(hostname) || !MailPath.isAscii(hostname)) {
            // it goes into the greeting and every Received: field
            throw new IllegalArgumentException("smtp.hostname is not a valid host name: " + hostname);
        }
        allowedNetworks = List.copyOf(allowedNetworks);
        Objects.requireNonNull(tls);
        Objects.requireNonNull(users);
        Objects.requireNonNull(idleTimeout);
        if (maxRecipients < 100) {
            throw new IllegalArgumentException("maxRecipients must be at least 100 (RFC 5321 §4.5.3.1.8)");
        }
        if (maxMessageSize <= 0 || maxReceivedHeaders <= 0 || maxConnections <= 0 || maxConnectionsPerClient <= 0) {
            throw new IllegalArgumentException("SMTP limits must be positive");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idle timeout must be positive");
        }
    }

    /**
     * The EHLO keywords (SUB-02): STARTTLS only before TLS (RFC 3207 §4.2), AUTH only under TLS (SUB-20),
     * REQUIRETLS only under TLS (RFC 8689 §2). SMTPUTF8 comes with 8BITMIME (RFC 6531 §3.1).
     */
    List<String> ehloKeywords(boolean underTls) {
        List<String> k = new ArrayList<>(List.of("PIPELINING", "SIZE " + maxMessageSize, "8BITMIME",
                "ENHANCEDSTATUSCODES", "DSN", "SMTPUTF8", "CHUNKING"));
        if (tls.isPresent() && !underTls) {
            k.add("STARTTLS");
        }
        if (users.isPresent() && underTls) {
            k.add("AUTH " + SaslExchange.advertised());
        }
        if (underTls) {
            k.add("REQUIRETLS");
        }
        return List.copyOf(k);
    }

    /** SUB-13: may this client relay without authenticating? */
    boolean trusted(InetAddress client) {
        return allowedNetworks.stream().anyMatch(c -> c.contains(client));
    }
}
