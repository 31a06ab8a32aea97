package dev.rampart.server.delivery;

import java.net.InetAddress;
import java.util.Objects;

/** Which server an outcome came from, for the delivery log ({@code relay=}) and Remote-MTA. */
public sealed interface RelayInfo {

    String logValue();

    /** The host name for Remote-MTA; empty when no server was involved. */
    String remoteMta();

    /** No connection was made (DNS failure, dead destination, expiry). */
    record None() implements RelayInfo {
        @Override
        public String logValue() {
            return "none";
        }

        @Override
        public String remoteMta() {
            return "";
        }
    }

    /**
     * A host that was not connected to: the policy skipped it (DANE-05, DANE-16), so there is no address
     * to show ({@code relay=mx1.example.com}).
     */
    record Host(String host) implements RelayInfo {
        public Host {
            Objects.requireNonNull(host);
        }

        @Override
        public String logValue() {
            return host;
        }

        @Override
        public String remoteMta() {
            return host;
        }
    }

    record Server(String host, InetAddress address, int port) implements RelayInfo {
        public Server {
            Objects.requireNonNull(host);
            Objects.requireNonNull(address);
        }

        @Override
        public String logValue() {
            return host + "[" + address.getHostAddress() + "]:" + port;
        }

        @Override
        public String remoteMta() {
            return host;
        }
    }

    static RelayInfo none() {
        return new None();
    }
}
