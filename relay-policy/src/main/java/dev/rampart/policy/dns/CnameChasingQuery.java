package dev.rampart.policy.dns;

import dev.rampart.policy.dns.DnsResult.FailureKind;
import dev.rampart.policy.dns.ResponseSecurity.Verdict;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.WireParseException;

/**
 * Asks one (name, type) question through an injected dnsjava {@link Resolver} and follows the CNAME
 * chain by hand (MX-03, DNS-04): at most {@value #MAX_CNAME_HOPS} hops, a name seen twice is a loop.
 * Links already present in a response are read from it; a chain that leaves the response is continued
 * with a new question. The DNSSEC status is the combination of every response's verdict, and the TTL
 * the minimum over every link.
 *
 * <p>The returned future never completes exceptionally: transport errors become
 * {@link RRsetAnswer.Failed}. Continuations run on the injected executor, never on dnsjava's selector.
 * Thread-safe (no mutable state beyond each call).
 */
final class CnameChasingQuery {

    static final int MAX_CNAME_HOPS = 8;

    private final Resolver upstream;
    private final ResponseSecurity security;
    private final Duration timeout;
    private final boolean askForAd;
    private final Executor executor;

    CnameChasingQuery(Resolver upstream, ResponseSecurity security, Duration timeout, boolean askForAd, Executor executor) {
        this.upstream = upstream;
        this.security = security;
        this.timeout = timeout;
        this.askForAd = askForAd;
        this.executor = executor;
    }

    CompletableFuture<RRsetAnswer> ask(Name name, int type) {
        Set<Name> seen = new HashSet<>();
        seen.add(name);
        return step(name, type, new Chain(seen, 0, DnssecStatus.SECURE, Long.MAX_VALUE));
    }

    /** Progress along the chain so far: names visited, hops taken, combined status, minimum TTL. */
    private record Chain(Set<Name> seen, int hops, DnssecStatus status, long ttl) {
        Chain link(DnssecStatus s, long linkTtl) {
            return new Chain(seen, hops, status.and(s), Math.min(ttl, linkTtl));
        }
    }

    private CompletableFuture<RRsetAnswer> step(Name name, int type, Chain chain) {
        Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        if (askForAd) {
            // RFC 6840 §5.7: a non-validating stub sets AD to ask the resolver to report validation.
            query.getHeader().setFlag(Flags.AD);
        }
        CompletableFuture<Message> sent;
        try {
            sent = upstream.sendAsync(query, executor).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(failure(e, name, type));
        }
        return sent.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .handleAsync((response, error) -> error != null
                        ? CompletableFuture.completedFuture(failure(error, name, type))
                        : read(response, name, type, chain), executor)
                .thenCompose(f -> f);
    }

    private CompletableFuture<RRsetAnswer> read(Message response, Name asked, int type, Chain before) {
        Optional<String> mismatch = questionMismatch(response, asked, type);
        if (mismatch.isPresent()) {
            return done(new RRsetAnswer.Failed(FailureKind.MALFORMED, mismatch.get()));
        }
        DnssecStatus status;
        switch (security.judge(response)) {
            case Verdict.Rejected r -> {
                return done(new RRsetAnswer.Failed(r.kind(), r.reason() + " for " + describe(asked, type)));
            }
            case Verdict.Usable u -> status = u.status();
        }
        Chain chain = before.link(status, Long.MAX_VALUE);
        Name current = asked;
        while (true) {
            Optional<RRset> data = answerRRset(response, current, type);
            if (data.isPresent()) {
                RRset rrset = data.get();
                return done(new RRsetAnswer.Data(rrset.rrs(), chain.status(), text(current),
                        Math.min(chain.ttl(), rrset.getTTL())));
            }
            Optional<RRset> alias = type == Type.CNAME ? Optional.empty() : answerRRset(response, current, Type.CNAME);
            if (alias.isEmpty()) {
                break;
            }
            if (alias.get().size() != 1) {
                return done(new RRsetAnswer.Failed(FailureKind.MALFORMED,
                        "more than one CNAME at " + text(current)));
            }
            Name target = ((CNAMERecord) alias.get().first()).getTarget();
            int hops = chain.hops() + 1;
            if (hops > MAX_CNAME_HOPS) {
                return done(new RRsetAnswer.Failed(FailureKind.CNAME_LOOP,
                        "CNAME chain from " + describe(asked, type) + " longer than " + MAX_CNAME_HOPS + " hops"));
            }
            if (!chain.seen().add(target)) {
                return done(new RRsetAnswer.Failed(FailureKind.CNAME_LOOP, "CNAME loop at " + text(target)));
            }
            chain = new Chain(chain.seen(), hops, chain.status(), Math.min(chain.ttl(), alias.get().getTTL()));
            current = target;
        }
        long negativeTtl = Math.min(chain.ttl(), negativeTtl(response));
        if (response.getRcode() == Rcode.NXDOMAIN) {
            // RFC 6604 §3: with a chain in the answer, the rcode speaks about the last name.
            return done(new RRsetAnswer.NxDomain(chain.status(), text(current), negativeTtl));
        }
        if (!current.equals(asked) && soa(response).isEmpty()) {
            // The server gave us the alias but did not follow it (e.g. an authoritative server for a
            // target outside its zone): ask for the target ourselves.
            return step(current, type, chain);
        }
        return done(new RRsetAnswer.NoData(chain.status(), text(current), negativeTtl));
    }

    private static Optional<String> questionMismatch(Message response, Name asked, int type) {
        Record q = response.getQuestion();
        if (q == null || !q.getName().equals(asked) || q.getType() != type || q.getDClass() != DClass.IN) {
            return Optional.of("reply does not answer the question " + describe(asked, type));
        }
        return Optional.empty();
    }

    private static Optional<RRset> answerRRset(Message response, Name name, int type) {
        for (RRset rrset : response.getSectionRRsets(Section.ANSWER)) {
            if (rrset.getType() == type && rrset.getDClass() == DClass.IN && rrset.getName().equals(name)
                    && rrset.size() > 0) {
                return Optional.of(rrset);
            }
        }
        return Optional.empty();
    }

    private static Optional<SOARecord> soa(Message response) {
        for (Record r : response.getSection(Section.AUTHORITY)) {
            if (r instanceof SOARecord s) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** RFC 2308 §5: negative answers live min(SOA TTL, SOA MINIMUM); without an SOA they are not cached. */
    private static long negativeTtl(Message response) {
        return soa(response).map(s -> Math.min(s.getTTL(), s.getMinimum())).orElse(0L);
    }

    private static RRsetAnswer failure(Throwable error, Name name, int type) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String what = describe(name, type);
        return switch (cause) {
            case TimeoutException t -> new RRsetAnswer.Failed(FailureKind.TIMEOUT, "timed out asking " + what);
            case SocketTimeoutException t -> new RRsetAnswer.Failed(FailureKind.TIMEOUT, "timed out asking " + what);
            case WireParseException w -> new RRsetAnswer.Failed(FailureKind.MALFORMED,
                    "malformed reply for " + what + ": " + w.getMessage());
            // The validator's own DS/DNSKEY questions can be the ones that failed: name both then.
            case UpstreamFailureGuard.UpstreamRcodeException u -> new RRsetAnswer.Failed(FailureKind.SERVFAIL,
                    u.getMessage().endsWith(" " + what) ? u.getMessage() : u.getMessage() + " (validating " + what + ")");
            case IOException io -> new RRsetAnswer.Failed(FailureKind.SERVFAIL,
                    "upstream I/O error for " + what + ": " + io.getMessage());
            // Anything unrecognised is a temporary lookup error (classify once, unknown is temporary).
            default -> new RRsetAnswer.Failed(FailureKind.SERVFAIL, "lookup of " + what + " failed: " + cause);
        };
    }

    private static CompletableFuture<RRsetAnswer> done(RRsetAnswer answer) {
        return CompletableFuture.completedFuture(answer);
    }

    static String text(Name name) {
        return name.toString(true).toLowerCase(Locale.ROOT);
    }

    private static String describe(Name name, int type) {
        return text(name) + "/" + Type.string(type);
    }
}
