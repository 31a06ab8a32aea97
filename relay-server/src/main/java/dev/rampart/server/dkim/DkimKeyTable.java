package dev.rampart.server.dkim;

import dev.rampart.policy.dns.DomainNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The DKIM keys for relayed mail ({@code dkim.keys}), in the spirit of OpenDKIM's KeyTable: one
 * {@code <domain> <selector> <key-file>} a line, {@code #} comments, key files relative to the table's
 * directory. A message whose {@code From:} domain is listed is signed with that key. Errors name the
 * file and line, never key material. Immutable and thread-safe.
 */
public final class DkimKeyTable {
    public static final DkimKeyTable EMPTY = new DkimKeyTable(Map.of());

    private final Map<String, DkimSigner> byDomain;

    private DkimKeyTable(Map<String, DkimSigner> byDomain) {
        this.byDomain = Map.copyOf(byDomain);
    }

    /**
     * @throws IOException              the table or a key cannot be read
     * @throws IllegalArgumentException a malformed line, with file and line number
     */
    public static DkimKeyTable load(Path table) throws IOException {
        List<String> lines = Files.readAllLines(table, StandardCharsets.UTF_8);
        Path base = table.toAbsolutePath().getParent();
        Map<String, DkimSigner> keys = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String where = table.getFileName() + " line " + (i + 1) + ": ";
            String text = lines.get(i);
            int hash = text.indexOf('#');
            String content = (hash >= 0 ? text.substring(0, hash) : text).strip();
            if (content.isEmpty()) {
                continue;
            }
            String[] f = content.split("\\s+");
            if (f.length != 3) {
                throw new IllegalArgumentException(where + "expected '<domain> <selector> <key-file>'");
            }
            String domain = DomainNames.normalize(f[0])
                    .orElseThrow(() -> new IllegalArgumentException(where + "'" + f[0] + "' is not a domain"));
            if (keys.containsKey(domain)) {
                throw new IllegalArgumentException(where + domain + " is listed twice");
            }
            try {
                keys.put(domain, new DkimSigner(DkimKey.read(domain, f[1], base.resolve(f[2]))));
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException(where + e.getMessage(), e);
            }
        }
        return new DkimKeyTable(keys);
    }

    /** The signer for a From: domain (normalised), if the table has one. */
    public Optional<DkimSigner> signerFor(String domain) {
        return DomainNames.normalize(domain).map(byDomain::get);
    }

    public int size() {
        return byDomain.size();
    }
}
