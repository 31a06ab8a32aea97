package dev.rampart.policy.sts;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses the policy file served at {@code https://mta-sts.<domain>/.well-known/mta-sts.txt}
 * (RFC 8461 §3.2). Pure, thread-safe; never throws on input.
 *
 * <p>STS-11: lines end LF or CRLF; each is {@code key:} + optional blanks + value (trailing blanks
 * dropped); keys are case-sensitive; order is irrelevant; unknown keys are ignored; a repeated key other
 * than {@code mx} keeps its first value. Blank lines are skipped: the ABNF has none, but real policies end
 * with one and rejecting them would protect nothing. A non-blank line that is not {@code key: value}
 * makes the file invalid.
 *
 * <p>STS-12: {@code version} must be {@code STSv1}; {@code mode} one of enforce/testing/none;
 * {@code max_age} 1–10 digits, capped to 31557600 (erratum 7282); at least one {@code mx} unless mode is
 * none; each {@code mx} is {@code ["*."]Domain} in RFC 5321 syntax (A-labels, no trailing dot).
 */
public final class StsPolicyParser {
    private static final int MAX_KEY = 32;

    private StsPolicyParser() {}

    public static StsPolicyResult parse(String text) {
        Map<String, String> first = new HashMap<>();
        List<String> mx = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        String[] raw = text.split("\n", -1);
        for (int n = 0; n < raw.length; n++) {
            String line = raw[n];
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isBlank()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                return invalid(n, "is not 'key: value'");
            }
            String key = line.substring(0, colon);
            if (!isKey(key)) {
                return invalid(n, "has a bad key '" + StsRecordParser.printable(key) + "'");
            }
            String value = strip(line.substring(colon + 1));
            if (value.isEmpty() || !isValue(value)) {
                return invalid(n, "has an empty value or a control character");
            }
            lines.add(key + ": " + value);
            if (key.equals("mx")) {
                mx.add(value);
            } else {
                first.putIfAbsent(key, value);
            }
        }
        String version = first.get("version");
        if (version == null) {
            return new StsPolicyResult.Invalid("version is missing");
        }
        if (!version.equals("STSv1")) {
            return new StsPolicyResult.Invalid("version must be STSv1, got '" + StsRecordParser.printable(version) + "'");
        }
        String modeText = first.get("mode");
        if (modeText == null) {
            return new StsPolicyResult.Invalid("mode is missing");
        }
        var mode = StsMode.fromToken(modeText);
        if (mode.isEmpty()) {
            return new StsPolicyResult.Invalid("mode must be enforce, testing or none, got '"
                    + StsRecordParser.printable(modeText) + "'");
        }
        String maxAgeText = first.get("max_age");
        if (maxAgeText == null) {
            return new StsPolicyResult.Invalid("max_age is missing");
        }
        if (maxAgeText.length() > 10 || !maxAgeText.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return new StsPolicyResult.Invalid("max_age must be 1-10 digits, got '"
                    + StsRecordParser.printable(maxAgeText) + "'");
        }
        long maxAge = Math.min(Long.parseLong(maxAgeText), StsPolicy.MAX_AGE_LIMIT);
        List<String> patterns = new ArrayList<>();
        for (String pattern : mx) {
            if (!isMxPattern(pattern)) {
                return new StsPolicyResult.Invalid("mx '" + StsRecordParser.printable(pattern)
                        + "' is not [\"*.\"]Domain");
            }
            patterns.add(pattern.toLowerCase(Locale.ROOT));
        }
        if (patterns.isEmpty() && mode.get() != StsMode.NONE) {
            return new StsPolicyResult.Invalid("mode " + modeText + " needs at least one mx");
        }
        return new StsPolicyResult.Valid(new StsPolicy(version, mode.get(), maxAge, patterns, lines));
    }

    private static StsPolicyResult invalid(int lineIndex, String why) {
        return new StsPolicyResult.Invalid("line " + (lineIndex + 1) + " " + why);
    }

    /** {@code sts-policy-ext-name = alphanum *31(alphanum / "_" / "-" / ".")}; the known keys fit it. */
    private static boolean isKey(String key) {
        if (key.length() > MAX_KEY || !isAlnum(key.charAt(0))) {
            return false;
        }
        return key.chars().allMatch(c -> isAlnum(c) || c == '_' || c == '-' || c == '.');
    }

    /** {@code sts-policy-vchar *(*WSP sts-policy-vchar)}: visible ASCII, blanks, or UTF-8 beyond ASCII. */
    private static boolean isValue(String value) {
        return value.chars().allMatch(c -> c == ' ' || c == '\t' || (c >= 0x21 && c != 0x7F && !(c >= 0x80 && c < 0xA0)));
    }

    /** STS-12: {@code sts-policy-mx-value = ["*."] Domain}; Domain per RFC 5321 §4.1.2. */
    static boolean isMxPattern(String pattern) {
        String domain = pattern.startsWith("*.") ? pattern.substring(2) : pattern;
        return isDomain(domain);
    }

    /** {@code Domain = sub-domain *("." sub-domain)}, {@code sub-domain = Let-dig [Ldh-str]}. */
    static boolean isDomain(String domain) {
        if (domain.isEmpty() || domain.length() > 253) {
            return false;
        }
        for (String label : domain.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || !isAlnum(label.charAt(0))
                    || !isAlnum(label.charAt(label.length() - 1))) {
                return false;
            }
            if (!label.chars().allMatch(c -> isAlnum(c) || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAlnum(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static String strip(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
            from++;
        }
        while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
            to--;
        }
        return s.substring(from, to);
    }
}
