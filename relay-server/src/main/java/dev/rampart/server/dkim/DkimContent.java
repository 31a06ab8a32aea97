package dev.rampart.server.dkim;

import dev.rampart.policy.dns.DomainNames;
import dev.rampart.queue.QueuedMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The content a delivery sends: the queued message, with a DKIM signature in front when its
 * {@code From:} domain has a key in {@code dkim.keys} (signing relayed mail, like an OpenDKIM milter but
 * at delivery time, so a key change applies to mail already queued). The body is read twice (once to
 * hash, once to send), never held in memory. A message that cannot be signed (no From, a header section
 * over {@link DkimSigner#MAX_HEADER}) goes out unsigned with a log line; signing never fails a delivery.
 * Thread-safe.
 */
public final class DkimContent {
    private static final Logger log = LoggerFactory.getLogger(DkimContent.class);

    private final DkimKeyTable table;
    private final InstantSource clock;

    public DkimContent(DkimKeyTable table, InstantSource clock) {
        this.table = Objects.requireNonNull(table);
        this.clock = Objects.requireNonNull(clock);
    }

    /** Opens the content to send for {@code message}. */
    public InputStream open(QueuedMessage message) throws IOException {
        if (table.size() == 0) {
            return message.openBody();
        }
        Optional<DkimSigner> signer;
        try (InputStream in = message.openBody()) {
            List<String> fields = headerFields(in);
            signer = fromDomain(fields).flatMap(table::signerFor)
                    .filter(sig -> !signedBy(fields, sig.key().domain()));
        }
        if (signer.isEmpty()) {
            return message.openBody();
        }
        String signature;
        try (InputStream in = message.openBody()) {
            signature = signer.get().sign(in, clock.instant());
        } catch (IllegalArgumentException e) {
            log.warn("queue_id={} not DKIM-signed: {}", message.envelope().id(), e.getMessage());
            return message.openBody();
        }
        return new SequenceInputStream(new ByteArrayInputStream(signature.getBytes(StandardCharsets.US_ASCII)),
                message.openBody());
    }

    /** The domain of the first address of the (single) From field, read from the header section. */
    static Optional<String> fromDomain(InputStream message) throws IOException {
        return fromDomain(headerFields(message));
    }

    private static List<String> headerFields(InputStream message) throws IOException {
        byte[] head = message.readNBytes(DkimSigner.MAX_HEADER);
        String text = new String(head, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        return DkimSigner.headerFields(end >= 0 ? text.substring(0, end) : text);
    }

    /**
     * Whether the message already carries a signature of {@code domain} (our TLS-RPT mail is signed when it
     * is written): one signature per domain is enough.
     */
    static boolean signedBy(List<String> fields, String domain) {
        return fields.stream().filter(f -> f.regionMatches(true, 0, "dkim-signature:", 0, 15))
                .map(f -> f.replaceAll("\\s+", ""))
                .anyMatch(f -> f.toLowerCase(Locale.ROOT).matches("(?s).*[:;]d=" + java.util.regex.Pattern.quote(domain) + "(;.*|$)"));
    }

    private static Optional<String> fromDomain(List<String> fields) {
        List<String> from = fields.stream().filter(f -> f.toLowerCase(Locale.ROOT).matches("(?s)from[ \\t]*:.*")).toList();
        if (from.size() != 1) {
            return Optional.empty();
        }
        String value = from.getFirst().substring(from.getFirst().indexOf(':') + 1).replace("\r\n", " ");
        value = value.replaceAll("\\([^()]*\\)", " ").replaceAll("\"[^\"]*\"", "\"\"");
        int lt = value.indexOf('<');
        String address = lt >= 0 && value.indexOf('>', lt) > lt ? value.substring(lt + 1, value.indexOf('>', lt))
                : value.split(",")[0];
        int at = address.lastIndexOf('@');
        if (at < 0) {
            return Optional.empty();
        }
        return DomainNames.normalize(address.substring(at + 1).strip());
    }
}
