package dev.rampart.policy.dns.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.policy.dns.DnsResult;
import org.assertj.core.api.ThrowingConsumer;

/** Typed assertions on {@link DnsResult} values (AssertJ's class-token checks lose the type argument). */
public final class DnsAssertions {
    private DnsAssertions() {}

    /** Asserts that {@code result} is a {@link DnsResult.Records} and runs {@code check} on it. */
    public static <T> void assertRecords(DnsResult<T> result, ThrowingConsumer<DnsResult.Records<T>> check) {
        assertThat(result).isInstanceOf(DnsResult.Records.class);
        check.accept((DnsResult.Records<T>) result);
    }
}
