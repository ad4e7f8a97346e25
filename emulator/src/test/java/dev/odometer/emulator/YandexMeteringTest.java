package dev.odometer.emulator;

import static dev.odometer.emulator.YandexRequests.IMAGE;
import static dev.odometer.emulator.YandexRequests.SAAS;
import static dev.odometer.emulator.YandexRequests.uuid;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class YandexMeteringTest {

    private static MarketplaceEmulator emu;
    private static EmulatorClient client;

    @BeforeAll
    static void start() {
        emu = MarketplaceEmulator.start(EmulatorSettings.defaults().withPort(0)
                .withProduct("other-product", "sku-other")
                .withSaasInstance("other-instance", "other-product"));
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

    private static EmulatorClient.Reply write(String path, YandexRequests request) throws IOException {
        return client.postJson(path, "demo-token", request.body());
    }

    private static Instant now() {
        return emu.clock().now();
    }

    private static String onlyRejection(EmulatorClient.Reply reply) {
        assertThat(reply.status()).isEqualTo(200);
        JsonNode json = reply.json();
        assertThat(json.get("accepted")).isEmpty();
        assertThat(json.get("rejected")).hasSize(1);
        return json.get("rejected").get(0).get("reason").asText();
    }

    // ---- accepted records, both field styles ----

    @Test
    void acceptsCamelCaseRecordWithStringQuantityAndEchoesIt() throws IOException {
        String id = uuid();
        Instant ts = now().minusSeconds(30);

        EmulatorClient.Reply reply = write(IMAGE, YandexRequests.image("demo-product").record(id, "sku-email", 7, ts));

        assertThat(reply.status()).isEqualTo(200);
        JsonNode accepted = reply.json().get("accepted");
        assertThat(accepted).hasSize(1);
        assertThat(accepted.get(0).get("uuid").asText()).isEqualTo(id);
        assertThat(accepted.get(0).get("skuId").asText()).isEqualTo("sku-email");
        assertThat(accepted.get(0).get("quantity").asText()).isEqualTo("7");
        assertThat(Instant.parse(accepted.get(0).get("timestamp").asText())).isEqualTo(ts);
        assertThat(reply.json().get("rejected")).isEmpty();
        assertThat(emu.ledger().totalForSku("sku-email")).isEqualTo(7);
        assertThat(emu.ledger().acceptedRecords()).singleElement().satisfies(r -> {
            assertThat(r.uuid()).isEqualTo(id);
            assertThat(r.productId()).isEqualTo("demo-product");
            assertThat(r.quantity()).isEqualTo(7);
            assertThat(r.timestamp()).isEqualTo(ts);
        });
    }

    @Test
    void acceptsSnakeCaseRecordWithNumericQuantity() throws IOException {
        EmulatorClient.Reply reply = write(IMAGE,
                YandexRequests.imageSnake("demo-product").recordNumeric(uuid(), "sku-request", 1200, now()));

        assertThat(reply.json().get("accepted")).hasSize(1);
        assertThat(emu.ledger().totalForSku("sku-request")).isEqualTo(1200);
    }

    @Test
    void acceptsRfc3339TimestampsWithOffsetAndWithoutFraction() throws IOException {
        Instant base = now().minusSeconds(120).truncatedTo(ChronoUnit.SECONDS);
        String withOffset = base.atOffset(ZoneOffset.ofHours(3)).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        String noFraction = base.plusSeconds(1).toString();
        String withFraction = base.plusMillis(2500).atOffset(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);

        EmulatorClient.Reply reply = write(IMAGE, YandexRequests.image("demo-product")
                .record(uuid(), "sku-email", "1", withOffset)
                .record(uuid(), "sku-email", "1", noFraction)
                .record(uuid(), "sku-email", "1", withFraction));

        assertThat(withOffset).endsWith("+03:00");
        assertThat(reply.json().get("rejected")).isEmpty();
        assertThat(emu.ledger().acceptedRecords()).extracting(Ledger.YandexRecord::timestamp)
                .containsExactly(base, base.plusSeconds(1), base.plusMillis(2500));
    }

    @Test
    void saasInstanceIsValidatedAgainstItsProductsSkus() throws IOException {
        EmulatorClient.Reply camel = write(SAAS, YandexRequests.saas("demo-instance").record(uuid(), "sku-storage", 3, now()));
        EmulatorClient.Reply snake = write(SAAS, YandexRequests.saasSnake("demo-instance").record(uuid(), "sku-storage", 4, now()));
        EmulatorClient.Reply otherProductsSku = write(SAAS, YandexRequests.saas("demo-instance").record(uuid(), "sku-other", 1, now()));

        assertThat(camel.json().get("accepted")).hasSize(1);
        assertThat(snake.json().get("accepted")).hasSize(1);
        assertThat(onlyRejection(otherProductsSku)).isEqualTo("INVALID_SKU_ID");
        assertThat(emu.ledger().totalForSku("sku-storage")).isEqualTo(7);
        assertThat(emu.ledger().acceptedRecords()).allSatisfy(r -> assertThat(r.productId()).isEqualTo("demo-product"));
    }

    // ---- each rejection reason ----

    @Test
    void unknownProductRejectsEveryRecord() throws IOException {
        EmulatorClient.Reply reply = write(IMAGE, YandexRequests.image("no-such-product")
                .record(uuid(), "sku-email", 1, now())
                .record("not-a-uuid", "sku-email", 0, now()));

        assertThat(reply.json().get("accepted")).isEmpty();
        assertThat(reply.json().get("rejected")).extracting(r -> r.get("reason").asText())
                .containsExactly("INVALID_PRODUCT_ID", "INVALID_PRODUCT_ID");
        assertThat(emu.ledger().rejectionsByReason()).containsEntry("INVALID_PRODUCT_ID", 2L);
    }

    @Test
    void unknownSaasInstanceRejectsEveryRecordAsInvalidProduct() throws IOException {
        EmulatorClient.Reply reply = write(SAAS, YandexRequests.saas("no-such-instance").record(uuid(), "sku-email", 1, now()));

        assertThat(onlyRejection(reply)).isEqualTo("INVALID_PRODUCT_ID");
    }

    @ParameterizedTest
    @ValueSource(strings = {"not-a-uuid", "", "123e4567-e89b-12d3-a456-4266141740000", "123e4567e89b12d3a456426614174000x"})
    void recordIdThatIsNotAUuidIsInvalidId(String badId) throws IOException {
        EmulatorClient.Reply reply = write(IMAGE, YandexRequests.image("demo-product").record(badId, "sku-email", 1, now()));

        assertThat(onlyRejection(reply)).isEqualTo("INVALID_ID");
        assertThat(reply.json().get("rejected").get(0).get("uuid").asText()).isEqualTo(badId);
    }

    @Test
    void missingUuidIsInvalidId() throws IOException {
        YandexRequests request = YandexRequests.image("demo-product");
        request.rawRecord().put("skuId", "sku-email").put("quantity", "1").put("timestamp", now().toString());

        assertThat(onlyRejection(write(IMAGE, request))).isEqualTo("INVALID_ID");
    }

    @Test
    void skuNotOfTheProductIsInvalidSkuId() throws IOException {
        EmulatorClient.Reply unknown = write(IMAGE, YandexRequests.image("demo-product").record(uuid(), "sku-nope", 1, now()));
        EmulatorClient.Reply otherProducts = write(IMAGE, YandexRequests.image("demo-product").record(uuid(), "sku-other", 1, now()));

        assertThat(onlyRejection(unknown)).isEqualTo("INVALID_SKU_ID");
        assertThat(onlyRejection(otherProducts)).isEqualTo("INVALID_SKU_ID");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-5", "1.5", "abc", "9223372036854775808", ""})
    void quantityNotAPositiveInt64IsInvalidQuantity(String quantity) throws IOException {
        EmulatorClient.Reply reply = write(IMAGE, YandexRequests.image("demo-product")
                .record(uuid(), "sku-email", quantity, now().toString()));

        assertThat(onlyRejection(reply)).isEqualTo("INVALID_QUANTITY");
    }

    @Test
    void numericQuantityThatIsZeroFractionalOrMissingIsInvalidQuantity() throws IOException {
        YandexRequests request = YandexRequests.image("demo-product");
        request.rawRecord().put("uuid", uuid()).put("skuId", "sku-email").put("quantity", 0).put("timestamp", now().toString());
        request.rawRecord().put("uuid", uuid()).put("skuId", "sku-email").put("quantity", new BigDecimal("2.5"))
                .put("timestamp", now().toString());
        request.rawRecord().put("uuid", uuid()).put("skuId", "sku-email").put("timestamp", now().toString());

        EmulatorClient.Reply reply = write(IMAGE, request);

        assertThat(reply.json().get("rejected")).extracting(r -> r.get("reason").asText())
                .containsExactly("INVALID_QUANTITY", "INVALID_QUANTITY", "INVALID_QUANTITY");
    }

    @Test
    void timestampBeyondTheFutureToleranceIsInvalidTimestamp() throws IOException {
        EmulatorClient.Reply tooFar = write(IMAGE, YandexRequests.image("demo-product")
                .record(uuid(), "sku-email", 1, now().plusSeconds(120)));
        EmulatorClient.Reply withinTolerance = write(IMAGE, YandexRequests.image("demo-product")
                .record(uuid(), "sku-email", 1, now().plusSeconds(30)));

        assertThat(onlyRejection(tooFar)).isEqualTo("INVALID_TIMESTAMP");
        assertThat(withinTolerance.json().get("accepted")).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"yesterday", "2024-09-16 19:01:10Z", "2024-09-16T19:01:10", "1726513270"})
    void timestampThatIsNotRfc3339IsInvalidTimestamp(String timestamp) throws IOException {
        EmulatorClient.Reply reply = write(IMAGE, YandexRequests.image("demo-product")
                .record(uuid(), "sku-email", "1", timestamp));

        assertThat(onlyRejection(reply)).isEqualTo("INVALID_TIMESTAMP");
    }

    @Test
    void recordOlderThanAnHourIsExpired() throws IOException {
        EmulatorClient.Reply expired = write(IMAGE, YandexRequests.image("demo-product")
                .record(uuid(), "sku-email", 1, now().minus(Duration.ofMinutes(61))));
        EmulatorClient.Reply fresh = write(IMAGE, YandexRequests.image("demo-product")
                .record(uuid(), "sku-email", 1, now().minus(Duration.ofMinutes(59))));

        assertThat(onlyRejection(expired)).isEqualTo("EXPIRED");
        assertThat(fresh.json().get("accepted")).hasSize(1);
    }

    @Test
    void uuidAcceptedBeforeIsDuplicateAndDoesNotChangeTheLedger() throws IOException {
        String id = uuid();
        write(IMAGE, YandexRequests.image("demo-product").record(id, "sku-email", 5, now()));

        EmulatorClient.Reply again = write(IMAGE, YandexRequests.image("demo-product").record(id, "sku-email", 100, now()));
        EmulatorClient.Reply viaOtherSku = write(IMAGE, YandexRequests.image("demo-product").record(id, "sku-request", 100, now()));

        assertThat(onlyRejection(again)).isEqualTo("DUPLICATE");
        assertThat(onlyRejection(viaOtherSku)).isEqualTo("DUPLICATE");
        assertThat(emu.ledger().totalsBySku()).containsOnly(java.util.Map.entry("sku-email", 5L));
        assertThat(emu.ledger().acceptedCount()).isEqualTo(1);
        assertThat(emu.ledger().rejectionsByReason()).containsOnly(java.util.Map.entry("DUPLICATE", 2L));
    }

    @Test
    void uuidTwiceInOneRequestIsAcceptedOnceThenDuplicate() throws IOException {
        String id = uuid();
        EmulatorClient.Reply reply = write(IMAGE, YandexRequests.image("demo-product")
                .record(id, "sku-email", 5, now())
                .record(id, "sku-email", 5, now()));

        assertThat(reply.json().get("accepted")).hasSize(1);
        assertThat(reply.json().get("rejected").get(0).get("reason").asText()).isEqualTo("DUPLICATE");
        assertThat(emu.ledger().totalForSku("sku-email")).isEqualTo(5);
    }

    @Test
    void checksRunInYandexOrder() throws IOException {
        String accepted = uuid();
        write(IMAGE, YandexRequests.image("demo-product").record(accepted, "sku-email", 1, now()));

        EmulatorClient.Reply reply = write(IMAGE, YandexRequests.image("demo-product")
                .record("bad-id", "sku-nope", "0", "garbage")                                   // id before sku
                .record(uuid(), "sku-nope", "0", "garbage")                                     // sku before quantity
                .record(uuid(), "sku-email", "0", "garbage")                                    // quantity before timestamp
                .record(uuid(), "sku-email", "1", now().plusSeconds(3600).toString())           // future
                .record(accepted, "sku-email", "1", now().minusSeconds(7200).toString()));      // expired before duplicate

        assertThat(reply.json().get("rejected")).extracting(r -> r.get("reason").asText())
                .containsExactly("INVALID_ID", "INVALID_SKU_ID", "INVALID_QUANTITY", "INVALID_TIMESTAMP", "EXPIRED");
    }

    @Test
    void mixedRequestAcceptsTheGoodAndRejectsTheBadInOneResponse() throws IOException {
        String good1 = uuid();
        String good2 = uuid();
        EmulatorClient.Reply reply = write(IMAGE, YandexRequests.image("demo-product")
                .record(good1, "sku-email", 2, now())
                .record("nope", "sku-email", 2, now())
                .record(good2, "sku-request", 3, now()));

        assertThat(reply.json().get("accepted")).extracting(r -> r.get("uuid").asText()).containsExactly(good1, good2);
        assertThat(reply.json().get("rejected")).extracting(r -> r.get("uuid").asText()).containsExactly("nope");
        assertThat(emu.ledger().totalsBySku()).containsEntry("sku-email", 2L).containsEntry("sku-request", 3L);
    }

    // ---- validateOnly / dryRun ----

    @Test
    void validateOnlyRunsEveryCheckButWritesNothing() throws IOException {
        String id = uuid();
        EmulatorClient.Reply check = write(IMAGE, YandexRequests.image("demo-product").validateOnly()
                .record(id, "sku-email", 5, now())
                .record(uuid(), "sku-nope", 5, now()));

        assertThat(check.json().get("accepted")).extracting(r -> r.get("uuid").asText()).containsExactly(id);
        assertThat(check.json().get("rejected")).extracting(r -> r.get("reason").asText()).containsExactly("INVALID_SKU_ID");
        assertThat(emu.ledger().acceptedCount()).isZero();
        assertThat(emu.ledger().totalsBySku()).isEmpty();
        assertThat(emu.ledger().rejectionsByReason()).isEmpty();

        EmulatorClient.Reply real = write(IMAGE, YandexRequests.image("demo-product").record(id, "sku-email", 5, now()));
        assertThat(real.json().get("accepted")).hasSize(1); // the check did not mark the uuid as seen
        assertThat(emu.ledger().totalForSku("sku-email")).isEqualTo(5);
    }

    @Test
    void validateOnlyInSnakeCaseAndDryRunForSaasWriteNothing() throws IOException {
        EmulatorClient.Reply image = write(IMAGE, YandexRequests.imageSnake("demo-product").validateOnly()
                .record(uuid(), "sku-email", 5, now()));
        EmulatorClient.Reply saas = write(SAAS, YandexRequests.saas("demo-instance").dryRun().record(uuid(), "sku-email", 5, now()));
        EmulatorClient.Reply saasSnake = write(SAAS, YandexRequests.saasSnake("demo-instance").dryRun()
                .record(uuid(), "sku-email", 5, now()));

        assertThat(List.of(image, saas, saasSnake)).allSatisfy(r -> assertThat(r.json().get("accepted")).hasSize(1));
        assertThat(emu.ledger().acceptedCount()).isZero();
    }

    @Test
    void validateOnlyStillSeesDuplicatesOfAcceptedRecords() throws IOException {
        String id = uuid();
        write(IMAGE, YandexRequests.image("demo-product").record(id, "sku-email", 5, now()));

        EmulatorClient.Reply check = write(IMAGE, YandexRequests.image("demo-product").validateOnly().record(id, "sku-email", 5, now()));

        assertThat(onlyRejection(check)).isEqualTo("DUPLICATE");
        assertThat(emu.ledger().rejectionsByReason()).isEmpty();
    }

    // ---- whole-request errors ----

    @Test
    void twentyFiveRecordsAreAcceptedTwentySixAreABadRequest() throws IOException {
        YandexRequests max = YandexRequests.image("demo-product");
        YandexRequests tooMany = YandexRequests.image("demo-product");
        for (int i = 0; i < 25; i++) {
            max.record(uuid(), "sku-email", 1, now());
            tooMany.record(uuid(), "sku-email", 1, now());
        }
        tooMany.record(uuid(), "sku-email", 1, now());

        EmulatorClient.Reply ok = write(IMAGE, max);
        EmulatorClient.Reply rejected = write(IMAGE, tooMany);

        assertThat(ok.json().get("accepted")).hasSize(25);
        assertThat(rejected.status()).isEqualTo(400);
        assertThat(rejected.json().get("code").asInt()).isEqualTo(3);
        assertThat(rejected.json().get("message").asText()).contains("25");
        assertThat(emu.ledger().totalForSku("sku-email")).isEqualTo(25);
    }

    @Test
    void emptyOrMissingUsageRecordsIsABadRequest() throws IOException {
        ObjectNode missing = EmulatorClient.JSON.createObjectNode().put("productId", "demo-product");

        assertBadRequest(client.postJson(IMAGE, "demo-token", YandexRequests.image("demo-product").body()));
        assertBadRequest(client.postJson(IMAGE, "demo-token", missing));
    }

    @Test
    void missingOrOverlongProductIdIsABadRequest() throws IOException {
        ObjectNode noProduct = YandexRequests.image("x").record(uuid(), "sku-email", 1, now()).body();
        noProduct.remove("productId");

        assertBadRequest(client.postJson(IMAGE, "demo-token", noProduct));
        assertBadRequest(write(IMAGE, YandexRequests.image("p".repeat(51)).record(uuid(), "sku-email", 1, now())));
        assertBadRequest(write(SAAS, YandexRequests.saas("").record(uuid(), "sku-email", 1, now())));
        assertThat(onlyRejection(write(IMAGE, YandexRequests.image("p".repeat(50)).record(uuid(), "sku-email", 1, now()))))
                .isEqualTo("INVALID_PRODUCT_ID");
    }

    @Test
    void malformedJsonOrWrongShapesAreBadRequests() throws IOException {
        assertBadRequest(client.postRaw(IMAGE, "demo-token", "{\"productId\": \"demo-product\", "));
        assertBadRequest(client.postRaw(IMAGE, "demo-token", "[1, 2]"));
        assertBadRequest(client.postRaw(IMAGE, "demo-token", ""));
        ObjectNode recordNotObject = YandexRequests.image("demo-product").body();
        ((com.fasterxml.jackson.databind.node.ArrayNode) recordNotObject.get("usageRecords")).add("text");
        assertBadRequest(client.postJson(IMAGE, "demo-token", recordNotObject));
        ObjectNode validateOnlyNotBoolean = YandexRequests.image("demo-product").record(uuid(), "sku-email", 1, now()).body();
        validateOnlyNotBoolean.put("validateOnly", "yes");
        assertBadRequest(client.postJson(IMAGE, "demo-token", validateOnlyNotBoolean));
        assertThat(emu.ledger().acceptedCount()).isZero();
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405() throws IOException {
        assertThat(client.get("/marketplace/metering/v1/nothing").status()).isEqualTo(404);
        assertThat(client.get(IMAGE).status()).isEqualTo(405);
    }

    @Test
    void concurrentWritesOfOneUuidAcceptItExactlyOnce() throws Exception {
        String id = uuid();
        List<Thread> threads = new ArrayList<>();
        List<Integer> acceptedCounts = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 6; i++) {
            Thread thread = new Thread(() -> {
                try {
                    EmulatorClient.Reply reply = write(IMAGE, YandexRequests.image("demo-product").record(id, "sku-email", 1, now()));
                    acceptedCounts.add(reply.json().get("accepted").size());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }

        assertThat(acceptedCounts).hasSize(6);
        assertThat(acceptedCounts.stream().mapToInt(Integer::intValue).sum()).isEqualTo(1);
        assertThat(emu.ledger().totalForSku("sku-email")).isEqualTo(1);
        assertThat(emu.ledger().rejectionsByReason()).containsEntry("DUPLICATE", 5L);
    }

    private static void assertBadRequest(EmulatorClient.Reply reply) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(reply.json().get("code").asInt()).isEqualTo(3);
        assertThat(reply.json().get("message").asText()).isNotBlank();
    }
}
