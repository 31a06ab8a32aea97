package dev.rampart.policy.sts;

import dev.rampart.policy.dns.DnsResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the {@code _mta-sts.<domain>} TXT RRset (RFC 8461 §3.1) into at most one {@link StsRecord}. Pure,
 * thread-safe; never throws on input.
 *
 * <p>Rules (STS-02, STS-03): a record whose text does not start with {@code v=STSv1} followed by optional
 * blanks and {@code ;} is not an MTA-STS record and is discarded ({@code v=STSv1 ;} is accepted per
 * erratum 6285, whose ABNF puts {@code *WSP} around the separator). Unless exactly one record remains,
 * there is no MTA-STS. The remaining record must match the ABNF in full: fields separated by
 * {@code *WSP ";" *WSP}, exactly one {@code id=} of 1–32 letters/digits, extensions
 * {@code name=value} that are otherwise ignored, an optional trailing separator. Anything else makes the
 * record malformed, which counts as absent.
 */
public final class StsRecordParser {
    private static final String VERSION = "v=STSv1";

    private StsRecordParser() {}

    /** STS-01: the owner name of the TXT record for a (normalised) policy domain. */
    public static String queryName(String policyDomain) {
        return "_mta-sts." + policyDomain;
    }

    /**
     * The TXT answer as the relay's resolver gives it (CNAMEs already followed, STS-01). NXDOMAIN, NODATA
     * and lookup failures all mean "no usable record" (and so never evict a cached policy, STS-04).
     */
    public static StsRecordResult fromDns(DnsResult<String> answer) {
        return switch (answer) {
            case DnsResult.Records<String> r -> parse(r.records());
            case DnsResult.NoData<String> n -> StsRecordResult.absent("no TXT record at " + n.canonicalName() + " (NODATA)");
            case DnsResult.NxDomain<String> n -> StsRecordResult.absent("no TXT record at " + n.canonicalName() + " (NXDOMAIN)");
            case DnsResult.Failure<String> f -> StsRecordResult.absent("TXT lookup failed: " + f.kind() + " " + f.reason());
        };
    }

    /** @param txtRecords each TXT record of the RRset, its character-strings already joined (STS-03) */
    public static StsRecordResult parse(List<String> txtRecords) {
        List<String> candidates = new ArrayList<>();
        for (String text : txtRecords) {
            if (startsWithVersion(text)) {
                candidates.add(text);
            }
        }
        if (candidates.isEmpty()) {
            return StsRecordResult.absent(txtRecords.isEmpty()
                    ? "no TXT record at _mta-sts"
                    : "no TXT record starting v=STSv1; among " + txtRecords.size());
        }
        if (candidates.size() > 1) {
            return StsRecordResult.absent(candidates.size() + " TXT records start v=STSv1; exactly one is required");
        }
        return parseOne(candidates.get(0));
    }

    /** {@code v=STSv1} then {@code *WSP ";"}: the discard test of STS-02, case-sensitive. */
    private static boolean startsWithVersion(String text) {
        if (!text.startsWith(VERSION)) {
            return false;
        }
        int i = skipBlanks(text, VERSION.length());
        return i < text.length() && text.charAt(i) == ';';
    }

    private static StsRecordResult parseOne(String text) {
        String id = null;
        int i = skipBlanks(text, VERSION.length());
        // invariant: text[i] is ';' here (checked by startsWithVersion) or a later separator
        while (i < text.length()) {
            if (text.charAt(i) != ';') {
                return malformed(text, "expected ';' at offset " + i);
            }
            i = skipBlanks(text, i + 1);
            if (i >= text.length()) {
                break; // trailing separator is allowed
            }
            int end = i;
            while (end < text.length() && text.charAt(end) != ';' && !isBlank(text.charAt(end))) {
                end++;
            }
            String field = text.substring(i, end);
            int eq = field.indexOf('=');
            if (eq <= 0) {
                return malformed(text, "field '" + field + "' is not name=value");
            }
            String name = field.substring(0, eq);
            String value = field.substring(eq + 1);
            if (name.equals("id")) {
                if (id != null) {
                    return malformed(text, "more than one id=");
                }
                if (!StsRecord.isValidId(value)) {
                    return malformed(text, "id must be 1-32 letters or digits, got '" + value + "'");
                }
                id = value;
            } else if (!isExtensionName(name) || !isExtensionValue(value)) {
                return malformed(text, "field '" + field + "' is not a valid extension");
            }
            i = skipBlanks(text, end);
        }
        if (id == null) {
            return malformed(text, "id= is missing");
        }
        return new StsRecordResult.Found(new StsRecord(id));
    }

    private static StsRecordResult malformed(String text, String why) {
        return StsRecordResult.absent("malformed MTA-STS TXT record (" + why + "): " + printable(text));
    }

    /** {@code sts-ext-name = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")}. */
    private static boolean isExtensionName(String name) {
        if (name.isEmpty() || name.length() > 32 || !isAlnum(name.charAt(0))) {
            return false;
        }
        return name.chars().allMatch(c -> isAlnum(c) || c == '_' || c == '-' || c == '.');
    }

    /** {@code sts-ext-value = 1*(%x21-3A / %x3C / %x3E-7E)}: visible ASCII except {@code ;} and {@code =}. */
    private static boolean isExtensionValue(String value) {
        return !value.isEmpty() && value.chars().allMatch(c -> c >= 0x21 && c <= 0x7E && c != ';' && c != '=');
    }

    private static boolean isAlnum(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    private static int skipBlanks(String text, int from) {
        int i = from;
        while (i < text.length() && isBlank(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Records come from the network: keep log lines to one line of bounded length. */
    static String printable(String text) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < text.length() && b.length() < 200; i++) {
            char c = text.charAt(i);
            b.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\x%02x", (int) c & 0xFF));
        }
        return b.toString();
    }
}
