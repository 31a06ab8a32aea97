package dev.rampart.policy.sts.fetch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads one HTTP/1.1 response (RFC 9112) from a stream: status line, headers, and a body delimited by
 * chunked transfer coding, Content-Length, or connection close. Limits are enforced while reading, so a
 * hostile server cannot make it buffer more than {@code maxBody} body bytes or 64 KiB of headers. Not
 * thread-safe; one instance per response.
 */
final class HttpResponseReader {
    private static final int MAX_LINE = 8192;
    private static final int MAX_HEADER_BYTES = 65536;

    /** The body exceeded the configured cap. */
    static final class TooLargeException extends IOException {
        TooLargeException(String message) {
            super(message);
        }
    }

    /** The peer did not speak HTTP/1.x as expected. */
    static final class ProtocolException extends IOException {
        ProtocolException(String message) {
            super(message);
        }
    }

    record Head(int status, List<String[]> headers) {
        Optional<String> header(String name) {
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    return Optional.of(h[1]);
                }
            }
            return Optional.empty();
        }
    }

    private final InputStream in;
    private final int maxBody;
    private int headerBytes;

    HttpResponseReader(InputStream in, int maxBody) {
        this.in = in;
        this.maxBody = maxBody;
    }

    Head readHead() throws IOException {
        String status = readLine(true);
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || parts[1].length() != 3
                || !parts[1].chars().allMatch(Character::isDigit)) {
            throw new ProtocolException("bad HTTP status line");
        }
        List<String[]> headers = new ArrayList<>();
        while (true) {
            String line = readLine(true);
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new ProtocolException("bad HTTP header line");
            }
            headers.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
        }
        return new Head(Integer.parseInt(parts[1]), List.copyOf(headers));
    }

    byte[] readBody(Head head) throws IOException {
        Optional<String> te = head.header("Transfer-Encoding");
        if (te.isPresent()) {
            if (!te.get().toLowerCase(Locale.ROOT).equals("chunked")) {
                throw new ProtocolException("unsupported Transfer-Encoding " + te.get());
            }
            return readChunked();
        }
        Optional<String> cl = head.header("Content-Length");
        if (cl.isPresent()) {
            String v = cl.get();
            if (v.isEmpty() || v.length() > 18 || !v.chars().allMatch(Character::isDigit)) {
                throw new ProtocolException("bad Content-Length");
            }
            long length = Long.parseLong(v);
            if (length > maxBody) {
                throw new TooLargeException("Content-Length " + length + " exceeds the " + maxBody + "-byte limit");
            }
            return readExactly((int) length);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        readToEndCapped(out);
        return out.toByteArray();
    }

    private byte[] readChunked() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(false);
            int semi = sizeLine.indexOf(';');
            String hex = (semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim();
            if (hex.isEmpty() || hex.length() > 8 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                throw new ProtocolException("bad chunk size");
            }
            long size = Long.parseLong(hex, 16);
            if (size == 0) {
                while (!readLine(false).isEmpty()) {
                    // trailer fields carry nothing a policy fetch needs
                }
                return out.toByteArray();
            }
            if (out.size() + size > maxBody) {
                throw new TooLargeException("chunked body exceeds the " + maxBody + "-byte limit");
            }
            out.write(readExactly((int) size));
            if (!readLine(false).isEmpty()) {
                throw new ProtocolException("chunk not followed by CRLF");
            }
        }
    }

    private void readToEndCapped(ByteArrayOutputStream out) throws IOException {
        byte[] buf = new byte[8192];
        long total = 0;
        while (true) {
            int n = in.read(buf);
            if (n < 0) {
                return;
            }
            total += n;
            if (total > maxBody) {
                throw new TooLargeException("body exceeds the " + maxBody + "-byte limit");
            }
            out.write(buf, 0, n);
        }
    }

    private byte[] readExactly(int length) throws IOException {
        byte[] body = in.readNBytes(length);
        if (body.length != length) {
            throw new ProtocolException("connection closed after " + body.length + " of " + length + " body bytes");
        }
        return body;
    }

    /** One line without its LF (and CR); ISO-8859-1 so that no byte is lost or rejected here. */
    private String readLine(boolean countsAsHeader) throws IOException {
        StringBuilder b = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new ProtocolException("connection closed in the middle of the response head");
            }
            if (countsAsHeader && ++headerBytes > MAX_HEADER_BYTES) {
                throw new ProtocolException("response head longer than " + MAX_HEADER_BYTES + " bytes");
            }
            if (c == '\n') {
                int len = b.length();
                if (len > 0 && b.charAt(len - 1) == '\r') {
                    b.setLength(len - 1);
                }
                return b.toString();
            }
            if (b.length() >= MAX_LINE) {
                throw new ProtocolException("HTTP line longer than " + MAX_LINE + " bytes");
            }
            b.append((char) c);
        }
    }
}
