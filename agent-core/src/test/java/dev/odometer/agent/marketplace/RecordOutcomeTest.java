package dev.odometer.agent.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RecordOutcomeTest {

    @Test
    void onlyAcceptedAndDuplicateAreDelivered() {
        assertThat(only(RecordOutcome::isDelivered))
                .containsExactlyInAnyOrder(RecordOutcome.ACCEPTED, RecordOutcome.DUPLICATE);
    }

    @Test
    void onlyUnknownSkuOrProductAreConfigurationErrors() {
        assertThat(only(RecordOutcome::isConfigurationError)).containsExactlyInAnyOrder(
                RecordOutcome.INVALID_SKU_ID, RecordOutcome.INVALID_PRODUCT_ID);
    }

    @Test
    void onlyUnknownAndMissingAreWorthResendingAsIs() {
        assertThat(only(RecordOutcome::isRetryable))
                .containsExactlyInAnyOrder(RecordOutcome.UNKNOWN, RecordOutcome.MISSING);
    }

    @ParameterizedTest
    @EnumSource(RecordOutcome.class)
    void everyOutcomeExplainsItselfOnOneLine(RecordOutcome outcome) {
        assertThat(outcome.explanation()).isNotBlank().doesNotContain("\n");
    }

    private static Set<RecordOutcome> only(java.util.function.Predicate<RecordOutcome> test) {
        Set<RecordOutcome> matching = EnumSet.noneOf(RecordOutcome.class);
        for (RecordOutcome outcome : RecordOutcome.values()) {
            if (test.test(outcome)) {
                matching.add(outcome);
            }
        }
        return matching;
    }
}
