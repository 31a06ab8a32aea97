package dev.rampart.server.delivery;

import java.net.InetAddress;
import java.util.Objects;

/**
 * Opens greeted SMTP sessions. Blocks the calling thread (never an event loop); thread-safe.
 * The scheduler depends on this rather than on Netty, so that connection policy (how many, to whom,
 * when a destination is dead) is testable without sockets.
 */
public interface SessionConnector extends AutoCloseable {

    /** Connects to {@code address} of MX host {@code hostName}, reads the greeting, EHLO, STARTTLS per plan. */
    OpenResult open(String hostName, InetAddress address, TlsPlan plan);

    @Override
    void close();

    /** Either a ready session or why there is none. */
    sealed interface OpenResult {
        record Opened(DeliverySession session) implements OpenResult {
            public Opened {
                Objects.requireNonNull(session);
            }
        }

        /** {@code tls} is what had been negotiated when it failed (for the log). */
        record Failed(SessionFailure failure, ObservedTls tls, String localIp) implements OpenResult {
            public Failed {
                Objects.requireNonNull(failure);
                Objects.requireNonNull(tls);
                Objects.requireNonNull(localIp);
            }

            /** Without our address (no connection was made, or it is not known). */
            public Failed(SessionFailure failure, ObservedTls tls) {
                this(failure, tls, "");
            }
        }
    }
}
