package dev.rampart.policy.sts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** STS-04, STS-10, STS-13..STS-16 as pure functions of (TXT, cache entry, time, backoff). */
class StsCacheDecisionTest {
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
    private static final StsPolicy ENFORCE = new StsPolicy("STSv1", StsMode.ENFORCE, 86400, List.of("mx.example"), List.of());
    private static final StsCacheEntry CACHED = new StsCacheEntry("example.com", "id1", ENFORCE, "text", T0,
            T0.plus(Duration.ofHours(18)));

    private static StsRecordResult txt(String id) {
        return new StsRecordResult.Found(new StsRecord(id));
    }

    @Test
    void sameIdUsesCache_STS14() {
        assertThat(StsCacheDecision.decide(txt("id1"), CACHED, T0.plusSeconds(60), id -> false))
                .isInstanceOfSatisfying(StsCacheDecision.UseCached.class, u -> assertThat(u.entry()).isEqualTo(CACHED));
    }

    @Test
    void otherIdFetches_STS14() {
        assertThat(StsCacheDecision.decide(txt("id2"), CACHED, T0.plusSeconds(60), id -> false))
                .isEqualTo(new StsCacheDecision.Fetch("id2"));
    }

    @Test
    void sameIdButExpiredFetches_STS13() {
        assertThat(StsCacheDecision.decide(txt("id1"), CACHED, T0.plusSeconds(86400), id -> false))
                .isEqualTo(new StsCacheDecision.Fetch("id1"));
        assertThat(StsCacheDecision.decide(txt("id1"), CACHED, T0.plusSeconds(86399), id -> false))
                .isInstanceOf(StsCacheDecision.UseCached.class);
    }

    @Test
    void nothingCachedFetches() {
        assertThat(StsCacheDecision.decide(txt("id1"), T0, id -> false)).isEqualTo(new StsCacheDecision.Fetch("id1"));
    }

    @Test
    void absentTxtKeepsValidCache_STS04() {
        assertThat(StsCacheDecision.decide(StsRecordResult.absent("NXDOMAIN"), CACHED, T0.plusSeconds(60), id -> false))
                .isInstanceOf(StsCacheDecision.UseCached.class);
        assertThat(StsCacheDecision.decide(StsRecordResult.absent("NXDOMAIN"), CACHED, T0.plusSeconds(86400), id -> false))
                .isEqualTo(new StsCacheDecision.NoPolicy("NXDOMAIN"));
        assertThat(StsCacheDecision.decide(StsRecordResult.absent("NXDOMAIN"), T0, id -> false))
                .isEqualTo(new StsCacheDecision.NoPolicy("NXDOMAIN"));
    }

    @Test
    void backedOffIdIsNotFetched_STS10() {
        assertThat(StsCacheDecision.decide(txt("id2"), CACHED, T0.plusSeconds(60), id -> id.equals("id2")))
                .isInstanceOfSatisfying(StsCacheDecision.UseCached.class, u -> assertThat(u.entry()).isEqualTo(CACHED));
        assertThat(StsCacheDecision.decide(txt("id2"), T0, id -> id.equals("id2")))
                .isInstanceOf(StsCacheDecision.NoPolicy.class);
        assertThat(StsCacheDecision.decide(txt("id3"), T0, id -> id.equals("id2")))
                .isEqualTo(new StsCacheDecision.Fetch("id3"));
    }

    @Test
    void failedFetchFallsBackToValidCacheOnly_STS15() {
        assertThat(StsCacheDecision.afterFailedFetch(CACHED, T0.plusSeconds(60), "HTTP 500"))
                .isInstanceOf(StsCacheDecision.UseCached.class);
        assertThat(StsCacheDecision.afterFailedFetch(CACHED, T0.plusSeconds(90000), "HTTP 500"))
                .isInstanceOf(StsCacheDecision.NoPolicy.class);
    }

    @Test
    void refreshIsAboutDailyJitteredAndBeforeExpiry_STS16() {
        RandomGenerator low = () -> 0L;
        RandomGenerator high = () -> -1L;
        long year = StsPolicy.MAX_AGE_LIMIT;
        assertThat(StsRefreshSchedule.refreshAt(T0, year, low)).isEqualTo(T0.plus(Duration.ofHours(24).multipliedBy(9).dividedBy(10)));
        assertThat(StsRefreshSchedule.refreshAt(T0, year, high))
                .isAfter(T0.plus(Duration.ofHours(26))).isBefore(T0.plus(Duration.ofHours(27)));
        // a one-hour policy refreshes at about 45 minutes, never at or after expiry
        Instant shortLived = StsRefreshSchedule.refreshAt(T0, 3600, high);
        assertThat(shortLived).isAfter(T0.plus(Duration.ofMinutes(40))).isBefore(T0.plusSeconds(3600));
    }

    @Test
    void dueOnlyWhenTimeHasComeAndStillValid_STS16() {
        assertThat(StsRefreshSchedule.isDue(CACHED, T0.plus(Duration.ofHours(17)))).isFalse();
        assertThat(StsRefreshSchedule.isDue(CACHED, T0.plus(Duration.ofHours(18)))).isTrue();
        assertThat(StsRefreshSchedule.isDue(CACHED, T0.plusSeconds(86400))).isFalse();
    }
}
