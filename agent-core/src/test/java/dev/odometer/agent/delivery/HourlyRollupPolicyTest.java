package dev.odometer.agent.delivery;

import dev.odometer.agent.store.PendingRecord;
import static org.assertj.core.api.Assertions.assertThat;

import dev.odometer.agent.journal.Journal;
import dev.odometer.agent.record.UsageRecord;
import dev.odometer.agent.testing.LogCapture;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HourlyRollupPolicyTest {
    private static final Instant TEN = Instant.parse("2026-11-21T10:00:00Z");
    private static final Instant ELEVEN = Instant.parse("2026-11-21T11:00:00Z");
    private static final Instant TWELVE = Instant.parse("2026-11-21T12:00:00Z");

    @TempDir
    Path dir;

    private final InMemoryPendingStore store = new InMemoryPendingStore(1000);
    private final HourlyRollupPolicy policy = new HourlyRollupPolicy(false);
    private final LogCapture log = new LogCapture("dev.odometer.agent.delivery");

    @AfterEach
    void closeLog() {
        log.close();
    }

    private UsageRecord minute(String alias, long units, Instant at) {
        UsageRecord record = UsageRecord.seal(alias, "dim-" + alias, units, at);
        store.add(List.of(record));
        return record;
    }

    private List<UsageRecord> events() {
        return store.pendingList().stream().filter(store::isRolledUp)
                .collect(Collectors.toList());
    }

    @Test
    void aClosedHourBecomesOneEventPerDimensionAtTheHourStart() {
        minute("email", 3, TEN.plusSeconds(60));
        minute("email", 4, TEN.plusSeconds(1800));
        minute("request", 10, TEN.plusSeconds(900));
        UsageRecord open = minute("email", 5, ELEVEN.plusSeconds(30));

        policy.beforeBatch(store, ELEVEN.plusSeconds(120));

        assertThat(events()).extracting(UsageRecord::skuAlias, UsageRecord::skuId,
                UsageRecord::quantity, UsageRecord::timestamp).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("email", "dim-email", 7L, TEN),
                org.assertj.core.groups.Tuple.tuple("request", "dim-request", 10L, TEN));
        assertThat(store.pendingList()).contains(open);
        assertThat(store.nextBatch(100, policy::sendable)).extracting(PendingRecord::record)
                .doesNotContain(open);
        assertThat(store.pendingUnits()).isEqualTo(3 + 4 + 10 + 5);
    }

    @Test
    void theHourIsNotRolledUpBeforeItsGracePeriodEnds() {
        minute("email", 3, TEN.plusSeconds(3590));

        policy.beforeBatch(store, ELEVEN.plusSeconds(30));

        assertThat(events()).isEmpty();
    }

    @Test
    void eachClosedHourGetsItsOwnEvent() {
        minute("email", 1, TEN.plusSeconds(10));
        minute("email", 2, ELEVEN.plusSeconds(10));

        policy.beforeBatch(store, TWELVE.plusSeconds(120));

        assertThat(events()).extracting(UsageRecord::timestamp, UsageRecord::quantity)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(TEN, 1L),
                        org.assertj.core.groups.Tuple.tuple(ELEVEN, 2L));
    }

    @Test
    void aRecordLateForAnHourAlreadyRolledUpJoinsTheNextHour() {
        minute("email", 1, TEN.plusSeconds(10));
        policy.beforeBatch(store, ELEVEN.plusSeconds(120));
        store.delivered(events().get(0), dev.odometer.agent.marketplace.RecordOutcome.ACCEPTED);
        minute("email", 5, TEN.plusSeconds(3000)); // sealed late, e.g. after a clock step
        minute("email", 2, ELEVEN.plusSeconds(10));

        policy.beforeBatch(store, TWELVE.plusSeconds(120));

        // a second 10:00 event would come back Duplicate and its units would be lost
        assertThat(events()).singleElement().satisfies(event -> {
            assertThat(event.timestamp()).isEqualTo(ELEVEN);
            assertThat(event.quantity()).isEqualTo(7);
        });
    }

    @Test
    void anEventThatNeverReachedAzureForOverAnHourJoinsTheNextHoursEvent() {
        minute("email", 4, TEN.plusSeconds(10));
        policy.beforeBatch(store, ELEVEN.plusSeconds(120));
        UsageRecord tenOClock = events().get(0);
        store.attempting(List.of(tenOClock));
        store.attemptFailed(List.of(tenOClock), false); // 503: provably not stored
        minute("email", 6, TWELVE.plusSeconds(10));

        policy.beforeBatch(store, Instant.parse("2026-11-21T13:01:00Z"));

        assertThat(events()).singleElement().satisfies(event -> {
            assertThat(event.timestamp()).isEqualTo(TWELVE);
            assertThat(event.quantity()).isEqualTo(10);
        });
    }

    @Test
    void anEventInDoubtIsSettledBeforeTheTwentyFourHourLimitAndTheWayIsWarned() {
        minute("email", 4, TEN.plusSeconds(10));
        policy.beforeBatch(store, ELEVEN.plusSeconds(120));
        UsageRecord event = events().get(0);
        store.attempting(List.of(event));
        store.attemptFailed(List.of(event), true);

        policy.beforeBatch(store, TEN.plusSeconds(21 * 3600));
        assertThat(log.lines).anyMatch(l -> l.contains("24 hours"));
        assertThat(events()).containsExactly(event);

        policy.beforeBatch(store, TEN.plusSeconds(23 * 3600 + 60));
        assertThat(store.pendingRecords()).isZero();
    }

    @Test
    void aRolledUpHourSurvivesARestartAsOneEvent() throws Exception {
        Clock clock = Clock.systemUTC();
        UsageRecord a = UsageRecord.seal("email", "dim", 3, TEN.plusSeconds(5));
        UsageRecord b = UsageRecord.seal("email", "dim", 4, TEN.plusSeconds(65));
        try (Journal journal = Journal.open(dir.resolve("j"), 1 << 20, clock)) {
            journal.add(List.of(a, b));
            policy.beforeBatch(journal, ELEVEN.plusSeconds(120));
        }
        try (Journal journal = Journal.open(dir.resolve("j"), 1 << 20, clock)) {
            journal.adoptOrphans();
            assertThat(journal.nextBatch(10)).singleElement().satisfies(pending -> {
                UsageRecord event = pending.record();
                assertThat(pending.isRolledUp()).isTrue();
                assertThat(event.quantity()).isEqualTo(7);
                assertThat(event.timestamp()).isEqualTo(TEN);
            });
        }
    }
}
