package dev.rampart.server.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A receiving MX: a separate Postfix instance ({@code postfix -c DIR start-fg}, Debian package postfix) with
 * its own configuration, queue and data directories under a test directory, whose only network service is
 * smtpd on {@code <its loopback address>:25}. It delivers every recipient of its domains into a Maildir
 * per domain ({@code mail/<domain>/}, recipient in Delivered-To), logs to a file the test can read
 * ({@code maillog_file}), offers STARTTLS with a self-signed certificate, a given one (e.g. a chain from a
 * test CA, {@link Builder#certificate}), or not at all, and writes how TLS went into the Received header
 * ({@code smtpd_tls_received_header}). Addresses listed with {@link Builder#reject} get a 550 at RCPT.
 * Several instances run side by side at different addresses. Stopped by PID. Not thread-safe.
 */
final class PostfixReceiver implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final String hostname;
    private final InetAddress address;
    private final Path dir;
    private final ChildProcess process;
    private final Optional<X509Certificate> certificate;

    private PostfixReceiver(String hostname, InetAddress address, Path dir, ChildProcess process,
                            Optional<X509Certificate> certificate) {
        this.hostname = hostname;
        this.address = address;
        this.dir = dir;
        this.process = process;
        this.certificate = certificate;
    }

    static Builder builder(String hostname) {
        return new Builder(hostname);
    }

    /** Configuration of one receiver. */
    static final class Builder {
        private final String hostname;
        private final List<String> domains = new ArrayList<>();
        private final Map<String, String> rejections = new LinkedHashMap<>();
        private boolean starttls = true;
        private InetAddress address;
        private TestCertificates.PemFiles certificate;

        private Builder(String hostname) {
            this.hostname = hostname;
        }

        /** Domains whose every recipient is delivered to a Maildir here. */
        Builder domains(String... names) {
            domains.addAll(List.of(names));
            return this;
        }

        Builder starttls(boolean on) {
            this.starttls = on;
            return this;
        }

        /**
         * Serve this certificate (and the chain in its PEM) for STARTTLS instead of a fresh self-signed one,
         * e.g. one issued by a test CA ({@link TestCertificates#issued}).
         */
        Builder certificate(TestCertificates.PemFiles pem) {
            this.certificate = pem;
            return this;
        }

        /** RCPT TO this address gets "550 5.1.1 {@code text}". */
        Builder reject(String recipient, String text) {
            rejections.put(recipient, text);
            return this;
        }

        /** Listen here instead of on a fresh free address (e.g. to bring up a host the DNS already names). */
        Builder address(InetAddress fixed) {
            this.address = fixed;
            return this;
        }

        PostfixReceiver start(Path dir) throws IOException, InterruptedException {
            return PostfixReceiver.start(this, dir);
        }
    }

    private static PostfixReceiver start(Builder b, Path dir) throws IOException, InterruptedException {
        HostTools.requireRoot();
        Path postfix = HostTools.require("postfix", "postfix");
        if (b.certificate != null && !b.starttls) {
            throw new IllegalArgumentException(b.hostname + ": a certificate needs STARTTLS on");
        }
        if (b.domains.isEmpty()) {
            throw new IllegalArgumentException("a receiver needs at least one domain");
        }
        InetAddress address = b.address != null ? b.address : HostTools.freeLoopback(25, false);
        Path conf = dir.resolve("conf");
        Path queue = dir.resolve("queue");
        Path data = dir.resolve("data");
        Path mail = dir.resolve("mail");
        for (Path p : List.of(conf, queue, data, mail)) {
            Files.createDirectories(p);
        }
        var lookup = dir.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal postfixUser = lookup.lookupPrincipalByName("postfix");
        GroupPrincipal postfixGroup = lookup.lookupPrincipalByGroupName("postfix");
        for (Path p : List.of(data, mail)) {
            PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
            view.setOwner(postfixUser);
            view.setGroup(postfixGroup);
        }
        int uid = (Integer) Files.getAttribute(mail, "unix:uid");
        int gid = (Integer) Files.getAttribute(mail, "unix:gid");
        openPathFor(dir);

        StringBuilder main = new StringBuilder();
        main.append("compatibility_level = 3.6\n")
                .append("queue_directory = ").append(queue).append('\n')
                .append("data_directory = ").append(data).append('\n')
                .append("myhostname = ").append(b.hostname).append('\n')
                .append("mydomain = ").append(b.domains.get(0)).append('\n')
                .append("myorigin = $myhostname\n")
                .append("mydestination =\n")
                // Postfix only accepts configured interface addresses here; 127.0.0.1 is on lo. The real
                // listener is the explicit address in master.cf (any 127/8 address binds on Linux).
                .append("inet_interfaces = 127.0.0.1\n")
                .append("inet_protocols = ipv4\n")
                .append("mynetworks = 127.0.0.0/8\n")
                .append("alias_maps =\nalias_database =\nlocal_recipient_maps =\nbiff = no\n")
                .append("smtpd_peername_lookup = no\n")
                .append("smtpd_banner = $myhostname ESMTP test receiver\n")
                .append("maillog_file_prefixes = ").append(dir).append('\n')
                .append("maillog_file = ").append(dir.resolve("maillog")).append('\n')
                .append("virtual_mailbox_domains = ").append(String.join(", ", b.domains)).append('\n')
                .append("virtual_mailbox_base = ").append(mail).append('\n')
                .append("virtual_mailbox_maps = texthash:").append(conf.resolve("mailboxes")).append('\n')
                .append("virtual_minimum_uid = 1\n")
                .append("virtual_uid_maps = static:").append(uid).append('\n')
                .append("virtual_gid_maps = static:").append(gid).append('\n')
                // A test receiver never sends mail anywhere.
                .append("default_transport = error:test receiver sends no mail\n")
                .append("relay_transport = error:test receiver sends no mail\n")
                .append("smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination\n")
                .append("smtpd_recipient_restrictions = check_recipient_access regexp:").append(conf.resolve("reject"))
                .append(", permit_mynetworks, reject_unauth_destination\n")
                .append("smtpd_tls_received_header = yes\n")
                .append("smtpd_tls_loglevel = 1\n");
        Optional<X509Certificate> certificate = Optional.empty();
        if (b.starttls) {
            TestCertificates.PemFiles pem = b.certificate != null ? b.certificate : TestCertificates.selfSigned(b.hostname, conf);
            certificate = Optional.of(pem.certificate());
            main.append("smtpd_tls_security_level = may\n")
                    .append("smtpd_tls_cert_file = ").append(pem.cert()).append('\n')
                    .append("smtpd_tls_key_file = ").append(pem.key()).append('\n');
        } else {
            main.append("smtpd_tls_security_level = none\n");
        }
        Files.writeString(conf.resolve("main.cf"), main.toString(), StandardCharsets.US_ASCII);
        Files.writeString(conf.resolve("master.cf"), masterCf(address), StandardCharsets.US_ASCII);
        // One Maildir per domain (virtual(8) forbids regexp substitution); each file names its recipient in
        // the Delivered-To header that virtual(8) adds.
        StringBuilder mailboxes = new StringBuilder();
        for (String domain : b.domains) {
            mailboxes.append('@').append(domain).append(' ').append(domain).append("/\n");
        }
        Files.writeString(conf.resolve("mailboxes"), mailboxes.toString(), StandardCharsets.US_ASCII);
        StringBuilder reject = new StringBuilder();
        for (Map.Entry<String, String> e : b.rejections.entrySet()) {
            reject.append("/^").append(e.getKey().replaceAll("([.+?*\\[\\](){}|^$\\\\])", "\\\\$1"))
                    .append("$/ 550 5.1.1 ").append(e.getValue()).append('\n');
        }
        Files.writeString(conf.resolve("reject"), reject.toString(), StandardCharsets.US_ASCII);

        // "postfix check" creates the queue directories with Postfix's ownership and modes.
        Process check = new ProcessBuilder(postfix.toString(), "-c", conf.toString(), "check").redirectErrorStream(true)
                .start();
        String checkOutput = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (check.waitFor() != 0) {
            throw new IllegalStateException("postfix check failed for " + b.hostname + ": " + checkOutput
                    + ChildProcess.lastLines(dir.resolve("maillog"), 20));
        }
        ChildProcess process = ChildProcess.start("postfix-" + b.hostname,
                List.of(postfix.toString(), "-c", conf.toString(), "start-fg"), dir, dir, Map.of());
        PostfixReceiver receiver = new PostfixReceiver(b.hostname, address, dir, process, certificate);
        try {
            receiver.awaitGreeting();
        } catch (RuntimeException | Error e) {
            receiver.close();
            throw e;
        }
        return receiver;
    }

    /** Only the services this receiver needs; no chroot, so paths under the test directory work. */
    private static String masterCf(InetAddress address) {
        return address.getHostAddress() + ":25 inet n - n - - smtpd\n"
                + "pickup    unix  n - n 60 1 pickup\n"
                + "cleanup   unix  n - n - 0 cleanup\n"
                + "qmgr      unix  n - n 300 1 qmgr\n"
                + "tlsmgr    unix  - - n 1000? 1 tlsmgr\n"
                + "rewrite   unix  - - n - - trivial-rewrite\n"
                + "bounce    unix  - - n - 0 bounce\n"
                + "defer     unix  - - n - 0 bounce\n"
                + "trace     unix  - - n - 0 bounce\n"
                + "verify    unix  - - n - 1 verify\n"
                + "flush     unix  n - n 1000? 0 flush\n"
                + "proxymap  unix  - - n - - proxymap\n"
                + "showq     unix  n - n - - showq\n"
                + "error     unix  - - n - - error\n"
                + "retry     unix  - - n - - error\n"
                + "discard   unix  - - n - - discard\n"
                + "virtual   unix  - n n - - virtual\n"
                + "anvil     unix  - - n - 1 anvil\n"
                + "scache    unix  - - n - 1 scache\n"
                + "postlog   unix-dgram n - n - 1 postlogd\n";
    }

    /** The virtual delivery agent runs as the postfix user and must reach the Maildir base. */
    private static void openPathFor(Path dir) throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
        for (Path p = dir.toAbsolutePath(); p != null && p.startsWith(tmp) && !p.equals(tmp); p = p.getParent()) {
            Set<PosixFilePermission> perms = EnumSet.copyOf(Files.getPosixFilePermissions(p));
            perms.add(PosixFilePermission.OTHERS_EXECUTE);
            perms.add(PosixFilePermission.GROUP_EXECUTE);
            Files.setPosixFilePermissions(p, perms);
        }
    }

    private void awaitGreeting() throws InterruptedException {
        Await.untilTrue("postfix " + hostname + " to greet on " + address.getHostAddress() + ":25", START_TIMEOUT, () -> {
            if (!process.isAlive()) {
                throw new Await.Abort("postfix " + hostname + " exited during start\n" + diagnostics());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(address, 25), 1000);
                s.setSoTimeout(5000);
                InputStream in = s.getInputStream();
                byte[] greeting = new byte[3];
                int n = in.readNBytes(greeting, 0, 3);
                s.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                return n == 3 && new String(greeting, StandardCharsets.US_ASCII).equals("220");
            }
        }, this::diagnostics);
    }

    String hostname() {
        return hostname;
    }

    InetAddress address() {
        return address;
    }

    /** The STARTTLS certificate, when STARTTLS is on (e.g. to publish a TLSA record for it). */
    Optional<X509Certificate> certificate() {
        return certificate;
    }

    /**
     * TLSA RDATA "3 1 1 <hex>" (DANE-EE, SPKI, SHA-256; RFC 7671 §5.1) for this receiver's certificate, for
     * {@code TestZones.add("_25._tcp." + hostname, "TLSA", ...)}.
     */
    String tlsaDaneEe() throws java.security.NoSuchAlgorithmException {
        X509Certificate cert = certificate.orElseThrow(() -> new IllegalStateException(hostname + " has no STARTTLS"));
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(cert.getPublicKey().getEncoded());
        return "3 1 1 " + java.util.HexFormat.of().formatHex(digest);
    }

    /** Every message delivered so far, oldest first (by file modification time, then name). */
    List<MaildirMessage> messages() throws IOException {
        Path base = dir.resolve("mail");
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        List<MaildirMessage> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(base)) {
            List<Path> delivered = files.filter(Files::isRegularFile)
                    .filter(p -> p.getParent() != null && (p.getParent().endsWith("new") || p.getParent().endsWith("cur")))
                    .sorted(Comparator.comparing((Path p) -> p.toFile().lastModified()).thenComparing(Path::toString))
                    .toList();
            for (Path p : delivered) {
                out.add(MaildirMessage.read(p));
            }
        }
        return out;
    }

    List<MaildirMessage> messagesFor(String recipient) throws IOException {
        return messages().stream().filter(m -> m.mailbox().equalsIgnoreCase(recipient)).toList();
    }

    /** Waits until at least {@code n} messages have been delivered; returns all delivered so far. */
    List<MaildirMessage> awaitMessages(int n, Duration timeout) throws InterruptedException {
        return Await.until(n + " message(s) in the Maildirs of " + hostname, timeout, () -> {
            List<MaildirMessage> m = messages();
            return m.size() >= n ? Optional.of(m) : Optional.empty();
        }, this::diagnostics);
    }

    /** Waits for a message to {@code recipient} whose text satisfies {@code match}. */
    MaildirMessage awaitMessage(String recipient, java.util.function.Predicate<MaildirMessage> match, Duration timeout)
            throws InterruptedException {
        return Await.until("a matching message for " + recipient + " at " + hostname, timeout,
                () -> messagesFor(recipient).stream().filter(match).findFirst(), this::diagnostics);
    }

    List<String> maillog() throws IOException {
        Path log = dir.resolve("maillog");
        return Files.exists(log) ? new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList() : List.of();
    }

    String diagnostics() {
        return process.tail(20) + "--- maillog of " + hostname + ":\n" + ChildProcess.lastLines(dir.resolve("maillog"), 40);
    }

    /** SIGTERM to the Postfix master (our child's child), which stops its daemons; then the wrapper exits. */
    @Override
    public void close() throws InterruptedException {
        Optional<ProcessHandle> master = process.handle().descendants()
                .filter(h -> h.info().command().map(c -> c.endsWith("/master")).orElse(false)).findFirst();
        process.stop(master.orElse(process.handle()));
    }
}
