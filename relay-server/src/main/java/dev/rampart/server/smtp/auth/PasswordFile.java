package dev.rampart.server.smtp.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The SMTP AUTH users, loaded once from a file of {@code user:$pbkdf2-sha256$...} lines (blank lines and
 * lines starting with '#' are ignored). Immutable and thread-safe.
 *
 * <p>{@link #verify} costs the same whether or not the user exists: an unknown user is checked against a
 * dummy hash with the largest iteration count in the file, so response time does not reveal user names.
 * It is slow by design; never call it on an event loop. Loading fails with a message naming the line
 * number, never its content (which holds a hash).
 */
public final class PasswordFile {
    private final Map<String, PasswordHasher.Encoded> users;
    private final PasswordHasher.Encoded dummy;

    private PasswordFile(Map<String, PasswordHasher.Encoded> users) {
        this.users = Map.copyOf(users);
        int maxIterations = users.values().stream().mapToInt(PasswordHasher.Encoded::iterations).max()
                .orElse(PasswordHasher.DEFAULT_ITERATIONS);
        this.dummy = PasswordHasher.parse(new PasswordHasher(Math.max(1000, maxIterations))
                .hash("dummy-password".toCharArray())).orElseThrow();
    }

    public static PasswordFile load(Path file) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
    }

    static PasswordFile parse(List<String> lines, String source) {
        Map<String, PasswordHasher.Encoded> users = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            String user = colon < 0 ? "" : line.substring(0, colon);
            if (!PasswordHasher.validUserName(user)) {
                throw new IllegalArgumentException(source + ": line " + (i + 1) + ": expected user:$pbkdf2-sha256$...");
            }
            int lineNo = i + 1;
            PasswordHasher.Encoded encoded = PasswordHasher.parse(line.substring(colon + 1)).orElseThrow(() ->
                    new IllegalArgumentException(source + ": line " + lineNo + ": not a $pbkdf2-sha256$ hash"));
            if (users.put(user, encoded) != null) {
                throw new IllegalArgumentException(source + ": line " + (i + 1) + ": duplicate user");
            }
        }
        return new PasswordFile(users);
    }

    /** True when {@code user} exists and {@code password} (UTF-8 octets) is right. Wipes nothing it does not own. */
    public boolean verify(String user, byte[] password) {
        char[] chars = PasswordHasher.chars(password);
        try {
            PasswordHasher.Encoded e = users.get(user);
            boolean ok = (e == null ? dummy : e).matches(chars);
            return ok && e != null;
        } finally {
            Arrays.fill(chars, '\0');
        }
    }

    public int size() {
        return users.size();
    }
}
