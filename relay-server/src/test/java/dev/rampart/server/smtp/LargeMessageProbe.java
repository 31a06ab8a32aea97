package dev.rampart.server.smtp;

import java.nio.charset.StandardCharsets;

/**
 * Run in a child JVM with a small heap by {@link SmallHeapTest}: starts a listener with the fake queue,
 * submits a 50 MB message over loopback and exits 0 only if it was queued whole. If the listener held the
 * message in memory, this JVM would die with OutOfMemoryError instead.
 */
public final class LargeMessageProbe {
    private LargeMessageProbe() {}

    public static void main(String[] args) throws Exception {
        long target = Long.parseLong(args[0]);
        try (TestServer server = new TestServer(TestServer.with(b -> b.maxSize(target * 2)));
             SmtpTestClient c = server.client()) {
            c.cmd("EHLO client.example");
            c.cmd("MAIL FROM:<a@a.example> SIZE=" + target);
            c.cmd("RCPT TO:<r@b.example>");
            c.cmd("DATA");
            c.send("Subject: big\r\n\r\n");
            byte[] line = ("y".repeat(998) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] block = new byte[line.length * 64];
            for (int i = 0; i < 64; i++) {
                System.arraycopy(line, 0, block, i * line.length, line.length);
            }
            long sent = 16;
            while (sent < target) {
                c.send(block);
                sent += block.length;
            }
            c.send(".\r\n");
            String reply = c.reply();
            FakeMessageQueue.Stored m = server.queue.only();
            boolean ok = reply.startsWith("250 2.0.0 Ok: queued as") && m.size() > sent;
            System.out.println("reply=" + reply + " stored=" + m.size() + " sent=" + sent
                    + " maxHeap=" + Runtime.getRuntime().maxMemory());
            System.exit(ok ? 0 : 1);
        }
    }
}
