package dev.odometer.emulator;

import static dev.odometer.emulator.YandexRequests.IMAGE;
import static dev.odometer.emulator.YandexRequests.uuid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultInjectionTest {

    private static MarketplaceEmulator emu;
    private static EmulatorClient client;

    @BeforeAll
    static void start() {
        emu = MarketplaceEmulator.start(EmulatorSettings.defaults().withPort(0));
        client = new EmulatorClient(emu.baseUri());
    }

    @AfterAll
    static void stop() {
        emu.close();
    }

    @BeforeEach
    void reset() {
        emu.reset();
    }

    private static EmulatorClient.Reply writeOne(String id) throws IOException {
        return client.postJson(IMAGE, "demo-token",
                YandexRequests.image("demo-product").record(id, "sku-email", 1, Instant.now()).body());
    }

    private static EmulatorClient.Reply writeAzure() throws IOException {
        return client.postJson(AzureEvents.BATCH, "demo-token",
                AzureEvents.batch(AzureEvents.event("demo-subscription", "email", 1, Instant.now().minusSeconds(60))));
    }

    private static EmulatorClient.Reply setFaults(String json) throws IOException {
        return client.postRaw(AdminApi.FAULTS_PATH, null, json);
    }

    @Test
    void errorRateOneAnswersTheErrorStatusWithRetryAfterAndStoresNothing() throws IOException {
        assertThat(setFaults("{\"errorRate\": 1.0, \"errorStatus\": 503, \"retryAfterSeconds\": 7}").status()).isEqualTo(200);

        EmulatorClient.Reply yandex = writeOne(uuid());
        EmulatorClient.Reply azure = writeAzure();

        assertThat(yandex.status()).isEqualTo(503);
        assertThat(yandex.header("Retry-After")).isEqualTo("7");
        assertThat(yandex.json().get("code").asInt()).isEqualTo(14);
        assertThat(azure.status()).isEqualTo(503);
        assertThat(azure.header("Retry-After")).isEqualTo("7");
        assertThat(azure.json().get("code").asText()).isEqualTo("ServiceUnavailable");
        assertThat(emu.ledger().acceptedCount()).isZero();
        assertThat(emu.ledger().azureEvents()).isEmpty();
    }

    @Test
    void errorStatusMayBe429Or500AndRetryAfterIsOptional() throws IOException {
        emu.faults().set(FaultSettings.none().withErrorRate(1).withErrorStatus(429));
        EmulatorClient.Reply tooMany = writeOne(uuid());
        emu.faults().update(f -> f.withErrorStatus(500));
        EmulatorClient.Reply internal = writeOne(uuid());

        assertThat(tooMany.status()).isEqualTo(429);
        assertThat(tooMany.json().get("code").asInt()).isEqualTo(8);
        assertThat(tooMany.header("Retry-After")).isNull();
        assertThat(internal.status()).isEqualTo(500);
    }

    @Test
    void lostResponseStoresTheWriteButTheClientGetsAnIoError() throws IOException {
        setFaults("{\"lostResponseRate\": 1.0}");
        String id = uuid();

        assertThatThrownBy(() -> writeOne(id)).isInstanceOf(IOException.class);

        assertThat(emu.ledger().acceptedRecords()).extracting(Ledger.YandexRecord::uuid).containsExactly(id);
        setFaults("{\"lostResponseRate\": 0}");
        EmulatorClient.Reply resend = writeOne(id);
        assertThat(resend.json().at("/rejected/0/reason").asText()).isEqualTo("DUPLICATE");
        assertThat(emu.ledger().totalForSku("sku-email")).isEqualTo(1);
    }

    @Test
    void lostResponseOnAzureStoresTheEvent() throws IOException {
        emu.faults().set(FaultSettings.none().withLostResponseRate(1));

        assertThatThrownBy(FaultInjectionTest::writeAzure).isInstanceOf(IOException.class);

        assertThat(emu.ledger().azureEvents()).hasSize(1);
    }

    @Test
    void outageAnswers503ToMeteringOnlyAndStoresNothing() throws IOException {
        setFaults("{\"outage\": true}");

        EmulatorClient.Reply yandex = writeOne(uuid());
        EmulatorClient.Reply azure = writeAzure();

        assertThat(yandex.status()).isEqualTo(503);
        assertThat(azure.status()).isEqualTo(503);
        assertThat(emu.ledger().acceptedCount()).isZero();
        assertThat(client.get(LedgerApi.LEDGER_PATH).status()).isEqualTo(200);
        assertThat(client.get(AdminApi.FAULTS_PATH).json().get("outage").asBoolean()).isTrue();
        assertThat(client.get(YandexIam.METADATA_PATH, "Metadata-Flavor", "Google").status()).isEqualTo(200);
        assertThat(client.get("/").status()).isEqualTo(200);

        setFaults("{\"outage\": false}");
        assertThat(writeOne(uuid()).status()).isEqualTo(200);
    }

    @Test
    void forbiddenAnswers403ToAuthenticatedRequestsAnd401StaysFirst() throws IOException {
        setFaults("{\"forbidden\": true}");

        EmulatorClient.Reply forbidden = writeOne(uuid());
        EmulatorClient.Reply noToken = client.postJson(IMAGE, null,
                YandexRequests.image("demo-product").record(uuid(), "sku-email", 1, Instant.now()).body());

        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.json().get("code").asInt()).isEqualTo(7);
        assertThat(forbidden.json().get("message").asText()).isEqualTo("Forbidden");
        assertThat(writeAzure().status()).isEqualTo(403);
        assertThat(noToken.status()).isEqualTo(401);
        assertThat(emu.ledger().acceptedCount()).isZero();
    }

    @Test
    void forbiddenRequestsAnswerTheNextFewWith403AndCountDown() throws IOException {
        assertThat(setFaults("{\"forbiddenRequests\": 2}").json().get("forbiddenRequests").asInt()).isEqualTo(2);

        assertThat(writeOne(uuid()).status()).isEqualTo(403);
        assertThat(emu.faults().current().forbiddenRequests()).isEqualTo(1);
        assertThat(writeAzure().status()).isEqualTo(403);
        assertThat(writeOne(uuid()).status()).isEqualTo(200);
        assertThat(emu.faults().current().forbiddenRequests()).isZero();
        assertThat(emu.ledger().acceptedCount()).isEqualTo(1);
    }

    @Test
    void aRefusedSkuRefusesEveryRequestHoldingItAsAWholeAndStoresNothing() throws IOException {
        setFaults("{\"refusedSku\": \"sku-email\", \"refusedStatus\": 422}");

        EmulatorClient.Reply mixed = client.postJson(IMAGE, "demo-token", YandexRequests.image("demo-product")
                .record(uuid(), "sku-request", 1, Instant.now())
                .record(uuid(), "sku-email", 1, Instant.now()).body());
        EmulatorClient.Reply other = client.postJson(IMAGE, "demo-token", YandexRequests.image("demo-product")
                .record(uuid(), "sku-request", 1, Instant.now()).body());
        setFaults("{\"refusedSku\": \"email\", \"refusedStatus\": 413}");
        EmulatorClient.Reply azure = writeAzure();

        assertThat(mixed.status()).isEqualTo(422);
        assertThat(mixed.json().get("message").asText()).contains("sku-email");
        assertThat(other.status()).isEqualTo(200);
        assertThat(azure.status()).isEqualTo(413);
        assertThat(emu.ledger().acceptedCount()).isEqualTo(1);
        assertThat(emu.ledger().azureEvents()).isEmpty();
        assertThat(setFaults("{\"refusedStatus\": 500}").status()).isEqualTo(400);
        assertThat(setFaults("{\"refusedSku\": null}").json().get("refusedSku").isNull()).isTrue();
    }

    @Test
    void metersRequestsInFlight() throws Exception {
        emu.faults().update(f -> f.withLatencyMs(2_000));
        assertThat(emu.meteringRequestsInFlight()).isZero();
        Thread writer = new Thread(() -> {
            try {
                writeOne(uuid());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        writer.start();

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> emu.meteringRequestsInFlight() == 1);
        writer.join(10_000);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> emu.meteringRequestsInFlight() == 0); // the answer may come first
    }

    @Test
    void latencyDelaysMeteringRequests() throws IOException {
        emu.faults().update(f -> f.withLatencyMs(150));

        long start = System.nanoTime();
        EmulatorClient.Reply reply = writeOne(uuid());
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(reply.status()).isEqualTo(200);
        assertThat(elapsedMs).isGreaterThanOrEqualTo(150);
    }

    @Test
    void clockOffsetMakesARecordOfNowExpired() throws IOException {
        assertThat(setFaults("{\"clockOffsetSeconds\": 3700}").json().get("clockOffsetSeconds").asLong()).isEqualTo(3700);

        EmulatorClient.Reply reply = writeOne(uuid());

        assertThat(reply.json().at("/rejected/0/reason").asText()).isEqualTo("EXPIRED");
        assertThat(emu.clock().offset()).isEqualTo(Duration.ofSeconds(3700));
    }

    @Test
    void clockAdvanceEndpointMovesTheClockForward() throws IOException {
        Instant before = emu.clock().now();

        EmulatorClient.Reply advanced = client.postRaw(AdminApi.CLOCK_ADVANCE_PATH + "?seconds=1800", null, "");
        client.postRaw(AdminApi.CLOCK_ADVANCE_PATH + "?seconds=1900", null, "");

        assertThat(advanced.json().get("clockOffsetSeconds").asLong()).isEqualTo(1800);
        assertThat(emu.clock().offset()).isEqualTo(Duration.ofSeconds(3700));
        assertThat(emu.clock().now()).isAfter(before.plusSeconds(3699));
        assertThat(writeOne(uuid()).json().at("/rejected/0/reason").asText()).isEqualTo("EXPIRED");
        assertThat(client.postRaw(AdminApi.CLOCK_ADVANCE_PATH + "?seconds=soon", null, "").status()).isEqualTo(400);
    }

    @Test
    void adminUpdatesArePartialAndGetShowsThem() throws IOException {
        setFaults("{\"errorRate\": 0.25, \"errorStatus\": 429}");
        setFaults("{\"latencyMs\": 5}");

        var faults = client.get(AdminApi.FAULTS_PATH).json();

        assertThat(faults.get("errorRate").asDouble()).isEqualTo(0.25);
        assertThat(faults.get("errorStatus").asInt()).isEqualTo(429);
        assertThat(faults.get("latencyMs").asLong()).isEqualTo(5);
        assertThat(faults.get("retryAfterSeconds").isNull()).isTrue();
        assertThat(faults.get("outage").asBoolean()).isFalse();
        assertThat(emu.faults().current()).isEqualTo(FaultSettings.none().withErrorRate(0.25).withErrorStatus(429).withLatencyMs(5));
    }

    @Test
    void invalidFaultUpdatesAreRejectedAndChangeNothing() throws IOException {
        for (String bad : List.of("{\"errorRate\": 2}", "{\"errorStatus\": 404}", "{\"errorRat\": 0.1}",
                "{\"outage\": \"yes\"}", "{\"latencyMs\": -1}", "[]", "{not json")) {
            EmulatorClient.Reply reply = setFaults(bad);
            assertThat(reply.status()).as(bad).isEqualTo(400);
            assertThat(reply.json().get("message").asText()).as(bad).isNotBlank();
        }
        assertThat(emu.faults().current()).isEqualTo(FaultSettings.none());
    }

    @Test
    void resetClearsLedgerFaultsAndClockOffset() throws IOException {
        writeOne(uuid());
        setFaults("{\"outage\": true, \"clockOffsetSeconds\": 60}");

        EmulatorClient.Reply reply = client.postRaw(AdminApi.RESET_PATH, null, "");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(emu.ledger().acceptedCount()).isZero();
        assertThat(emu.faults().current()).isEqualTo(FaultSettings.none());
        assertThat(emu.clock().offset()).isZero();
        assertThat(writeOne(uuid()).status()).isEqualTo(200);
    }

    @Test
    void faultsGivenAtStartApply() throws IOException {
        try (MarketplaceEmulator faulty = MarketplaceEmulator.start(EmulatorSettings.defaults().withPort(0)
                .withFaults(FaultSettings.none().withOutage(true)))) {
            EmulatorClient other = new EmulatorClient(faulty.baseUri());
            assertThat(other.postJson(IMAGE, "demo-token", YandexRequests.image("demo-product")
                    .record(uuid(), "sku-email", 1, Instant.now()).body()).status()).isEqualTo(503);
        }
    }

    @Test
    void theSameSeedGivesTheSameFaultsAndResetStartsTheSequenceAgain() throws IOException {
        EmulatorSettings settings = EmulatorSettings.defaults().withPort(0).withSeed(7)
                .withFaults(FaultSettings.none().withErrorRate(0.5));
        List<Integer> first;
        List<Integer> second;
        List<Integer> afterReset;
        try (MarketplaceEmulator a = MarketplaceEmulator.start(settings);
             MarketplaceEmulator b = MarketplaceEmulator.start(settings)) {
            first = statuses(new EmulatorClient(a.baseUri()), 20);
            second = statuses(new EmulatorClient(b.baseUri()), 20);
            a.reset();
            a.faults().set(FaultSettings.none().withErrorRate(0.5));
            afterReset = statuses(new EmulatorClient(a.baseUri()), 20);
        }

        assertThat(first).contains(200, 503);
        assertThat(second).isEqualTo(first);
        assertThat(afterReset).isEqualTo(first);
    }

    private static List<Integer> statuses(EmulatorClient target, int count) throws IOException {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            statuses.add(target.postJson(IMAGE, "demo-token", YandexRequests.image("demo-product")
                    .record(uuid(), "sku-email", 1, Instant.now()).body()).status());
        }
        return statuses;
    }
}
