package dev.rampart.server.config;

import java.net.InetSocketAddress;
import java.util.Objects;

/** A "host:port" or "[v6]:port" value from the configuration. */
public record HostPort(String host, int port) {
    public HostPort {
        Objects.requireNonNull(host);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** Parses "host:port", "[::1]:port". Throws IllegalArgumentException with a readable message. */
    public static HostPort parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("expected host:port, got an empty value");
        }
        String t = text.trim();
        String host;
        String port;
        if (t.startsWith("[")) {
            int end = t.indexOf(']');
            if (end < 0 || end + 1 >= t.length() || t.charAt(end + 1) != ':') {
                throw new IllegalArgumentException("expected [ipv6]:port, got '" + text + "'");
            }
            host = t.substring(1, end);
            port = t.substring(end + 2);
        } else {
            int colon = t.lastIndexOf(':');
            if (colon <= 0 || t.indexOf(':') != colon) {
                throw new IllegalArgumentException("expected host:port, got '" + text + "'");
            }
            host = t.substring(0, colon);
            port = t.substring(colon + 1);
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port is not a number in '" + text + "'");
        }
        if (p < 1 || p > 65535) {
            throw new IllegalArgumentException("port out of range (1-65535) in '" + text + "'");
        }
        return new HostPort(host, p);
    }

    public InetSocketAddress toSocketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
