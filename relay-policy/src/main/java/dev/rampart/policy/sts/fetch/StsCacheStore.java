package dev.rampart.policy.sts.fetch;

import dev.rampart.policy.sts.StsCacheEntry;
import dev.rampart.policy.sts.StsPolicyParser;
import dev.rampart.policy.sts.StsPolicyResult;
import dev.rampart.policy.sts.StsRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * The on-disk half of the policy cache (STS-13: survives restarts): one file per policy domain,
 * {@code <domain>.policy}, replaced atomically (write a temporary file, force it, rename over, force the
 * directory) so that a crash leaves either the old entry or the new one, never a torn one.
 *
 * <p>Format, UTF-8: header lines {@code key value} ({@code rampart-sts-cache 1}, {@code domain},
 * {@code id}, {@code fetched}, {@code refresh}, {@code bytes}, {@code crc32}), an empty line, then the
 * policy text exactly as fetched. A file that does not read back as a valid entry (bad header, wrong
 * length or checksum, a policy that no longer parses) is corrupt: it is renamed to
 * {@code <domain>.policy.corrupt} for the operator and reported as {@link Read.Corrupt}, and the domain
 * behaves as if nothing were cached. Thread-safe per domain when callers serialise writes to one domain.
 */
final class StsCacheStore {
    static final String SUFFIX = ".policy";
    private static final String MAGIC = "rampart-sts-cache 1";

    private final Path directory;

    StsCacheStore(Path directory) throws IOException {
        this.directory = directory;
        Files.createDirectories(directory);
    }

    sealed interface Read {
        record Missing() implements Read {}

        record Found(StsCacheEntry entry) implements Read {}

        /** {@code movedTo} is where the bad file was put aside. */
        record Corrupt(String reason, Path movedTo) implements Read {}
    }

    /** @param domain a normalised domain name (safe as a file name: letters, digits, '-', '.') */
    Read read(String domain) throws IOException {
        Path file = fileOf(domain);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new Read.Missing();
        }
        try {
            return new Read.Found(decode(domain, bytes));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            Path aside = directory.resolve(domain + SUFFIX + ".corrupt");
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new Read.Corrupt(String.valueOf(e.getMessage()), aside);
        }
    }

    void write(StsCacheEntry entry) throws IOException {
        byte[] body = entry.policyText().getBytes(StandardCharsets.UTF_8);
        CRC32 crc = new CRC32();
        crc.update(body);
        String head = MAGIC + "\n"
                + "domain " + entry.domain() + "\n"
                + "id " + entry.id() + "\n"
                + "fetched " + entry.fetchedAt() + "\n"
                + "refresh " + entry.refreshAt() + "\n"
                + "bytes " + body.length + "\n"
                + "crc32 " + Long.toHexString(crc.getValue()) + "\n\n";
        Path tmp = directory.resolve("." + entry.domain() + ".tmp-" + UUID.randomUUID());
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.allocate(head.length() + body.length);
            buf.put(head.getBytes(StandardCharsets.US_ASCII)).put(body).flip();
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, fileOf(entry.domain()), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory();
    }

    boolean delete(String domain) throws IOException {
        boolean deleted = Files.deleteIfExists(fileOf(domain));
        if (deleted) {
            forceDirectory();
        }
        return deleted;
    }

    /** Domains with a cache file, in no particular order. */
    List<String> domains() throws IOException {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (!name.startsWith(".")) {
                    out.add(name.substring(0, name.length() - SUFFIX.length()));
                }
            }
        }
        return out;
    }

    private Path fileOf(String domain) {
        if (domain.isEmpty() || domain.startsWith(".") || !domain.chars().allMatch(c ->
                (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) {
            throw new IllegalArgumentException("not a normalised domain: " + domain);
        }
        return directory.resolve(domain + SUFFIX);
    }

    private void forceDirectory() throws IOException {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    private static StsCacheEntry decode(String domain, byte[] bytes) {
        int split = indexOf(bytes, "\n\n".getBytes(StandardCharsets.US_ASCII));
        if (split < 0) {
            throw new IllegalArgumentException("no end of header");
        }
        String[] lines = new String(bytes, 0, split, StandardCharsets.US_ASCII).split("\n");
        if (!lines[0].equals(MAGIC)) {
            throw new IllegalArgumentException("not a cache file of this format");
        }
        Map<String, String> h = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int sp = lines[i].indexOf(' ');
            if (sp <= 0 || h.putIfAbsent(lines[i].substring(0, sp), lines[i].substring(sp + 1)) != null) {
                throw new IllegalArgumentException("bad header line " + (i + 1));
            }
        }
        byte[] body = Arrays.copyOfRange(bytes, split + 2, bytes.length);
        if (!String.valueOf(body.length).equals(h.get("bytes"))) {
            throw new IllegalArgumentException("policy length " + body.length + " does not match the header");
        }
        CRC32 crc = new CRC32();
        crc.update(body);
        if (!Long.toHexString(crc.getValue()).equals(h.get("crc32"))) {
            throw new IllegalArgumentException("checksum mismatch");
        }
        if (!domain.equals(h.get("domain"))) {
            throw new IllegalArgumentException("file names domain " + h.get("domain"));
        }
        String id = h.getOrDefault("id", "");
        if (!StsRecord.isValidId(id)) {
            throw new IllegalArgumentException("bad id");
        }
        String text = new String(body, StandardCharsets.UTF_8);
        return switch (StsPolicyParser.parse(text)) {
            case StsPolicyResult.Valid v -> new StsCacheEntry(domain, id, v.policy(), text,
                    Instant.parse(require(h, "fetched")), Instant.parse(require(h, "refresh")));
            case StsPolicyResult.Invalid i -> throw new IllegalArgumentException("cached policy invalid: " + i.reason());
        };
    }

    private static String require(Map<String, String> h, String key) {
        String v = h.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing " + key);
        }
        return v;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
