package dev.odometer.agent.marketplace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.odometer.agent.record.UsageRecord;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SendResultTest {
    private final UsageRecord a = UsageRecord.seal("a", "s", 1, Instant.EPOCH);
    private final UsageRecord b = UsageRecord.seal("b", "s", 1, Instant.EPOCH);
    private final UsageRecord c = UsageRecord.seal("c", "s", 1, Instant.EPOCH);

    @Test
    void recordsNotMentionedAreMissingAndOrderIsTheBatchOrder() {
        SendResult result = SendResult.builder(List.of(a, b, c))
                .outcome(c.uuid(), RecordOutcome.ACCEPTED, null)
                .outcome(a.uuid(), RecordOutcome.UNKNOWN, "REASON_UNSPECIFIED")
                .build();

        assertThat(result.outcomes()).containsExactly(
                org.assertj.core.api.Assertions.entry(a.uuid(), RecordOutcome.UNKNOWN),
                org.assertj.core.api.Assertions.entry(b.uuid(), RecordOutcome.MISSING),
                org.assertj.core.api.Assertions.entry(c.uuid(), RecordOutcome.ACCEPTED));
        assertThat(result.reason(a.uuid())).contains("REASON_UNSPECIFIED");
        assertThat(result.reason(b.uuid())).isEmpty();
        assertThat(result.withOutcome(RecordOutcome.MISSING)).containsExactly(b.uuid());
        assertThat(result.allDelivered()).isFalse();
        assertThat(result.toString()).contains("MISSING=1");
    }

    @Test
    void deliveredWinsOverARejectionOfTheSameUuid() {
        SendResult result = SendResult.builder(List.of(a))
                .outcome(a.uuid(), RecordOutcome.ACCEPTED, null)
                .outcome(a.uuid(), RecordOutcome.INVALID_SKU_ID, "INVALID_SKU_ID")
                .build();

        assertThat(result.outcome(a.uuid())).isEqualTo(RecordOutcome.ACCEPTED);
        assertThat(result.allDelivered()).isTrue();
    }

    @Test
    void strangersAreCountedNotAdded() {
        SendResult result = SendResult.builder(List.of(a))
                .outcome(UUID.randomUUID(), RecordOutcome.ACCEPTED, null).build();

        assertThat(result.outcomes()).containsOnlyKeys(a.uuid());
        assertThat(result.unexpectedUuids()).isEqualTo(1);
        assertThatThrownBy(() -> result.outcome(UUID.randomUUID()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aBatchWithARepeatedUuidIsABug() {
        assertThatThrownBy(() -> SendResult.builder(List.of(a, a)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
