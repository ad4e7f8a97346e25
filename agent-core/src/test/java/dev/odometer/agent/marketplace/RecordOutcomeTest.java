package dev.odometer.agent.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RecordOutcomeTest {

    @Test
    void onlyAcceptedAndDuplicateAreDeliveredAndForwardedSettlesALocalJournalsRecord() {
        assertThat(only(RecordOutcome::isDelivered)).containsExactlyInAnyOrder(
                RecordOutcome.ACCEPTED, RecordOutcome.DUPLICATE, RecordOutcome.FORWARDED);
    }

    @Test
    void onlyUnknownSkuProductResourceOrDimensionAreConfigurationErrors() {
        assertThat(only(RecordOutcome::isConfigurationError)).containsExactlyInAnyOrder(
                RecordOutcome.INVALID_SKU_ID, RecordOutcome.INVALID_PRODUCT_ID,
                RecordOutcome.AZURE_RESOURCE_NOT_FOUND, RecordOutcome.AZURE_RESOURCE_NOT_AUTHORIZED,
                RecordOutcome.AZURE_RESOURCE_NOT_ACTIVE, RecordOutcome.AZURE_INVALID_DIMENSION);
    }

    @Test
    void onlyUnknownMissingAndNotCheckedAreWorthResendingAsIs() {
        assertThat(only(RecordOutcome::isRetryable)).containsExactlyInAnyOrder(
                RecordOutcome.UNKNOWN, RecordOutcome.MISSING, RecordOutcome.NOT_CHECKED,
                RecordOutcome.AZURE_UNKNOWN_STATUS);
    }

    @Test
    void onlyAnswersThatLeaveTheRecordOutOrAreUnknownToAzureLeaveItInDoubt() {
        assertThat(only(RecordOutcome::possiblyStored)).containsExactlyInAnyOrder(
                RecordOutcome.MISSING, RecordOutcome.AZURE_UNKNOWN_STATUS);
    }

    @Test
    void onlyAnAzureDuplicateOfAnotherQuantityTakesTheSlot() {
        assertThat(only(RecordOutcome::isSlotTaken))
                .containsExactly(RecordOutcome.AZURE_DUPLICATE_MISMATCH);
        assertThat(RecordOutcome.AZURE_DUPLICATE_MISMATCH.isDelivered()).isFalse();
    }

    @Test
    void azureExpiryAndMalformedEventsArePermanent() {
        for (RecordOutcome outcome : List.of(RecordOutcome.AZURE_EXPIRED,
                RecordOutcome.AZURE_BAD_ARGUMENT)) {
            assertThat(outcome.isDelivered()).isFalse();
            assertThat(outcome.isRetryable()).isFalse();
            assertThat(outcome.isConfigurationError()).isFalse();
        }
    }

    @Test
    void azureExplanationsNameWhatToCheck() {
        assertThat(RecordOutcome.AZURE_EXPIRED.explanation()).contains("24 hours");
        assertThat(RecordOutcome.EXPIRED.explanation()).contains("one hour");
        for (RecordOutcome resource : List.of(RecordOutcome.AZURE_RESOURCE_NOT_FOUND,
                RecordOutcome.AZURE_RESOURCE_NOT_AUTHORIZED,
                RecordOutcome.AZURE_RESOURCE_NOT_ACTIVE)) {
            assertThat(resource.explanation()).contains("resource_id").contains("resource_uri");
        }
        assertThat(RecordOutcome.AZURE_RESOURCE_NOT_ACTIVE.explanation())
                .contains("not active").contains("only while it is");
        assertThat(RecordOutcome.AZURE_INVALID_DIMENSION.explanation()).contains("dimension");
        assertThat(RecordOutcome.AZURE_BAD_ARGUMENT.explanation()).contains("plan_id");
        assertThat(RecordOutcome.NOT_CHECKED.explanation()).contains("not checked");
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
