package dev.rampart.policy.dns;

import static dev.rampart.policy.dns.testing.DnsAssertions.assertRecords;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.policy.dns.DnsResult.FailureKind;
import dev.rampart.policy.dns.testing.ManualClock;
import java.io.IOException;
import java.net.PortUnreachableException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * {@link DnsjavaResolver} over an injected dnsjava {@link Resolver} whose replies the test writes by hand:
 * reply shapes a real server will not produce on request, and timing the test controls exactly.
 */
class ScriptedUpstreamTest {

    private final ScriptedUpstream upstream = new ScriptedUpstream();
    private final DnsjavaResolver resolver = new DnsjavaResolver(upstream,
            ResolverSettings.defaults(Duration.ofSeconds(5), AddressPreference.IPV4_FIRST, DnssecMode.TRUST_AD), new ManualClock(),
            Runnable::run);

    @Test
    void concurrentIdenticalQuestionsShareOneUpstreamQuery() throws Exception {
        CompletableFuture<DnsResult<MxRecord>> first = resolver.mx("example.test");
        CompletableFuture<DnsResult<MxRecord>> second = resolver.mx("example.test");
        assertThat(upstream.queries).hasSize(1);
        assertThat(first).isNotDone();
        Message reply = reply(upstream.queries.get(0).query(), Rcode.NOERROR);
        reply.addRecord(new MXRecord(name("example.test."), DClass.IN, 300, 10, name("mx.example.test.")), Section.ANSWER);
        upstream.queries.get(0).future().complete(reply);
        assertRecords(get(first), r -> assertThat(r.records()).containsExactly(new MxRecord(10, "mx.example.test")));
        assertThat(get(second)).isEqualTo(get(first));
    }

    @Test
    void replyWithoutQrFlagIsMalformed_DNS03() throws Exception {
        CompletableFuture<DnsResult<MxRecord>> f = resolver.mx("example.test");
        Message reply = reply(upstream.queries.get(0).query(), Rcode.NOERROR);
        reply.getHeader().unsetFlag(Flags.QR);
        upstream.queries.get(0).future().complete(reply);
        assertThat(kind(get(f))).isEqualTo(FailureKind.MALFORMED);
    }

    @Test
    void formerrIsMalformed_DNS03() {
        CompletableFuture<DnsResult<MxRecord>> f = resolver.mx("example.test");
        upstream.queries.get(0).future().complete(reply(upstream.queries.get(0).query(), Rcode.FORMERR));
        assertThat(kind(get(f))).isEqualTo(FailureKind.MALFORMED);
    }

    @Test
    void twoCnamesAtOneNameAreMalformed() throws Exception {
        CompletableFuture<DnsResult<MxRecord>> f = resolver.mx("example.test");
        Message reply = reply(upstream.queries.get(0).query(), Rcode.NOERROR);
        reply.addRecord(new CNAMERecord(name("example.test."), DClass.IN, 300, name("a.test.")), Section.ANSWER);
        reply.addRecord(new CNAMERecord(name("example.test."), DClass.IN, 300, name("b.test.")), Section.ANSWER);
        upstream.queries.get(0).future().complete(reply);
        assertThat(kind(get(f))).isEqualTo(FailureKind.MALFORMED);
    }

    @Test
    void transportErrorIsATemporaryFailure_DNS03() {
        CompletableFuture<DnsResult<MxRecord>> f = resolver.mx("example.test");
        upstream.queries.get(0).future().completeExceptionally(new PortUnreachableException("ICMP port unreachable"));
        assertThat(kind(get(f))).isEqualTo(FailureKind.SERVFAIL);
    }

    @Test
    void resolverThrowingInsteadOfFailingTheFutureIsStillAFailure() {
        upstream.throwOnSend = true;
        assertThat(kind(get(resolver.mx("example.test")))).isEqualTo(FailureKind.SERVFAIL);
    }

    @Test
    void queryAsksForTheAdBitWhenItIsTrusted_DNS01() {
        resolver.mx("example.test");
        assertThat(upstream.queries.get(0).query().getHeader().getFlag(Flags.AD)).isTrue();
        assertThat(upstream.queries.get(0).query().getHeader().getFlag(Flags.RD)).isTrue();
    }

    @Test
    void servfailWithDnssecExtendedErrorFromAValidatingUpstreamIsBogus_DNS03() {
        CompletableFuture<DnsResult<MxRecord>> f = resolver.mx("example.test");
        upstream.queries.get(0).future().complete(withEde(reply(upstream.queries.get(0).query(), Rcode.SERVFAIL),
                ExtendedErrorCodeOption.SIGNATURE_EXPIRED, "RRSIG expired"));
        assertThat(get(f)).isEqualTo(new DnsResult.Failure<MxRecord>(FailureKind.BOGUS, "RRSIG expired for example.test/MX"));
    }

    @Test
    void indeterminateIsBogus_DNS02() {
        CompletableFuture<DnsResult<MxRecord>> f = resolver.mx("example.test");
        upstream.queries.get(0).future().complete(withEde(reply(upstream.queries.get(0).query(), Rcode.SERVFAIL),
                ExtendedErrorCodeOption.DNSSEC_INDETERMINATE, ""));
        assertThat(get(f)).isEqualTo(new DnsResult.Failure<MxRecord>(FailureKind.BOGUS,
                "DNSSEC indeterminate for example.test/MX"));
    }

    @Test
    void servfailWithANonDnssecExtendedErrorIsAnUpstreamFailure_DNS03() {
        CompletableFuture<DnsResult<MxRecord>> f = resolver.mx("example.test");
        upstream.queries.get(0).future().complete(withEde(reply(upstream.queries.get(0).query(), Rcode.SERVFAIL),
                ExtendedErrorCodeOption.NO_REACHABLE_AUTHORITY, "no reachable authority"));
        assertThat(kind(get(f))).isEqualTo(FailureKind.SERVFAIL);
    }

    @Test
    void validatorServfailWithoutExtendedErrorIsBogusWithItsReasonRecord_DNS03() {
        ScriptedUpstream validator = new ScriptedUpstream();
        DnsjavaResolver validating = new DnsjavaResolver(validator,
                ResolverSettings.defaults(Duration.ofSeconds(5), AddressPreference.IPV4_FIRST, DnssecMode.VALIDATE),
                new ManualClock(), Runnable::run);
        CompletableFuture<DnsResult<MxRecord>> withReason = validating.mx("example.test");
        Message reply = reply(validator.queries.get(0).query(), Rcode.SERVFAIL);
        reply.addRecord(new TXTRecord(Name.root, ValidatingResolver.VALIDATION_REASON_QCLASS, 0, "No DNSKEY for example.test"),
                Section.ADDITIONAL);
        validator.queries.get(0).future().complete(reply);
        assertThat(get(withReason)).isEqualTo(new DnsResult.Failure<MxRecord>(FailureKind.BOGUS,
                "No DNSKEY for example.test for example.test/MX"));

        CompletableFuture<DnsResult<MxRecord>> bare = validating.mx("other.test");
        validator.queries.get(1).future().complete(reply(validator.queries.get(1).query(), Rcode.SERVFAIL));
        assertThat(get(bare)).isEqualTo(new DnsResult.Failure<MxRecord>(FailureKind.BOGUS,
                "DNSSEC validation failed for other.test/MX"));
    }

    private static Message withEde(Message m, int code, String text) {
        m.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(new ExtendedErrorCodeOption(code, text))), Section.ADDITIONAL);
        return m;
    }

    private static Message reply(Message query, int rcode) {
        Message m = new Message(query.getHeader().getID());
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setRcode(rcode);
        m.addRecord(query.getQuestion(), Section.QUESTION);
        return m;
    }

    private static <T> DnsResult<T> get(CompletableFuture<DnsResult<T>> f) {
        return f.orTimeout(10, TimeUnit.SECONDS).join();
    }

    private static FailureKind kind(DnsResult<?> r) {
        assertThat(r).isInstanceOf(DnsResult.Failure.class);
        return ((DnsResult.Failure<?>) r).kind();
    }

    private static Name name(String text) {
        try {
            return Name.fromString(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** One question sent upstream and the future the test completes to answer it. */
    private record Sent(Message query, CompletableFuture<Message> future) {}

    private static final class ScriptedUpstream implements Resolver {
        final List<Sent> queries = new CopyOnWriteArrayList<>();
        volatile boolean throwOnSend;

        @Override
        public CompletionStage<Message> sendAsync(Message query, Executor executor) {
            if (throwOnSend) {
                throw new IllegalStateException("resolver bug");
            }
            CompletableFuture<Message> f = new CompletableFuture<>();
            queries.add(new Sent(query, f));
            return f;
        }

        @Override
        public CompletionStage<Message> sendAsync(Message query) {
            return sendAsync(query, Runnable::run);
        }

        @Override
        public void setPort(int port) {}

        @Override
        public void setTCP(boolean flag) {}

        @Override
        public void setIgnoreTruncation(boolean flag) {}

        @Override
        public void setEDNS(int version, int payloadSize, int flags, List<EDNSOption> options) {}

        @Override
        public void setTSIGKey(TSIG key) {}

        @Override
        public void setTimeout(Duration timeout) {}
    }
}
