package dev.rampart.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Queue ids sort by time, are file-name safe and are validated at every boundary (design.md). */
class QueueIdTest {

    @Test
    void generatedIdsAreValidUniqueAndSortByCreationEvenWithinOneMicrosecond() {
        TestSpool.ManualClock clock = new TestSpool.ManualClock(TestSpool.T0);
        QueueIdGenerator gen = new QueueIdGenerator(clock);
        List<QueueId> ids = new ArrayList<>();
        for (int i = 0; i < 3000; i++) { // more than 1024 in one microsecond: the generator borrows the next one
            ids.add(gen.next());
        }
        clock.advance(Duration.ofMillis(1));
        ids.add(gen.next());
        assertThat(ids).allSatisfy(id -> assertThat(QueueId.isValid(id.value())).isTrue());
        assertThat(new HashSet<>(ids)).hasSize(ids.size());
        assertThat(ids).isSorted();
    }

    @Test
    void laterClockGivesLargerId() {
        TestSpool.ManualClock clock = new TestSpool.ManualClock(TestSpool.T0);
        QueueIdGenerator gen = new QueueIdGenerator(clock);
        QueueId a = gen.next();
        clock.advance(Duration.ofSeconds(1));
        QueueId b = gen.next();
        assertThat(a).isLessThan(b);
        assertThat(a.value()).hasSize(18).matches("[0-9A-HJKMNP-TV-Z]{18}");
    }

    @Test
    void parseRoundTrips() {
        QueueId id = new QueueIdGenerator(new TestSpool.ManualClock(TestSpool.T0)).next();
        assertThat(QueueId.parse(id.toString())).isEqualTo(id);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
        "0123456789ABCDEFG",     // 17 characters
        "0123456789ABCDEFGHJ",   // 19 characters
        "0123456789ABCDEFGI",    // I is not in the alphabet
        "0123456789ABCDEFGL",    // nor L
        "0123456789ABCDEFGO",    // nor O
        "0123456789ABCDEFGU",    // nor U
        "0123456789abcdefgh",    // lower case
        "../../../etc/passwd",   // path traversal
        "0123456789ABCDEF/H",
        "0123456789ABCDEF H",
    })
    void invalidTextIsRejectedWithAClearMessage(String text) {
        assertThat(QueueId.isValid(text)).isFalse();
        assertThatThrownBy(() -> QueueId.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a queue id");
    }
}
