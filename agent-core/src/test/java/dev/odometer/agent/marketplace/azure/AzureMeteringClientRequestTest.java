package dev.odometer.agent.marketplace.azure;

import static dev.odometer.agent.marketplace.azure.AzureServer.GUID;
import static dev.odometer.agent.marketplace.azure.AzureServer.HOUR;
import static dev.odometer.agent.marketplace.azure.AzureServer.NOW;
import static dev.odometer.agent.marketplace.azure.AzureServer.PLAN;
import static dev.odometer.agent.marketplace.azure.AzureServer.SUBSCRIPTION;
import static dev.odometer.agent.marketplace.azure.AzureServer.acceptedAll;
import static dev.odometer.agent.marketplace.azure.AzureServer.events;
import static dev.odometer.agent.marketplace.azure.AzureServer.json;
import static dev.odometer.agent.marketplace.azure.AzureServer.record;
import static dev.odometer.agent.testing.MockServers.body;
import static dev.odometer.agent.testing.MockServers.endpoint;
import static dev.odometer.agent.testing.MockServers.take;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.odometer.agent.marketplace.DeliveryException;
import dev.odometer.agent.marketplace.HttpClients;
import dev.odometer.agent.marketplace.azure.AzureMeteringClient.Mode;
import dev.odometer.agent.record.UsageRecord;
import dev.odometer.agent.testing.CountingTokens;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AzureMeteringClientRequestTest {
    private static final OkHttpClient HTTP = HttpClients.create();
    private static final String APP_URI = "/subscriptions/bf7adf12-0000-4c0e-9b1a-000000000001"
            + "/resourceGroups/rg/providers/Microsoft.Solutions/applications/mail-app";
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

    private AzureMeteringClient client(Mode mode, String resource) {
        return new AzureMeteringClient(HTTP, endpoint(server), mode, resource, PLAN,
                new CountingTokens(), clock);
    }

    private AzureMeteringClient saas() {
        return client(Mode.SAAS_SUBSCRIPTION, SUBSCRIPTION);
    }

    @Test
    void saasBatchHasTheDocumentedShape() throws Exception {
        UsageRecord email = record("email", 42);
        UsageRecord request = record("request", 7);
        server.enqueue(json(acceptedAll(List.of(email, request))));

        saas().send(List.of(email, request));

        RecordedRequest sent = take(server);
        assertThat(sent.getMethod()).isEqualTo("POST");
        assertThat(sent.getUrl().encodedPath()).isEqualTo("/api/batchUsageEvent");
        assertThat(sent.getUrl().query()).isEqualTo("api-version=2018-08-31");
        assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer secret-token-1");
        assertThat(sent.getHeaders().get("Content-Type")).startsWith("application/json");
        assertThat(sent.getHeaders().get("x-ms-requestid")).matches(GUID);
        assertThat(sent.getHeaders().get("x-ms-correlationid")).matches(GUID);
        assertThat(sent.getHeaders().get("User-Agent")).startsWith("odometer/");
        assertThat(body(sent)).containsOnlyKeys("request");
        assertThat(events(sent)).containsExactly(
                Map.of("resourceId", SUBSCRIPTION, "quantity", 42, "dimension", "email",
                        "effectiveStartTime", "2024-09-16T19:00:00Z", "planId", PLAN),
                Map.of("resourceId", SUBSCRIPTION, "quantity", 7, "dimension", "request",
                        "effectiveStartTime", "2024-09-16T19:00:00Z", "planId", PLAN));
    }

    @Test
    void aManagedApplicationIsNamedByResourceUri() throws Exception {
        UsageRecord email = record("email", 3);
        server.enqueue(json(acceptedAll(List.of(email))));

        client(Mode.MANAGED_APPLICATION, APP_URI).send(List.of(email));

        assertThat(events(take(server)).get(0)).containsOnlyKeys("resourceUri", "quantity",
                "dimension", "effectiveStartTime", "planId")
                .containsEntry("resourceUri", APP_URI);
    }

    @Test
    void effectiveStartTimeIsTheStartOfTheRecordsHourInUtc() throws Exception {
        UsageRecord late = record("email", 1, Instant.parse("2024-09-16T18:59:59.999999Z"));
        UsageRecord odd = record("request", 1, Instant.parse("2024-09-16T19:42:17.123456Z"));
        server.enqueue(json(acceptedAll(List.of(late, odd))));

        saas().send(List.of(late, odd));

        List<Map<String, Object>> events = events(take(server));
        assertThat(events.get(0).get("effectiveStartTime")).isEqualTo("2024-09-16T18:00:00Z");
        assertThat(events.get(1).get("effectiveStartTime")).isEqualTo("2024-09-16T19:00:00Z");
    }

    @Test
    void aRecordDatedInTheFutureIsSentAsDatedNotMovedIntoAnotherHour() throws Exception {
        UsageRecord future = record("email", 1, NOW.plusSeconds(7200));
        server.enqueue(json(acceptedAll(List.of(future))));

        saas().send(List.of(future));

        assertThat(events(take(server)).get(0).get("effectiveStartTime"))
                .isEqualTo("2024-09-16T22:00:00Z");
    }

    @Test
    void quantityIsAJsonNumberEvenBeyondTheDoubleRange() throws Exception {
        UsageRecord huge = record("email", Long.MAX_VALUE);
        server.enqueue(json(acceptedAll(List.of(huge))));

        saas().send(List.of(huge));

        assertThat(take(server).getBody().utf8()).contains("\"quantity\":9223372036854775807");
    }

    @Test
    void everyCallHasItsOwnRequestAndCorrelationIds() throws Exception {
        UsageRecord email = record("email", 1);
        server.enqueue(json(acceptedAll(List.of(email))));
        server.enqueue(json(acceptedAll(List.of(email))));
        AzureMeteringClient client = saas();

        client.send(List.of(email));
        client.send(List.of(email));

        RecordedRequest first = take(server);
        RecordedRequest second = take(server);
        assertThat(second.getHeaders().get("x-ms-requestid"))
                .isNotEqualTo(first.getHeaders().get("x-ms-requestid"));
        assertThat(second.getHeaders().get("x-ms-correlationid"))
                .isNotEqualTo(first.getHeaders().get("x-ms-correlationid"));
        assertThat(first.getHeaders().get("x-ms-requestid"))
                .isNotEqualTo(first.getHeaders().get("x-ms-correlationid"));
    }

    @Test
    void aResendCarriesTheSameEventsInTheSameOrder() throws Exception {
        List<UsageRecord> batch = List.of(record("a", 1), record("b", 2), record("c", 3));
        server.enqueue(json(503, Map.of()));
        server.enqueue(json(acceptedAll(batch)));
        AzureMeteringClient client = saas();

        assertThatThrownBy(() -> client.send(batch)).isInstanceOf(DeliveryException.class);
        client.send(batch);

        assertThat(take(server).getBody()).isEqualTo(take(server).getBody());
    }

    @Test
    void endpointPathPrefixIsKept() throws Exception {
        UsageRecord email = record("email", 1);
        server.enqueue(json(acceptedAll(List.of(email))));

        new AzureMeteringClient(HTTP, server.url("/emulator/").uri(), Mode.SAAS_SUBSCRIPTION,
                SUBSCRIPTION, PLAN, new CountingTokens(), clock).send(List.of(email));

        assertThat(take(server).getUrl().encodedPath()).isEqualTo("/emulator/api/batchUsageEvent");
    }

    @Test
    void batchesAzureWouldRefuseOrMisreadAreRefusedWithoutARequest() {
        List<UsageRecord> tooMany = new ArrayList<>();
        for (int i = 0; i < 26; i++) {
            tooMany.add(record("dimension-" + i, 1));
        }
        AzureMeteringClient client = saas();
        UsageRecord once = record("email", 1);

        assertThatThrownBy(() -> client.send(tooMany))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("26");
        assertThatThrownBy(() -> client.send(List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.send(List.of(once, once)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> client.send(List.of(
                record("email", 1, HOUR.plusSeconds(60)),
                record("email", 2, HOUR.plusSeconds(3000)))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dimension 'email' in the hour 2024-09-16T19:00:00Z")
                .hasMessageContaining("one event per dimension and hour");
        assertThatThrownBy(() -> client.validate(tooMany))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(server.getRequestCount()).isZero();
        assertThat(client.maxBatchSize()).isEqualTo(25);
    }

    @Test
    void twentyFiveEventsGoInOneRequest() throws Exception {
        List<UsageRecord> full = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            full.add(record("email", 1, HOUR.minusSeconds(3600L * i)));
        }
        server.enqueue(json(acceptedAll(full)));

        assertThat(saas().send(full).allDelivered()).isTrue();

        assertThat(events(take(server))).hasSize(25);
    }

    @Test
    void describeNamesResourcePlanEndpointAndTokenSourceButNoToken() throws Exception {
        CountingTokens tokens = new CountingTokens();
        AzureMeteringClient client = new AzureMeteringClient(HTTP, endpoint(server),
                Mode.SAAS_SUBSCRIPTION, SUBSCRIPTION, PLAN, tokens, clock);
        String token = tokens.token();

        assertThat(client.describe()).isEqualTo("Azure SaaS subscription " + SUBSCRIPTION
                + " plan gold at " + server.url("/api/batchUsageEvent?api-version=2018-08-31")
                + " (test tokens)").doesNotContain(token);
        assertThat(client(Mode.MANAGED_APPLICATION, APP_URI).describe())
                .startsWith("Azure managed application " + APP_URI + " plan gold at ");
        assertThat(AzureMeteringClient.DEFAULT_ENDPOINT)
                .isEqualTo(URI.create("https://marketplaceapi.microsoft.com"));
    }

    @Test
    void anEmptyResourceOrPlanIsRefused() {
        assertThatThrownBy(() -> client(Mode.SAAS_SUBSCRIPTION, " "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("resourceId");
        assertThatThrownBy(() -> client(Mode.MANAGED_APPLICATION, ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("resourceUri");
        assertThatThrownBy(() -> new AzureMeteringClient(HTTP, endpoint(server),
                Mode.SAAS_SUBSCRIPTION, SUBSCRIPTION, "", new CountingTokens(), clock))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("plan");
    }
}
