package dev.rampart.server.e2e;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Preconditions and loopback resources for the end-to-end world: the Debian tools it runs (with the package
 * that provides each, so a missing one fails with an actionable message), root privileges, and free
 * loopback addresses. Every address handed out is inside 127.0.0.0/8, which Linux routes to {@code lo}
 * without configuration; nothing here ever touches another network. Thread-safe.
 */
final class HostTools {

    private static final Set<String> HANDED_OUT = new HashSet<>();

    private HostTools() {}

    /** Fails with the Debian package to install when {@code tool} is not on the usual paths. */
    static Path require(String tool, String debianPackage) {
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new IllegalStateException("end-to-end tests need '" + tool + "' from the Debian package '" + debianPackage
                + "': run .ci/install-test-deps as root (or apt-get install " + debianPackage + ")");
    }

    /** Postfix's master and port 25/53 listeners need root; say so instead of failing obscurely later. */
    static void requireRoot() {
        String user = System.getProperty("user.name");
        if (!"root".equals(user)) {
            throw new IllegalStateException("end-to-end tests run Postfix and NSD on loopback port 25/53 and must run"
                    + " as root (running as '" + user + "'); CI runs them as root after .ci/install-test-deps");
        }
    }

    /**
     * A loopback address, not handed out before in this JVM, where {@code port} is free for TCP (and for UDP
     * when {@code udpToo}). The search starts at a random third octet so parallel runs rarely collide.
     */
    static synchronized InetAddress freeLoopback(int port, boolean udpToo) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int tries = 0; tries < 500; tries++) {
            int b = 100 + random.nextInt(150);
            int c = 1 + random.nextInt(250);
            int d = 1 + random.nextInt(250);
            String text = "127." + b + "." + c + "." + d;
            if (HANDED_OUT.contains(text)) {
                continue;
            }
            InetAddress address = loopback(text);
            if (tcpFree(address, port) && (!udpToo || udpFree(address, port))) {
                HANDED_OUT.add(text);
                return address;
            }
        }
        throw new IllegalStateException("no free loopback address for port " + port + " in 127.100-249.x.y: is a"
                + " system server bound to that port on every address (e.g. a started nsd/bind9 for 53, postfix/exim"
                + " for 25)? The tests need it bound to specific addresses or stopped");
    }

    /** A free TCP port on 127.0.0.1 chosen by the kernel. */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, loopback("127.0.0.1"))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port on 127.0.0.1", e);
        }
    }

    static InetAddress loopback(String text) {
        try {
            InetAddress a = InetAddress.getByName(text);
            if (!a.isLoopbackAddress()) {
                throw new IllegalArgumentException("not a loopback address: " + text);
            }
            return a;
        } catch (IOException e) {
            throw new IllegalArgumentException("not an address: " + text, e);
        }
    }

    private static boolean tcpFree(InetAddress address, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(address, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean udpFree(InetAddress address, int port) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(address, port))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
