package dev.rampart.policy.sts;

import java.util.Objects;

/**
 * A usable {@code _mta-sts} TXT record (RFC 8461 §3.1): only its {@code id} matters to a sender, because a
 * changed id is what tells it to fetch the policy again. Immutable.
 *
 * @param id 1 to 32 ASCII letters and digits, compared exactly (case-sensitive)
 */
public record StsRecord(String id) {
    public StsRecord {
        Objects.requireNonNull(id);
        if (!isValidId(id)) {
            throw new IllegalArgumentException("MTA-STS id must be 1-32 letters or digits: " + id);
        }
    }

    /** STS-03: {@code sts-id = %s"id=" 1*32(ALPHA / DIGIT)}. */
    public static boolean isValidId(String id) {
        if (id.isEmpty() || id.length() > 32) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }
}
