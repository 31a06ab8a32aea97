package dev.rampart.server.delivery;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A scriptable SMTP server on 127.0.0.1 built on plain sockets, one virtual thread per connection.
 * It records every command line (and whether it came under TLS) and the raw DATA content. The
 * {@link #reply} hook overrides replies: return {@code null} for the default, {@link #HANG} to never
 * answer, {@link #DROP} to close the connection.
 */
final class FakeSmtpServer implements AutoCloseable {
    static final String HANG = "<hang>";
    static final String DROP = "<drop>";

    record Command(int connection, String line, boolean tls, boolean moreBuffered) {}

    final List<Command> commands = new CopyOnWriteArrayList<>();
    final List<byte[]> messages = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();
    final List<String> tlsProtocols = new CopyOnWriteArrayList<>();
    final List<String> sniNames = new CopyOnWriteArrayList<>();

    volatile String greeting = "220 fake.example ESMTP";
    volatile List<String> extensions = List.of("PIPELINING", "8BITMIME", "SIZE 10000000", "DSN", "ENHANCEDSTATUSCODES");
    volatile SSLContext tls;
    /** (connection number, command line) -> reply override. */
    volatile BiFunction<Integer, String, String> reply = (c, l) -> null;
    /** Sent after the 220 to STARTTLS instead of a handshake, then the connection closes; null = handshake. */
    volatile String afterStartTls;
    /** Drop the connection after this many DATA content lines (-1 = never). */
    volatile int dropAfterDataLines = -1;

    private final Semaphore finished = new Semaphore(0);
    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);

    FakeSmtpServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    List<String> lines() {
        return commands.stream().map(Command::line).toList();
    }

    List<String> verbs() {
        return commands.stream().map(c -> verb(c.line())).toList();
    }

    /** Waits until {@code n} connections have ended (the client closed or the script dropped them). */
    void awaitConnectionsEnded(int n) throws InterruptedException {
        if (!finished.tryAcquire(n, 10, TimeUnit.SECONDS)) {
            throw new AssertionError("connections still open");
        }
        finished.release(n);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                int n = connections.incrementAndGet();
                Thread.ofVirtual().start(() -> serve(s, n));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket plain, int conn) {
        Socket socket = plain;
        boolean underTls = false;
        try {
            LineInput in = new LineInput(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            if (!send(out, greeting)) {
                return;
            }
            while (true) {
                String line = in.readLine();
                if (line == null) {
                    return;
                }
                commands.add(new Command(conn, line, underTls, in.buffered() > 0));
                String verb = verb(line);
                String override = reply.apply(conn, line);
                if (override != null) {
                    if (!send(out, override)) {
                        return;
                    }
                    if (verb.equals("DATA") && override.startsWith("354")) {
                        if (!receiveData(in, out, conn)) {
                            return;
                        }
                    }
                    if (verb.equals("QUIT")) {
                        return;
                    }
                    continue;
                }
                switch (verb) {
                    case "EHLO" -> {
                        List<String> ext = new ArrayList<>(extensions);
                        if (tls != null && !underTls) {
                            ext.add("STARTTLS");
                        }
                        StringBuilder sb = new StringBuilder("250");
                        sb.append(ext.isEmpty() ? " " : "-").append("fake.example greets you");
                        for (int i = 0; i < ext.size(); i++) {
                            sb.append("\r\n250").append(i == ext.size() - 1 ? " " : "-").append(ext.get(i));
                        }
                        send(out, sb.toString());
                    }
                    case "HELO" -> send(out, "250 fake.example");
                    case "STARTTLS" -> {
                        send(out, "220 2.0.0 ready");
                        if (afterStartTls != null) {
                            if (afterStartTls.equals(DROP)) {
                                return;
                            }
                            // garbage instead of a ServerHello; whatever the client sends next is not SMTP
                            send(out, afterStartTls);
                            return;
                        }
                        SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(socket, null, socket.getPort(), true);
                        ssl.setUseClientMode(false);
                        ssl.startHandshake();
                        tlsProtocols.add(ssl.getSession().getProtocol());
                        if (ssl.getSession() instanceof ExtendedSSLSession ext) {
                            ext.getRequestedServerNames().forEach(n -> sniNames.add(
                                    n instanceof SNIHostName h ? h.getAsciiName() : n.toString()));
                        }
                        socket = ssl;
                        underTls = true;
                        in = new LineInput(ssl.getInputStream());
                        out = ssl.getOutputStream();
                    }
                    case "MAIL", "RCPT" -> send(out, "250 2.1.0 ok");
                    case "RSET", "NOOP" -> send(out, "250 2.0.0 ok");
                    case "DATA" -> {
                        send(out, "354 go ahead");
                        if (!receiveData(in, out, conn)) {
                            return;
                        }
                    }
                    case "QUIT" -> {
                        send(out, "221 2.0.0 bye");
                        return;
                    }
                    default -> send(out, "500 5.5.1 unknown command");
                }
            }
        } catch (IOException e) {
            // the client went away or TLS failed: the test looks at what was recorded
        } finally {
            finished.release();
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private boolean receiveData(LineInput in, OutputStream out, int conn) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        int lines = 0;
        while (true) {
            byte[] line = in.readRawLine();
            if (line == null) {
                return false;
            }
            if (line.length == 3 && line[0] == '.' && line[1] == '\r' && line[2] == '\n') {
                break;
            }
            raw.write(line);
            lines++;
            if (dropAfterDataLines >= 0 && lines >= dropAfterDataLines) {
                return false;
            }
        }
        messages.add(raw.toByteArray());
        String override = reply.apply(conn, "<end-of-data>");
        if (HANG.equals(override)) {
            return waitForever();
        }
        if (DROP.equals(override)) {
            return false;
        }
        return send(out, override != null ? override : "250 2.0.0 Ok: queued as FAKE");
    }

    private boolean send(OutputStream out, String reply) throws IOException {
        if (HANG.equals(reply)) {
            return waitForever();
        }
        if (DROP.equals(reply)) {
            return false;
        }
        out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return true;
    }

    private boolean waitForever() {
        try {
            closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    static String verb(String line) {
        int sp = line.indexOf(' ');
        String v = (sp < 0 ? line : line.substring(0, sp)).toUpperCase(Locale.ROOT);
        return v.startsWith("MAIL") ? "MAIL" : v.startsWith("RCPT") ? "RCPT" : v;
    }

    /** Removes dot-stuffing from received DATA content (what a real server would store). */
    static String unstuffed(byte[] raw) {
        String text = new String(raw, StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder();
        for (String line : text.split("(?<=\r\n)")) {
            sb.append(line.startsWith(".") ? line.substring(1) : line);
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        closed.countDown();
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }

    /** Line reader over raw bytes, so DATA content is seen exactly as sent. */
    private static final class LineInput {
        private final InputStream in;
        private final byte[] buf = new byte[8192];
        private int pos;
        private int len;

        LineInput(InputStream in) {
            this.in = in;
        }

        int buffered() {
            return len - pos;
        }

        String readLine() throws IOException {
            byte[] raw = readRawLine();
            if (raw == null) {
                return null;
            }
            int end = raw.length;
            while (end > 0 && (raw[end - 1] == '\n' || raw[end - 1] == '\r')) {
                end--;
            }
            return new String(raw, 0, end, StandardCharsets.UTF_8);
        }

        byte[] readRawLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (true) {
                if (pos == len) {
                    len = in.read(buf);
                    pos = 0;
                    if (len <= 0) {
                        len = 0;
                        return null;
                    }
                }
                byte b = buf[pos++];
                line.write(b);
                if (b == '\n') {
                    return line.toByteArray();
                }
            }
        }
    }
}
