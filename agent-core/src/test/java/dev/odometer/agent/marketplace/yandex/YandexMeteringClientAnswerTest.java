package dev.odometer.agent.marketplace.yandex;

import static dev.odometer.agent.marketplace.yandex.YandexServer.NOW;
import static dev.odometer.agent.marketplace.yandex.YandexServer.json;
import static dev.odometer.agent.marketplace.yandex.YandexServer.record;
import static dev.odometer.agent.testing.MockServers.endpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.odometer.agent.marketplace.DeliveryException;
import dev.odometer.agent.marketplace.HttpClients;
import dev.odometer.agent.marketplace.RecordOutcome;
import dev.odometer.agent.marketplace.SendResult;
import dev.odometer.agent.marketplace.yandex.YandexMeteringClient.Mode;
import dev.odometer.agent.record.UsageRecord;
import dev.odometer.agent.testing.CountingTokens;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class YandexMeteringClientAnswerTest {
    private static final OkHttpClient HTTP = HttpClients.create();
    private MockWebServer server;
    private YandexMeteringClient client;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
        client = new YandexMeteringClient(HTTP, endpoint(server), Mode.IMAGE, "p",
                new CountingTokens(), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void camelCaseAnswerWithUnknownFields() throws Exception {
        UsageRecord a = record("a", "s1", 1);
        UsageRecord b = record("b", "s2", 1);
        server.enqueue(json("""
                {"accepted":[{"uuid":"%s","skuId":"s1","quantity":"1",
                              "timestamp":"2024-09-16T19:00:10Z","somethingNew":{"x":[1,2]}}],
                 "rejected":[{"uuid":"%s","reason":"DUPLICATE","detail":"seen before"}],
                 "requestId":"r-1"}
                """.formatted(a.uuid(), b.uuid())));

        SendResult result = client.send(List.of(a, b));

        assertThat(result.outcome(a.uuid())).isEqualTo(RecordOutcome.ACCEPTED);
        assertThat(result.outcome(b.uuid())).isEqualTo(RecordOutcome.DUPLICATE);
        assertThat(result.reason(b.uuid())).contains("DUPLICATE");
        assertThat(result.allDelivered()).isTrue();
    }

    @Test
    void snakeCaseAnswerAsInTheQuickstart() throws Exception {
        UsageRecord a = record("a", "s1", 3);
        UsageRecord b = record("b", "s2", 1);
        server.enqueue(json("""
                {"accepted":[{"uuid":"%s","sku_id":"s1","quantity":3,
                              "timestamp":"2024-09-16T19:01:10.591128Z"}],
                 "rejected":[{"uuid":"%s","reason":"INVALID_SKU_ID"}]}
                """.formatted(a.uuid(), b.uuid())));

        SendResult result = client.send(List.of(a, b));

        assertThat(result.outcome(a.uuid())).isEqualTo(RecordOutcome.ACCEPTED);
        assertThat(result.outcome(b.uuid())).isEqualTo(RecordOutcome.INVALID_SKU_ID);
        assertThat(result.allDelivered()).isFalse();
    }

    @Test
    void missingListsAndUnmentionedRecordsAreMissing() throws Exception {
        UsageRecord a = record("a", "s1", 1);
        UsageRecord b = record("b", "s2", 1);
        server.enqueue(json("{}"));
        server.enqueue(json("{\"accepted\":[{\"uuid\":\"" + a.uuid() + "\"}]}"));
        server.enqueue(json("{\"accepted\":null,\"rejected\":[{\"uuid\":\"" + b.uuid()
                + "\",\"reason\":\"EXPIRED\"}]}"));

        SendResult empty = client.send(List.of(a, b));
        SendResult acceptedOnly = client.send(List.of(a, b));
        SendResult rejectedOnly = client.send(List.of(a, b));

        assertThat(empty.outcomes().values()).containsOnly(RecordOutcome.MISSING);
        assertThat(acceptedOnly.outcome(a.uuid())).isEqualTo(RecordOutcome.ACCEPTED);
        assertThat(acceptedOnly.outcome(b.uuid())).isEqualTo(RecordOutcome.MISSING);
        assertThat(rejectedOnly.outcome(a.uuid())).isEqualTo(RecordOutcome.MISSING);
        assertThat(rejectedOnly.outcome(b.uuid())).isEqualTo(RecordOutcome.EXPIRED);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "\"DUPLICATE\", DUPLICATE",
        "\"EXPIRED\", EXPIRED",
        "\"INVALID_TIMESTAMP\", INVALID_TIMESTAMP",
        "\"INVALID_SKU_ID\", INVALID_SKU_ID",
        "\"INVALID_PRODUCT_ID\", INVALID_PRODUCT_ID",
        "\"INVALID_QUANTITY\", INVALID_QUANTITY",
        "\"INVALID_ID\", INVALID_ID",
        "\"REASON_UNSPECIFIED\", UNKNOWN",
        "\"A_REASON_FROM_THE_FUTURE\", UNKNOWN",
        "null, UNKNOWN",
        "4, INVALID_SKU_ID",
        "1, DUPLICATE",
        "0, UNKNOWN"
    })
    void everyRejectionReasonMapsToItsOutcome(String reasonJson, RecordOutcome expected)
            throws Exception {
        UsageRecord record = record("a", "s", 1);
        server.enqueue(json("{\"rejected\":[{\"uuid\":\"" + record.uuid() + "\",\"reason\":"
                + reasonJson + "}]}"));

        assertThat(client.send(List.of(record)).outcome(record.uuid())).isEqualTo(expected);
    }

    @Test
    void rejectedEntryWithoutReasonIsUnknown() throws Exception {
        UsageRecord record = record("a", "s", 1);
        server.enqueue(json("{\"rejected\":[{\"uuid\":\"" + record.uuid() + "\"}]}"));

        assertThat(client.send(List.of(record)).outcome(record.uuid()))
                .isEqualTo(RecordOutcome.UNKNOWN);
    }

    @Test
    void uuidsNotInTheBatchAreIgnoredAndCounted() throws Exception {
        UsageRecord record = record("a", "s", 1);
        server.enqueue(json("{\"accepted\":[{\"uuid\":\"" + record("x", "s", 1).uuid()
                + "\"},{\"uuid\":\"not-a-uuid\"}]}"));

        SendResult result = client.send(List.of(record));

        assertThat(result.outcome(record.uuid())).isEqualTo(RecordOutcome.MISSING);
        assertThat(result.unexpectedUuids()).isEqualTo(1);
    }

    @Test
    void uppercaseUuidsInTheAnswerStillMatch() throws Exception {
        UsageRecord record = record("a", "s", 1);
        server.enqueue(json("{\"accepted\":[{\"uuid\":\""
                + record.uuid().toString().toUpperCase() + "\"}]}"));

        assertThat(client.send(List.of(record)).outcome(record.uuid()))
                .isEqualTo(RecordOutcome.ACCEPTED);
    }

    @Test
    void anAnswerThatIsNotJsonIsRetryableAndPossiblyReceived() {
        UsageRecord record = record("a", "s", 1);
        server.enqueue(json("<html>gateway says hi</html>"));

        DeliveryException e = catchThrowableOfType(DeliveryException.class,
                () -> client.send(List.of(record)));

        assertThat(e.kind()).isEqualTo(DeliveryException.Kind.RETRYABLE);
        assertThat(e.possiblyReceived()).isTrue();
        assertThat(e.getMessage()).contains("HTTP 200").doesNotContain("gateway says hi");
    }
}
