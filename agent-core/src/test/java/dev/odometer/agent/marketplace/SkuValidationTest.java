package dev.odometer.agent.marketplace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.odometer.agent.marketplace.DeliveryException.Kind;
import dev.odometer.agent.record.UsageRecord;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SkuValidationTest {
    private static final Instant NOW = Instant.parse("2025-01-01T10:00:00Z");
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

    /** Judges each record by its SKU id: ids starting "bad" are INVALID_SKU_ID. */
    private static final class FakeClient implements MarketplaceClient {
        final List<List<UsageRecord>> validated = new ArrayList<>();
        DeliveryException failure;
        RecordOutcome everything;
        int maxBatchSize = 25;

        @Override
        public SendResult send(List<UsageRecord> batch) {
            throw new AssertionError("validation must never send for real");
        }

        @Override
        public SendResult validate(List<UsageRecord> batch) throws DeliveryException {
            validated.add(List.copyOf(batch));
            if (failure != null) {
                throw failure;
            }
            SendResult.Builder result = SendResult.builder(batch);
            for (UsageRecord record : batch) {
                RecordOutcome outcome = everything != null ? everything
                        : record.skuId().startsWith("bad") ? RecordOutcome.INVALID_SKU_ID
                        : RecordOutcome.ACCEPTED;
                result.outcome(record.uuid(), outcome, null);
            }
            return result.build();
        }

        @Override
        public int maxBatchSize() {
            return maxBatchSize;
        }

        @Override
        public String describe() {
            return "Fake product p1";
        }
    }

    private static Map<String, String> skus(String... aliasThenId) {
        Map<String, String> skus = new LinkedHashMap<>();
        for (int i = 0; i < aliasThenId.length; i += 2) {
            skus.put(aliasThenId[i], aliasThenId[i + 1]);
        }
        return skus;
    }

    @Test
    void oneValidateOnlyRecordPerSkuOfQuantityOneNow() {
        FakeClient client = new FakeClient();

        ValidationReport report = SkuValidation.check(client,
                skus("email", "sku-email", "sms", "sku-sms"), clock);

        assertThat(report.isOk()).isTrue();
        assertThat(report.problems()).isEmpty();
        assertThat(client.validated).hasSize(1);
        assertThat(client.validated.get(0)).extracting(UsageRecord::skuAlias, UsageRecord::skuId,
                UsageRecord::quantity, UsageRecord::timestamp).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("email", "sku-email", 1L, NOW),
                        org.assertj.core.groups.Tuple.tuple("sms", "sku-sms", 1L, NOW));
        assertThat(client.validated.get(0).get(0).uuid())
                .isNotEqualTo(client.validated.get(0).get(1).uuid());
        assertThat(report.lines()).containsExactly("SKU alias 'email' -> sku_id 'sku-email': OK",
                "SKU alias 'sms' -> sku_id 'sku-sms': OK");
    }

    @Test
    void anUnknownSkuIsReportedPerAliasWithTheFix() {
        FakeClient client = new FakeClient();

        ValidationReport report = SkuValidation.check(client,
                skus("email", "sku-email", "pdf", "bad-xyz"), clock);

        assertThat(report.isOk()).isFalse();
        assertThat(report.skuOutcomes()).containsExactly(entry("email", RecordOutcome.ACCEPTED),
                entry("pdf", RecordOutcome.INVALID_SKU_ID));
        assertThat(report.problems()).containsExactly("SKU alias 'pdf' -> sku_id 'bad-xyz' was"
                + " rejected as INVALID_SKU_ID: check skus.pdf.sku_id in the config against the"
                + " partner dashboard");
    }

    @Test
    void anUnknownProductIsOneLine() {
        FakeClient client = new FakeClient();
        client.everything = RecordOutcome.INVALID_PRODUCT_ID;

        ValidationReport report = SkuValidation.check(client, skus("a", "s1", "b", "s2"), clock);

        assertThat(report.problems()).singleElement().asString()
                .startsWith("Fake product p1 was rejected as INVALID_PRODUCT_ID")
                .contains("partner dashboard");
        assertThat(report.lines()).hasSize(3);
    }

    @Test
    void credentialProblemsAreOneClearLineEach() {
        FakeClient client = new FakeClient();
        Map<Kind, String> expected = Map.of(
                Kind.UNAUTHORIZED, "Credentials rejected (HTTP 401): ",
                Kind.FORBIDDEN, "Access denied (HTTP 403): ",
                Kind.AUTH_FAILED, "No token could be obtained: ",
                Kind.RETRYABLE, "The marketplace could not be reached",
                Kind.REJECTED_REQUEST, "The marketplace refused the check request: ");
        for (Map.Entry<Kind, String> e : expected.entrySet()) {
            client.failure = new DeliveryException(e.getKey(), "details " + e.getKey(), false,
                    null, 0, null);

            ValidationReport report = SkuValidation.check(client, skus("a", "s1"), clock);

            assertThat(report.isOk()).isFalse();
            assertThat(report.failure()).containsSame(client.failure);
            assertThat(report.problems()).singleElement().asString().startsWith(e.getValue())
                    .endsWith("details " + e.getKey());
            assertThat(report.lines()).contains("SKU alias 'a' -> sku_id 's1': not checked");
        }
    }

    @Test
    void manySkusGoInSeveralBatches() {
        FakeClient client = new FakeClient();
        client.maxBatchSize = 2;

        ValidationReport report = SkuValidation.check(client,
                skus("a", "1", "b", "2", "c", "bad-3", "d", "4", "e", "5"), clock);

        assertThat(client.validated).extracting(List::size).containsExactly(2, 2, 1);
        assertThat(report.skuOutcomes()).hasSize(5);
        assertThat(report.problems()).hasSize(1);
    }

    @Test
    void noSkusIsAProblemNotACrash() {
        ValidationReport report = SkuValidation.check(new FakeClient(), Map.of(), clock);

        assertThat(report.isOk()).isFalse();
        assertThat(report.problems()).singleElement().asString().contains("No SKUs");
    }
}
