package dev.rampart.policy.tlsrpt;

import dev.rampart.policy.dns.DnsResult;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The {@code _smtp._tls} TXT record (RFC 8460 §3; REP-01): records not starting with {@code v=TLSRPTv1}
 * and a field delimiter are discarded; exactly one must remain; its {@code rua} field is required and lists
 * comma-separated {@code mailto:} or {@code https:} URIs, blanks allowed around commas; unknown fields are
 * ignored. URIs of other schemes, and malformed ones, are left out; a record left without any usable URI
 * gets no report. Multi-string records arrive already joined without separator (the resolver does that).
 * Pure and thread-safe.
 */
public final class TlsRptRecordParser {
    private static final Pattern VERSION = Pattern.compile("^v=TLSRPTv1[ \\t]*;.*", Pattern.DOTALL);
    private static final Pattern ADDR_SPEC = Pattern.compile("[^@\\s<>(),;:\\\\\"\\[\\]]+@[A-Za-z0-9.-]+");

    private TlsRptRecordParser() {}

    /** The name to query for {@code domain}. */
    public static String queryName(String domain) {
        return "_smtp._tls." + domain;
    }

    /** From a TXT lookup: no record, NXDOMAIN and failures alike mean no reporting for this day (REP-02). */
    public static TlsRptRecord fromDns(DnsResult<String> answer) {
        return switch (answer) {
            case DnsResult.Records<String> r -> parse(r.records());
            case DnsResult.NoData<String> n -> new TlsRptRecord.Absent("no TXT record");
            case DnsResult.NxDomain<String> n -> new TlsRptRecord.Absent("no such name");
            case DnsResult.Failure<String> f -> new TlsRptRecord.Absent("TXT lookup failed: " + f.reason());
        };
    }

    public static TlsRptRecord parse(List<String> txtRecords) {
        List<String> candidates = txtRecords.stream().filter(t -> VERSION.matcher(t).matches()
                || t.equals("v=TLSRPTv1")).toList();
        if (candidates.isEmpty()) {
            return new TlsRptRecord.Absent("no v=TLSRPTv1 record");
        }
        if (candidates.size() > 1) {
            return new TlsRptRecord.Absent(candidates.size() + " v=TLSRPTv1 records (exactly one allowed)");
        }
        String rua = null;
        String[] fields = candidates.getFirst().split(";");
        for (int i = 1; i < fields.length; i++) {
            String field = fields[i].strip();
            if (field.isEmpty()) {
                continue;
            }
            int eq = field.indexOf('=');
            if (eq <= 0) {
                return new TlsRptRecord.Absent("malformed field '" + field + "'");
            }
            String key = field.substring(0, eq).strip();
            if (key.equals("rua") && rua == null) {
                rua = field.substring(eq + 1).strip();
            }
        }
        if (rua == null || rua.isEmpty()) {
            return new TlsRptRecord.Absent("no rua field");
        }
        List<TlsRptRecord.Destination> destinations = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        for (String raw : rua.split(",")) {
            String uri = raw.strip();
            destination(uri).ifPresentOrElse(destinations::add, () -> ignored.add(uri));
        }
        if (destinations.isEmpty()) {
            return new TlsRptRecord.Absent("no usable rua URI in " + ignored);
        }
        return new TlsRptRecord.Found(destinations);
    }

    /**
     * The address of a {@code mailto:} rua URI: percent-decoded, header fields ({@code ?...}) dropped;
     * empty when it is not a {@code mailto:} URI or not one address. RFC 6068 allows several
     * comma-separated addresses; commas already split the rua list (RFC 8460 §3).
     */
    public static java.util.Optional<String> mailtoAddress(String uri) {
        if (!uri.regionMatches(true, 0, "mailto:", 0, 7)) {
            return java.util.Optional.empty();
        }
        String rest = uri.substring("mailto:".length());
        int q = rest.indexOf('?');
        String address = URLDecoder.decode(q >= 0 ? rest.substring(0, q) : rest, StandardCharsets.UTF_8);
        return ADDR_SPEC.matcher(address).matches() ? java.util.Optional.of(address) : java.util.Optional.empty();
    }

    private static java.util.Optional<TlsRptRecord.Destination> destination(String uri) {
        String lower = uri.toLowerCase(Locale.ROOT);
        if (lower.startsWith("mailto:")) {
            return mailtoAddress(uri).map(address -> new TlsRptRecord.Destination.Mailto(uri, address));
        }
        if (lower.startsWith("https:")) {
            try {
                URI target = new URI(uri);
                if (target.getHost() == null || target.getRawUserInfo() != null) {
                    return java.util.Optional.empty();
                }
                return java.util.Optional.of(new TlsRptRecord.Destination.Https(uri, target));
            } catch (URISyntaxException e) {
                return java.util.Optional.empty();
            }
        }
        return java.util.Optional.empty();
    }
}
