package dev.rampart.server.e2e;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal SMTP client for submitting test mail to the relay over a plain socket: one command at a time
 * (no pipelining), multi-line replies read whole, dot-stuffing on DATA, an optional local bind address
 * (to appear as a client from another loopback address). Every read has a timeout, so a silent server
 * fails the test instead of hanging it. One session per instance; not thread-safe.
 */
final class SmtpSubmitter implements AutoCloseable {

    /** A complete reply: its code and every line's text (without the code and separator). */
    record Reply(int code, List<String> lines) {
        boolean positive() {
            return code >= 200 && code < 400;
        }

        String text() {
            return code + " " + String.join(" / ", lines);
        }
    }

    /** What happened to one submitted message: the final reply and, when refused earlier, that reply. */
    record Outcome(Reply reply, List<Reply> rcptReplies) {
        boolean accepted() {
            return reply.code() == 250;
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Reply greeting;

    private SmtpSubmitter(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.greeting = read();
    }

    static SmtpSubmitter connect(InetSocketAddress server, Duration timeout) throws IOException {
        return connect(server, null, timeout);
    }

    /** Connects from {@code bindAddress} (a loopback address) when it is not null. */
    static SmtpSubmitter connect(InetSocketAddress server, InetAddress bindAddress, Duration timeout) throws IOException {
        Socket s = new Socket();
        try {
            if (bindAddress != null) {
                s.bind(new InetSocketAddress(bindAddress, 0));
            }
            s.connect(server, (int) timeout.toMillis());
            s.setSoTimeout((int) timeout.toMillis());
            return new SmtpSubmitter(s);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    Reply greeting() {
        return greeting;
    }

    Reply command(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return read();
    }

    Reply ehlo(String name) throws IOException {
        return command("EHLO " + name);
    }

    /**
     * One transaction: MAIL, each RCPT, DATA with {@code content} (CRLF line ends; dot-stuffed here).
     * Stops at the first refusal of MAIL, at no accepted RCPT, or at a refused DATA, and reports that reply.
     */
    Outcome send(String from, List<String> to, String content) throws IOException {
        Reply mail = command("MAIL FROM:<" + from + ">");
        if (!mail.positive()) {
            return new Outcome(mail, List.of());
        }
        List<Reply> rcpts = new ArrayList<>();
        boolean any = false;
        for (String r : to) {
            Reply reply = command("RCPT TO:<" + r + ">");
            rcpts.add(reply);
            any |= reply.positive();
        }
        if (!any) {
            command("RSET");
            return new Outcome(rcpts.get(rcpts.size() - 1), rcpts);
        }
        Reply data = command("DATA");
        if (data.code() != 354) {
            return new Outcome(data, rcpts);
        }
        out.write(dotStuff(content));
        out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return new Outcome(read(), rcpts);
    }

    Reply quit() throws IOException {
        return command("QUIT");
    }

    private static byte[] dotStuff(String content) {
        String c = content.endsWith("\r\n") ? content : content + "\r\n";
        StringBuilder sb = new StringBuilder(c.length() + 16);
        for (String line : c.split("\r\n", -1)) {
            sb.append(line.startsWith(".") ? "." + line : line).append("\r\n");
        }
        sb.setLength(sb.length() - 2); // split(-1) yields a trailing empty element after the final CRLF
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private Reply read() throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = readLine();
            if (line.length() < 3 || !line.substring(0, 3).chars().allMatch(Character::isDigit)) {
                throw new IOException("malformed SMTP reply line: '" + line + "'");
            }
            lines.add(line.length() > 4 ? line.substring(4) : "");
            if (line.length() == 3 || line.charAt(3) == ' ') {
                return new Reply(Integer.parseInt(line.substring(0, 3)), List.copyOf(lines));
            }
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int prev = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed by server" + (line.size() > 0 ? " mid-line: " + line : ""));
            }
            if (b == '\n' && prev == '\r') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            line.write(b);
            prev = b;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
