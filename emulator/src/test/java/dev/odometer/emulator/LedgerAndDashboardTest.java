package dev.odometer.emulator;

import static dev.odometer.emulator.YandexRequests.IMAGE;
import static dev.odometer.emulator.YandexRequests.uuid;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LedgerAndDashboardTest {

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

    /** Three minutes of traffic, 40 to 38 minutes ago, plus one duplicate and one expired record. */
    private static Instant feed() throws IOException {
        Instant minute = emu.clock().now().truncatedTo(ChronoUnit.MINUTES).minusSeconds(40 * 60);
        String duplicate = uuid();
        client.postJson(IMAGE, "demo-token", YandexRequests.image("demo-product")
                .record(duplicate, "sku-email", 3, minute.plusSeconds(5))
                .record(uuid(), "sku-email", 4, minute.plusSeconds(50))
                .record(uuid(), "sku-request", 100, minute.plusSeconds(59)).body());
        client.postJson(IMAGE, "demo-token", YandexRequests.image("demo-product")
                .record(uuid(), "sku-email", 10, minute.plusSeconds(60))
                .record(uuid(), "sku-request", 250, minute.plusSeconds(150))
                .record(duplicate, "sku-email", 3, minute.plusSeconds(5))
                .record(uuid(), "sku-email", 1, minute.minusSeconds(3600)).body());
        client.postJson(AzureEvents.BATCH, "demo-token", AzureEvents.batch(
                AzureEvents.event("demo-subscription", "email", 17, minute),
                AzureEvents.event("demo-subscription", "email", 1, minute.plusSeconds(1)),
                AzureEvents.event("demo-subscription", "request", 2.5, minute)));
        return minute;
    }

    @Test
    void ledgerJsonHasTotalsRejectionsAndUnitsPerMinute() throws IOException {
        Instant minute = feed();

        JsonNode ledger = client.get(LedgerApi.LEDGER_PATH).json();

        assertThat(Instant.parse(ledger.get("now").asText())).isNotNull();
        assertThat(ledger.get("acceptedRecords").asInt()).isEqualTo(5);
        assertThat(ledger.at("/totalsBySku/sku-email").asLong()).isEqualTo(17);
        assertThat(ledger.at("/totalsBySku/sku-request").asLong()).isEqualTo(350);
        assertThat(ledger.get("totalsBySku").has("sku-storage")).isFalse();
        assertThat(ledger.at("/rejectionsByReason/DUPLICATE").asLong()).isEqualTo(1);
        assertThat(ledger.at("/rejectionsByReason/EXPIRED").asLong()).isEqualTo(1);
        JsonNode email = ledger.at("/unitsPerMinute/sku-email");
        assertThat(email.get(minute.toString()).asLong()).isEqualTo(7);
        assertThat(email.get(minute.plusSeconds(60).toString()).asLong()).isEqualTo(10);
        assertThat(email.size()).isEqualTo(2);
        JsonNode request = ledger.at("/unitsPerMinute/sku-request");
        assertThat(request.get(minute.toString()).asLong()).isEqualTo(100);
        assertThat(request.get(minute.plusSeconds(120).toString()).asLong()).isEqualTo(250);
        assertThat(ledger.at("/products/demo-product")).extracting(JsonNode::asText)
                .containsExactly("sku-email", "sku-request", "sku-storage");
    }

    @Test
    void ledgerJsonHasAzureEventsTotalsPerHourAndRejections() throws IOException {
        Instant minute = feed();
        String hour = minute.truncatedTo(ChronoUnit.HOURS).toString();

        JsonNode azure = client.get(LedgerApi.LEDGER_PATH).json().get("azure");

        assertThat(azure.get("acceptedEvents")).hasSize(2);
        JsonNode first = azure.get("acceptedEvents").get(0);
        assertThat(first.get("resourceId").asText()).isEqualTo("demo-subscription");
        assertThat(first.get("dimension").asText()).isEqualTo("email");
        assertThat(first.get("quantity").decimalValue()).isEqualByComparingTo("17");
        assertThat(first.get("planId").asText()).isEqualTo("demo-plan");
        assertThat(first.get("usageEventId").asText()).isNotBlank();
        assertThat(Instant.parse(first.get("effectiveStartTime").asText())).isEqualTo(minute);
        assertThat(azure.at("/totals/demo-subscription/email").get(hour).decimalValue()).isEqualByComparingTo("17");
        assertThat(azure.at("/totals/demo-subscription/request").get(hour).decimalValue()).isEqualByComparingTo("2.5");
        assertThat(azure.at("/rejectionsByStatus/Duplicate").asLong()).isEqualTo(1);
    }

    @Test
    void recordsEndpointListsEveryAcceptedRecord() throws IOException {
        Instant minute = feed();

        JsonNode body = client.get(LedgerApi.RECORDS_PATH).json();

        assertThat(body.get("count").asInt()).isEqualTo(5);
        JsonNode first = body.get("records").get(0);
        assertThat(first.get("uuid").asText()).hasSize(36);
        assertThat(first.get("productId").asText()).isEqualTo("demo-product");
        assertThat(first.get("skuId").asText()).isEqualTo("sku-email");
        assertThat(first.get("quantity").asLong()).isEqualTo(3);
        assertThat(Instant.parse(first.get("timestamp").asText())).isEqualTo(minute.plusSeconds(5));
        assertThat(Instant.parse(first.get("receivedAt").asText())).isAfter(minute);
        assertThat(body.get("records")).extracting(r -> r.get("quantity").asLong()).containsExactly(3L, 4L, 100L, 10L, 250L);
    }

    @Test
    void javaViewAgreesWithTheJson() throws IOException {
        Instant minute = feed();

        Ledger ledger = emu.ledger();

        assertThat(ledger.totalsBySku()).isEqualTo(Map.of("sku-email", 17L, "sku-request", 350L));
        assertThat(ledger.acceptedCount()).isEqualTo(5);
        assertThat(ledger.rejectionsByReason()).isEqualTo(Map.of("DUPLICATE", 1L, "EXPIRED", 1L));
        assertThat(ledger.unitsPerMinute().get("sku-email")).isEqualTo(Map.of(minute, 7L, minute.plusSeconds(60), 10L));
        assertThat(ledger.azureEvents()).extracting(Ledger.AzureEvent::dimension).containsExactly("email", "request");
        assertThat(ledger.azureRejectionsByStatus()).isEqualTo(Map.of("Duplicate", 1L));
    }

    @Test
    void resetEmptiesTheLedgerJson() throws IOException {
        feed();
        client.postRaw(AdminApi.RESET_PATH, null, "");

        JsonNode ledger = client.get(LedgerApi.LEDGER_PATH).json();

        assertThat(ledger.get("acceptedRecords").asInt()).isZero();
        assertThat(ledger.get("totalsBySku")).isEmpty();
        assertThat(ledger.get("unitsPerMinute")).isEmpty();
        assertThat(ledger.at("/azure/acceptedEvents")).isEmpty();
    }

    @Test
    void dashboardIsASelfContainedPageThatPollsTheLedger() throws IOException {
        EmulatorClient.Reply page = client.get("/");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.body()).contains("<title>Odometer", "fetch(\"/ledger\"", "setInterval(refresh, 2000)", "createElementNS");
        assertThat(page.body()).doesNotContain("<script src", "<link ", "@import", "https://");
    }
}
