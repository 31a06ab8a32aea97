package dev.rampart.queue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** Shared test fixtures: a settable clock, message parameters, and commit/read helpers. */
final class TestSpool {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123456Z");

    private TestSpool() {}

    /** A clock the test moves by hand. */
    static final class ManualClock implements InstantSource {
        private final AtomicReference<Instant> now;

        ManualClock(Instant start) {
            now = new AtomicReference<>(start);
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        void advance(Duration d) {
            now.updateAndGet(t -> t.plus(d));
        }

        void set(Instant t) {
            now.set(t);
        }
    }

    static MessageParams params(String sender) {
        return new MessageParams(sender, BodyType.EIGHT_BIT_MIME, false, "", Ret.UNSPECIFIED, TlsTag.DEFAULT,
                "client.example [127.0.0.1]", "");
    }

    static List<RecipientSpec> rcpts(String... addresses) {
        return java.util.Arrays.stream(addresses).map(RecipientSpec::of).toList();
    }

    static byte[] body(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Creates, writes and commits a message, waiting for the commit to be durable. */
    static QueueId commit(MessageQueue q, MessageParams params, List<RecipientSpec> rcpts, byte[] body)
            throws Exception {
        IncomingMessage m = q.create(params, rcpts);
        try (OutputStream out = m.body()) {
            out.write(body);
        }
        return m.commit().get(30, TimeUnit.SECONDS);
    }

    static QueueId commit(MessageQueue q, String sender, String body, String... rcpts) throws Exception {
        return commit(q, params(sender), rcpts(rcpts), body(body));
    }

    static byte[] readBody(MessageQueue q, QueueId id) throws IOException {
        QueuedMessage m = q.open(id).orElseThrow();
        try (InputStream in = m.openBody()) {
            return in.readAllBytes();
        }
    }

    static DiskQueue openRecovered(Path dir, InstantSource clock) throws IOException {
        DiskQueue q = DiskQueue.open(dir, clock);
        q.recover();
        return q;
    }

    static Set<Notify> notify(Notify... n) {
        return Set.of(n);
    }
}
