package dev.rampart.policy.dns;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;

/**
 * Sits between dnsjava's validator and the upstream, and turns an upstream that answers SERVFAIL, REFUSED,
 * NOTIMP or FORMERR into a failed exchange. Without it the validator reports such a reply as BOGUS ("subtype
 * UNKNOWN, cannot be validated"), and a resolver outage would be logged as forged data. With it the lookup
 * fails as an upstream failure (DNS-03), and BOGUS is kept for what the validator really rejected.
 * Stateless; thread-safe like the resolver it wraps.
 */
final class UpstreamFailureGuard implements Resolver {

    /** The upstream did not answer the question. */
    static final class UpstreamRcodeException extends IOException {
        private static final long serialVersionUID = 1L;

        UpstreamRcodeException(String message) {
            super(message);
        }
    }

    private final Resolver upstream;

    UpstreamFailureGuard(Resolver upstream) {
        this.upstream = Objects.requireNonNull(upstream);
    }

    @Override
    public CompletionStage<Message> sendAsync(Message query, Executor executor) {
        return upstream.sendAsync(query, executor).thenCompose(response -> {
            int rcode = response.getRcode();
            if (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN) {
                return CompletableFuture.completedFuture(response);
            }
            String question = query.getQuestion() == null ? "?"
                    : CnameChasingQuery.text(query.getQuestion().getName()) + "/" + Type.string(query.getQuestion().getType());
            return CompletableFuture.failedFuture(
                    new UpstreamRcodeException("upstream answered " + Rcode.string(rcode) + " to " + question));
        });
    }

    @Override
    public CompletionStage<Message> sendAsync(Message query) {
        return sendAsync(query, ForkJoinPool.commonPool());
    }

    @Override
    public void setPort(int port) {
        upstream.setPort(port);
    }

    @Override
    public void setTCP(boolean flag) {
        upstream.setTCP(flag);
    }

    @Override
    public void setIgnoreTruncation(boolean flag) {
        upstream.setIgnoreTruncation(flag);
    }

    @Override
    public void setEDNS(int version, int payloadSize, int flags, List<EDNSOption> options) {
        upstream.setEDNS(version, payloadSize, flags, options);
    }

    @Override
    public void setTSIGKey(TSIG key) {
        upstream.setTSIGKey(key);
    }

    @Override
    public void setTimeout(Duration timeout) {
        upstream.setTimeout(timeout);
    }

    @Override
    public Duration getTimeout() {
        return upstream.getTimeout();
    }
}
