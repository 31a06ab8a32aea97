package dev.rampart.server.smtp;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A deliberately dumb SMTP client over a real loopback socket: it sends exactly the bytes a test gives it
 * and parses replies. Every read has a timeout, so a server that fails to answer fails the test instead
 * of hanging it.
 */
final class SmtpTestClient implements AutoCloseable {
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    SmtpTestClient(InetSocketAddress server) throws IOException {
        socket = new Socket();
        socket.connect(server, 5000);
        socket.setSoTimeout(15_000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Connects and reads the greeting. */
    static SmtpTestClient connect(InetSocketAddress server) throws IOException {
        SmtpTestClient c = new SmtpTestClient(server);
        String greeting = c.reply();
        if (!greeting.startsWith("220 ")) {
            throw new AssertionError("unexpected greeting: " + greeting);
        }
        return c;
    }

    void send(String raw) throws IOException {
        send(raw.getBytes(StandardCharsets.UTF_8));
    }

    void send(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
    }

    /** Sends one command line (CRLF added) and returns its reply. */
    String cmd(String line) throws IOException {
        send(line + "\r\n");
        return reply();
    }

    /** The next complete reply, lines joined with "\n". */
    String reply() throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = line();
            if (line == null) {
                throw new IOException("connection closed while reading a reply; got " + lines);
            }
            lines.add(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return String.join("\n", lines);
            }
        }
    }

    /** Reads {@code n} replies. */
    List<String> replies(int n) throws IOException {
        List<String> r = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            r.add(reply());
        }
        return r;
    }

    /** Reply code of the next reply. */
    int code() throws IOException {
        return Integer.parseInt(reply().substring(0, 3));
    }

    private String line() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int prev = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                return buf.size() == 0 ? null : buf.toString(StandardCharsets.UTF_8);
            }
            if (b == '\n' && prev == '\r') {
                byte[] bytes = buf.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            buf.write(b);
            prev = b;
        }
    }

    /** True when the server closed the connection (EOF) with nothing more to read. */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // connection reset counts as closed
        }
    }

    /** Reads and drops whatever comes (a TLS alert, say) until the server closes; false on timeout. */
    boolean drainUntilClosed() throws IOException {
        try {
            while (in.read() >= 0) {
                // discard
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** Upgrades the connection to TLS (after a 220 to STARTTLS). */
    void upgradeToTls(SSLContext context) throws IOException {
        SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(socket,
                socket.getInetAddress().getHostAddress(), socket.getPort(), true);
        ssl.setUseClientMode(true);
        ssl.startHandshake();
        socket = ssl;
        in = new BufferedInputStream(ssl.getInputStream());
        out = ssl.getOutputStream();
    }

    SSLSocket sslSocket() {
        return (SSLSocket) socket;
    }

    void setTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
