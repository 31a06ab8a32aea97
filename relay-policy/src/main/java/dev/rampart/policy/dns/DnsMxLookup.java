package dev.rampart.policy.dns;

import dev.rampart.policy.decide.LocalIdentity;
import dev.rampart.policy.decide.MxPlanner;
import dev.rampart.policy.decide.MxStep;
import java.net.InetAddress;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;

/**
 * {@link MxLookup} that runs the DNS questions {@link MxPlanner} asks for: the MX RRset first, then the
 * addresses of every candidate exchange concurrently. All decisions are the planner's.
 *
 * <p>Thread-safe: the random generator (which need not be) is only used under a lock. Never completes
 * exceptionally; an unexpected error defers the domain with 4.4.3 rather than bouncing it.
 */
public final class DnsMxLookup implements MxLookup {

    private final DnsResolver resolver;
    private final LocalIdentity self;
    private final RandomGenerator random;
    private final Object randomLock = new Object();

    /**
     * @param ourNames     our host names (MX-11); each must be a valid domain name
     * @param ourAddresses the addresses we receive mail on (MX-11)
     * @param random       shuffles equal preferences (MX-09)
     */
    public DnsMxLookup(DnsResolver resolver, Collection<String> ourNames, Collection<InetAddress> ourAddresses,
                       RandomGenerator random) {
        this.resolver = Objects.requireNonNull(resolver);
        this.self = LocalIdentity.of(ourNames, ourAddresses);
        this.random = Objects.requireNonNull(random);
    }

    @Override
    public CompletableFuture<MxResolution> resolve(String nextHop) {
        CompletableFuture<MxResolution> result;
        try {
            result = run(MxPlanner.start(nextHop, self));
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return result.exceptionally(e -> new MxResolution.Temporary(nextHop, MxPlanner.DNS_TEMPFAIL,
                "internal error resolving " + nextHop + ": " + e));
    }

    private CompletableFuture<MxResolution> run(MxStep step) {
        return switch (step) {
            case MxStep.Decided d -> CompletableFuture.completedFuture(d.resolution());
            case MxStep.QueryMx q -> resolver.mx(q.domain())
                    .thenCompose(answer -> run(MxPlanner.afterMx(q.domain(), answer, self)));
            case MxStep.ResolveHosts h -> resolveHosts(h);
        };
    }

    private CompletableFuture<MxResolution> resolveHosts(MxStep.ResolveHosts step) {
        List<String> names = step.hostNames();
        List<CompletableFuture<DnsResult<InetAddress>>> lookups = names.stream().map(resolver::addresses).toList();
        return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            Map<String, DnsResult<InetAddress>> answers = new HashMap<>();
            for (int i = 0; i < names.size(); i++) {
                answers.put(names.get(i), lookups.get(i).join());
            }
            synchronized (randomLock) {
                return MxPlanner.finish(step, answers, self, random);
            }
        });
    }
}
