package dev.rampart.policy.sts.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rampart.policy.dane.TlsaRecord;
import dev.rampart.policy.dns.DnsResolver;
import dev.rampart.policy.dns.DnsResult;
import dev.rampart.policy.dns.DnssecStatus;
import dev.rampart.policy.dns.MxRecord;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The policy host is resolved through the relay's resolver; every non-answer is an I/O error. */
class DnsHostResolverTest {

    /** Answers address questions from a map; a name not in it never answers. */
    private record MapResolver(Map<String, DnsResult<InetAddress>> answers) implements DnsResolver {
        @Override
        public CompletableFuture<DnsResult<MxRecord>> mx(String domain) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<DnsResult<InetAddress>> addresses(String host) {
            DnsResult<InetAddress> a = answers.get(host);
            return a == null ? new CompletableFuture<>() : CompletableFuture.completedFuture(a);
        }

        @Override
        public CompletableFuture<DnsResult<String>> txt(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<DnsResult<TlsaRecord>> tlsa(String name) {
            throw new UnsupportedOperationException();
        }
    }

    private final DnsHostResolver resolver = new DnsHostResolver(new MapResolver(Map.of(
            "mta-sts.a.example", new DnsResult.Records<>(List.of(InetAddress.getLoopbackAddress()),
                    DnssecStatus.INSECURE, "mta-sts.a.example", Duration.ofMinutes(1)),
            "mta-sts.b.example", new DnsResult.NxDomain<>(DnssecStatus.INSECURE, "mta-sts.b.example"),
            "mta-sts.c.example", new DnsResult.Failure<>(DnsResult.FailureKind.SERVFAIL, "upstream down"))),
            Duration.ofMillis(200));

    @Test
    void addressesComeFromTheRelayResolver() throws IOException {
        assertThat(resolver.resolve("mta-sts.a.example")).containsExactly(InetAddress.getLoopbackAddress());
    }

    @Test
    void nonAnswersAreIoErrors() {
        assertThatThrownBy(() -> resolver.resolve("mta-sts.b.example")).isInstanceOf(UnknownHostException.class)
                .hasMessageContaining("NXDOMAIN");
        assertThatThrownBy(() -> resolver.resolve("mta-sts.c.example")).isInstanceOf(IOException.class)
                .hasMessageContaining("SERVFAIL upstream down");
        assertThatThrownBy(() -> resolver.resolve("mta-sts.silent.example")).isInstanceOf(IOException.class)
                .hasMessageContaining("took longer than 200 ms");
    }
}
