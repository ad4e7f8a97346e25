package dev.odometer.agent.marketplace.yandex;

import static dev.odometer.agent.marketplace.yandex.YandexServer.NOW;
import static dev.odometer.agent.marketplace.yandex.YandexServer.acceptedAll;
import static dev.odometer.agent.marketplace.yandex.YandexServer.json;
import static dev.odometer.agent.marketplace.yandex.YandexServer.record;
import static dev.odometer.agent.marketplace.yandex.YandexServer.usageRecords;
import static dev.odometer.agent.marketplace.yandex.YandexServer.uuids;
import static dev.odometer.agent.testing.MockServers.body;
import static dev.odometer.agent.testing.MockServers.endpoint;
import static dev.odometer.agent.testing.MockServers.take;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.odometer.agent.marketplace.DeliveryException;
import dev.odometer.agent.marketplace.HttpClients;
import dev.odometer.agent.marketplace.yandex.YandexMeteringClient.Mode;
import dev.odometer.agent.record.UsageRecord;
import dev.odometer.agent.testing.CountingTokens;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class YandexMeteringClientRequestTest {
    private static final OkHttpClient HTTP = HttpClients.create();
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private MockWebServer server;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @AfterAll
    static void shutdown() {
        HTTP.connectionPool().evictAll();
    }

    private YandexMeteringClient client(Mode mode, String id) {
        return new YandexMeteringClient(HTTP, endpoint(server), mode, id, new CountingTokens(),
                clock);
    }

    @Test
    void imageProductWriteHasTheDocumentedShape() throws Exception {
        UsageRecord record = new UsageRecord(UUID.fromString(
                "6e1dc02f-6785-47fc-945a-7b4d0f8e2a11"), "email", "dn21df4qvqhb0example", 42,
                Instant.parse("2024-09-16T19:00:00.123456Z"));
        server.enqueue(json(acceptedAll(List.of(record))));

        client(Mode.IMAGE, "f2e0example").send(List.of(record));

        RecordedRequest request = take(server);
        assertThat(request.getMethod()).isEqualTo("POST");
        assertThat(request.getUrl().encodedPath())
                .isEqualTo("/marketplace/metering/v1/imageProductUsage/write");
        assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer secret-token-1");
        assertThat(request.getHeaders().get("Content-Type")).startsWith("application/json");
        assertThat(request.getHeaders().get("User-Agent")).startsWith("odometer/");
        Map<String, Object> body = body(request);
        assertThat(body).containsOnlyKeys("validateOnly", "productId", "usageRecords");
        assertThat(body.get("validateOnly")).isEqualTo(false);
        assertThat(body.get("productId")).isEqualTo("f2e0example");
        assertThat(usageRecords(request)).containsExactly(Map.of(
                "uuid", "6e1dc02f-6785-47fc-945a-7b4d0f8e2a11",
                "skuId", "dn21df4qvqhb0example",
                "quantity", "42",
                "timestamp", "2024-09-16T19:00:00.123456Z"));
    }

    @Test
    void quantityIsAJsonStringEvenBeyondTheDoubleRange() throws Exception {
        UsageRecord record = record("email", "sku", Long.MAX_VALUE);
        server.enqueue(json(acceptedAll(List.of(record))));

        client(Mode.IMAGE, "p").send(List.of(record));

        String raw = take(server).getBody().utf8();
        assertThat(raw).contains("\"quantity\":\"9223372036854775807\"");
    }

    @Test
    void timestampsAreRfc3339UtcWithZ() throws Exception {
        UsageRecord whole = new UsageRecord(UUID.randomUUID(), "a", "s", 1,
                Instant.parse("2024-09-16T18:00:00Z"));
        server.enqueue(json(acceptedAll(List.of(whole))));

        client(Mode.IMAGE, "p").send(List.of(whole));

        assertThat(usageRecords(take(server)).get(0).get("timestamp"))
                .isEqualTo("2024-09-16T18:00:00Z");
    }

    @Test
    void validateSetsValidateOnly() throws Exception {
        UsageRecord record = record("email", "sku", 1);
        server.enqueue(json(acceptedAll(List.of(record))));

        client(Mode.IMAGE, "p").validate(List.of(record));

        assertThat(body(take(server)).get("validateOnly")).isEqualTo(true);
    }

    @Test
    void saasProductWriteUsesProductInstanceIdAndDryRun() throws Exception {
        UsageRecord record = record("email", "sku", 7);
        server.enqueue(json(acceptedAll(List.of(record))));
        server.enqueue(json(acceptedAll(List.of(record))));
        YandexMeteringClient client = client(Mode.SAAS, "instance-1");

        client.send(List.of(record));
        client.validate(List.of(record));

        RecordedRequest send = take(server);
        assertThat(send.getUrl().encodedPath())
                .isEqualTo("/marketplace/metering/v1/productUsage/write");
        assertThat(body(send)).containsOnlyKeys("dryRun", "productInstanceId", "usageRecords")
                .containsEntry("dryRun", false)
                .containsEntry("productInstanceId", "instance-1");
        assertThat(usageRecords(send).get(0)).containsEntry("quantity", "7")
                .containsEntry("skuId", "sku");
        assertThat(body(take(server))).containsEntry("dryRun", true);
    }

    @Test
    void endpointPathPrefixAndTrailingSlashAreKept() throws Exception {
        UsageRecord record = record("email", "sku", 1);
        server.enqueue(json(acceptedAll(List.of(record))));
        URI endpoint = server.url("/emulator/").uri();

        new YandexMeteringClient(HTTP, endpoint, Mode.IMAGE, "p", new CountingTokens(), clock)
                .send(List.of(record));

        assertThat(take(server).getUrl().encodedPath())
                .isEqualTo("/emulator/marketplace/metering/v1/imageProductUsage/write");
    }

    @Test
    void timestampsInTheFutureAreSentAsTheClocksNow() throws Exception {
        UsageRecord future = new UsageRecord(UUID.randomUUID(), "a", "s", 1,
                NOW.plusSeconds(3600));
        UsageRecord past = new UsageRecord(UUID.randomUUID(), "b", "s", 1,
                Instant.parse("2024-09-16T18:30:00Z"));
        server.enqueue(json(acceptedAll(List.of(future, past))));

        client(Mode.IMAGE, "p").send(List.of(future, past));

        List<Map<String, Object>> sent = usageRecords(take(server));
        assertThat(sent.get(0).get("timestamp")).isEqualTo("2024-09-16T19:01:10.591128Z");
        assertThat(sent.get(1).get("timestamp")).isEqualTo("2024-09-16T18:30:00Z");
    }

    @Test
    void aResendCarriesTheSameUuidsInTheSameOrder() throws Exception {
        List<UsageRecord> batch = List.of(record("a", "s1", 1), record("b", "s2", 2),
                record("c", "s3", 3));
        server.enqueue(json(503, "{}"));
        server.enqueue(json(acceptedAll(batch)));
        YandexMeteringClient client = client(Mode.IMAGE, "p");

        assertThatThrownBy(() -> client.send(batch)).isInstanceOf(DeliveryException.class);
        client.send(batch);

        List<String> expected = new ArrayList<>();
        for (UsageRecord record : batch) {
            expected.add(record.uuid().toString());
        }
        assertThat(uuids(take(server))).isEqualTo(expected);
        assertThat(uuids(take(server))).isEqualTo(expected);
    }

    @Test
    void batchesOutsideOneToTwentyFiveAreRefusedWithoutARequest() {
        List<UsageRecord> tooMany = new ArrayList<>();
        for (int i = 0; i < 26; i++) {
            tooMany.add(record("a", "s", 1));
        }
        YandexMeteringClient client = client(Mode.IMAGE, "p");

        assertThatThrownBy(() -> client.send(tooMany))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("26");
        assertThatThrownBy(() -> client.send(List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        UsageRecord once = record("a", "s", 1);
        assertThatThrownBy(() -> client.send(List.of(once, once)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        assertThat(server.getRequestCount()).isZero();
        assertThat(client.maxBatchSize()).isEqualTo(25);
    }

    @Test
    void describeNamesProductAndEndpointButNoToken() throws Exception {
        CountingTokens tokens = new CountingTokens();
        YandexMeteringClient client = new YandexMeteringClient(HTTP, endpoint(server),
                Mode.IMAGE, "f2e0example", tokens, clock);
        String token = tokens.token();

        assertThat(client.describe()).contains("image product f2e0example")
                .contains(server.getHostName()).contains("imageProductUsage/write")
                .contains("test tokens").doesNotContain(token);
        assertThat(client(Mode.SAAS, "i-1").describe()).contains("SaaS product instance i-1");
    }
}
