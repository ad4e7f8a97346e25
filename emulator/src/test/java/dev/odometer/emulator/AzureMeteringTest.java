package dev.odometer.emulator;

import static dev.odometer.emulator.AzureEvents.BATCH;
import static dev.odometer.emulator.AzureEvents.SINGLE;
import static dev.odometer.emulator.AzureEvents.batch;
import static dev.odometer.emulator.AzureEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AzureMeteringTest {

    private static final String MANAGED_APP =
            "/subscriptions/sub-1/resourceGroups/rg/providers/Microsoft.Solutions/applications/demo-app";
    private static MarketplaceEmulator emu;
    private static EmulatorClient client;

    @BeforeAll
    static void start() {
        emu = MarketplaceEmulator.start(EmulatorSettings.defaults().withPort(0)
                .withAzureResource("gone-subscription", "demo-plan", false)
                .withAzureResource("partner-subscription", "demo-plan", true, "partner-client")
                .withAzureResource(MANAGED_APP, "demo-plan", true)
                .withAadClient("partner-client", "partner-secret"));
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

    /** The start of the hour three hours ago: inside the 24-hour window, never in the future. */
    private static Instant hourAgo(int hours) {
        return emu.clock().now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(hours));
    }

    private static JsonNode onlyResult(ObjectNode event) throws IOException {
        EmulatorClient.Reply reply = client.postJson(BATCH, "demo-token", batch(event));
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.json().get("count").asInt()).isEqualTo(1);
        return reply.json().get("result").get(0);
    }

    private static String status(ObjectNode event) throws IOException {
        return onlyResult(event).get("status").asText();
    }

    private static String aadToken(String clientId, String secret) throws IOException {
        return client.postForm("/tenant-1/oauth2/token", AzureEvents.clientCredentials(clientId, secret))
                .json().get("access_token").asText();
    }

    @Test
    void acceptedEventComesBackWithItsFieldsAndIsInTheLedger() throws IOException {
        Instant start = hourAgo(2).plusSeconds(600);

        JsonNode result = onlyResult(event("demo-subscription", "email", 12.5, start));

        assertThat(result.get("status").asText()).isEqualTo("Accepted");
        assertThat(UUID.fromString(result.get("usageEventId").asText())).isNotNull();
        assertThat(Instant.parse(result.get("messageTime").asText())).isNotNull();
        assertThat(result.get("resourceId").asText()).isEqualTo("demo-subscription");
        assertThat(result.get("quantity").decimalValue()).isEqualByComparingTo("12.5");
        assertThat(result.get("dimension").asText()).isEqualTo("email");
        assertThat(Instant.parse(result.get("effectiveStartTime").asText())).isEqualTo(start);
        assertThat(result.get("planId").asText()).isEqualTo("demo-plan");
        assertThat(result.has("error")).isFalse();
        assertThat(emu.ledger().azureEvents()).singleElement().satisfies(e -> {
            assertThat(e.usageEventId()).isEqualTo(result.get("usageEventId").asText());
            assertThat(e.hour()).isEqualTo(hourAgo(2));
        });
        assertThat(emu.ledger().azureTotal("demo-subscription", "email")).isEqualByComparingTo("12.5");
    }

    @Test
    void secondEventInTheSameCalendarHourIsDuplicateWhateverItsQuantity() throws IOException {
        Instant hour = hourAgo(3);
        JsonNode first = onlyResult(event("demo-subscription", "email", 5, hour.plusSeconds(5 * 60)));

        JsonNode second = onlyResult(event("demo-subscription", "email", 99, hour.plusSeconds(59 * 60 + 59)));
        JsonNode nextHour = onlyResult(event("demo-subscription", "email", 7, hour.plus(Duration.ofHours(1))));
        JsonNode otherDimension = onlyResult(event("demo-subscription", "request", 8, hour.plusSeconds(30 * 60)));

        assertThat(second.get("status").asText()).isEqualTo("Duplicate");
        assertThat(second.at("/error/additionalInfo/acceptedMessage/usageEventId").asText())
                .isEqualTo(first.get("usageEventId").asText());
        assertThat(second.at("/error/code").asText()).isEqualTo("Conflict");
        assertThat(nextHour.get("status").asText()).isEqualTo("Accepted");
        assertThat(otherDimension.get("status").asText()).isEqualTo("Accepted");
        assertThat(emu.ledger().azureTotal("demo-subscription", "email")).isEqualByComparingTo("12");
        assertThat(emu.ledger().azureRejectionsByStatus()).containsEntry("Duplicate", 1L);
    }

    @Test
    void twoEventsForOneHourInOneBatchAcceptOnlyTheFirst() throws IOException {
        Instant hour = hourAgo(4);
        EmulatorClient.Reply reply = client.postJson(BATCH, "demo-token", batch(
                event("demo-subscription", "email", 1, hour), event("demo-subscription", "email", 2, hour.plusSeconds(60))));

        assertThat(reply.json().get("result")).extracting(r -> r.get("status").asText())
                .containsExactly("Accepted", "Duplicate");
    }

    @Test
    void eventsOlderThan24HoursAreExpired() throws IOException {
        Instant now = emu.clock().now();

        assertThat(status(event("demo-subscription", "email", 1, now.minus(Duration.ofHours(24)).minusSeconds(60))))
                .isEqualTo("Expired");
        assertThat(status(event("demo-subscription", "email", 1, now.minus(Duration.ofHours(23)))))
                .isEqualTo("Accepted");
    }

    @Test
    void unknownResourceIsResourceNotFound() throws IOException {
        assertThat(status(event("no-such-subscription", "email", 1, hourAgo(1)))).isEqualTo("ResourceNotFound");
    }

    @Test
    void inactiveResourceIsResourceNotActive() throws IOException {
        assertThat(status(event("gone-subscription", "email", 1, hourAgo(1)))).isEqualTo("ResourceNotActive");
    }

    @Test
    void clientNotAllowedForTheResourceIsResourceNotAuthorized() throws IOException {
        ObjectNode body = batch(event("partner-subscription", "email", 1, hourAgo(1)));

        JsonNode demoClient = client.postJson(BATCH, aadToken("demo-client", "demo-secret"), body).json();
        JsonNode partnerClient = client.postJson(BATCH, aadToken("partner-client", "partner-secret"), body).json();

        assertThat(demoClient.at("/result/0/status").asText()).isEqualTo("ResourceNotAuthorized");
        assertThat(partnerClient.at("/result/0/status").asText()).isEqualTo("Accepted");
    }

    @Test
    void dimensionNotInThePlanIsInvalidDimension() throws IOException {
        JsonNode result = onlyResult(event("demo-subscription", "storage", 1, hourAgo(1)));

        assertThat(result.get("status").asText()).isEqualTo("InvalidDimension");
        assertThat(result.at("/error/code").asText()).isEqualTo("InvalidDimension");
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, -1, -0.5})
    void quantityNotAboveZeroIsInvalidQuantity(double quantity) throws IOException {
        assertThat(status(event("demo-subscription", "email", quantity, hourAgo(1)))).isEqualTo("InvalidQuantity");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dimension", "planId", "effectiveStartTime", "quantity", "resourceId"})
    void missingFieldIsBadArgument(String field) throws IOException {
        ObjectNode event = event("demo-subscription", "email", 1, hourAgo(1));
        event.remove(field);

        JsonNode result = onlyResult(event);

        assertThat(result.get("status").asText()).isEqualTo("BadArgument");
        assertThat(result.at("/error/message").asText()).contains(field);
    }

    @Test
    void futureOrMalformedTimeNonNumericQuantityAndWrongPlanAreBadArguments() throws IOException {
        ObjectNode future = event("demo-subscription", "email", 1, emu.clock().now().plus(Duration.ofMinutes(10)));
        ObjectNode malformed = event("demo-subscription", "email", 1, hourAgo(1)).put("effectiveStartTime", "yesterday");
        ObjectNode textQuantity = event("demo-subscription", "email", 1, hourAgo(1)).put("quantity", "lots");
        ObjectNode wrongPlan = event("demo-subscription", "email", 1, hourAgo(1)).put("planId", "gold-plan");

        assertThat(status(future)).isEqualTo("BadArgument");
        assertThat(status(malformed)).isEqualTo("BadArgument");
        assertThat(status(textQuantity)).isEqualTo("BadArgument");
        assertThat(status(wrongPlan)).isEqualTo("BadArgument");
        assertThat(emu.ledger().azureRejectionsByStatus()).containsEntry("BadArgument", 4L);
        assertThat(emu.ledger().azureEvents()).isEmpty();
    }

    @Test
    void effectiveStartTimeWithoutZoneIsUtcAndQuantityMayBeAString() throws IOException {
        Instant start = hourAgo(2).plusSeconds(90);
        ObjectNode event = event("demo-subscription", "email", 1, start)
                .put("effectiveStartTime", start.toString().replace("Z", ""))
                .put("quantity", "3.25");

        assertThat(status(event)).isEqualTo("Accepted");
        assertThat(emu.ledger().azureEvents().get(0).effectiveStartTime()).isEqualTo(start);
        assertThat(emu.ledger().azureEvents().get(0).quantity()).isEqualByComparingTo(new BigDecimal("3.25"));
    }

    @Test
    void managedApplicationReportsByResourceUri() throws IOException {
        ObjectNode event = event("x", "request", 4, hourAgo(1));
        event.remove("resourceId");
        event.put("resourceUri", MANAGED_APP);

        JsonNode result = onlyResult(event);

        assertThat(result.get("status").asText()).isEqualTo("Accepted");
        assertThat(result.get("resourceUri").asText()).isEqualTo(MANAGED_APP);
        assertThat(emu.ledger().azureTotal(MANAGED_APP, "request")).isEqualByComparingTo("4");
    }

    @Test
    void batchOf25IsAcceptedAndOf26IsABadRequest() throws IOException {
        ObjectNode max = batch();
        ObjectNode tooMany = batch();
        for (int i = 0; i < 26; i++) {
            ObjectNode event = event("demo-subscription", i % 2 == 0 ? "email" : "request", 1, hourAgo(1 + i / 2));
            if (i < 25) {
                max.withArray("request").add(event);
            }
            tooMany.withArray("request").add(event.deepCopy());
        }

        EmulatorClient.Reply rejected = client.postJson(BATCH, "demo-token", tooMany);
        EmulatorClient.Reply accepted = client.postJson(BATCH, "demo-token", max);

        assertThat(rejected.status()).isEqualTo(400);
        assertThat(rejected.json().get("code").asText()).isEqualTo("BadArgument");
        assertThat(accepted.json().get("count").asInt()).isEqualTo(25);
        assertThat(accepted.json().get("result")).allSatisfy(r -> assertThat(r.get("status").asText()).isEqualTo("Accepted"));
        assertThat(emu.ledger().azureEvents()).hasSize(25);
    }

    @Test
    void emptyBatchMalformedJsonAndMissingApiVersionAreBadRequests() throws IOException {
        assertThat(client.postJson(BATCH, "demo-token", batch()).status()).isEqualTo(400);
        assertThat(client.postRaw(BATCH, "demo-token", "{\"request\": [").status()).isEqualTo(400);
        assertThat(client.postJson(AzureMetering.BATCH_PATH, "demo-token",
                batch(event("demo-subscription", "email", 1, hourAgo(1)))).status()).isEqualTo(400);
        assertThat(emu.ledger().azureEvents()).isEmpty();
    }

    @Test
    void withoutATokenAzureAnswers401InItsOwnErrorStyle() throws IOException {
        EmulatorClient.Reply reply = client.postJson(BATCH, null, batch(event("demo-subscription", "email", 1, hourAgo(1))));

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.json().get("code").asText()).isEqualTo("Unauthorized");
    }

    // ---- single event ----

    @Test
    void singleEventIsAcceptedThenItsDuplicateIs409WithTheAcceptedMessage() throws IOException {
        Instant hour = hourAgo(1);
        EmulatorClient.Reply first = client.postJson(SINGLE, "demo-token", event("demo-subscription", "email", 3, hour));
        EmulatorClient.Reply again = client.postJson(SINGLE, "demo-token", event("demo-subscription", "email", 4, hour.plusSeconds(120)));

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().get("status").asText()).isEqualTo("Accepted");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("code").asText()).isEqualTo("Conflict");
        assertThat(again.json().get("message").asText()).isNotBlank();
        JsonNode original = again.json().at("/additionalInfo/acceptedMessage");
        assertThat(original.get("usageEventId").asText()).isEqualTo(first.json().get("usageEventId").asText());
        assertThat(original.get("quantity").decimalValue()).isEqualByComparingTo("3");
        assertThat(emu.ledger().azureTotal("demo-subscription", "email")).isEqualByComparingTo("3");
    }

    @Test
    void singleEventThatIsNotAcceptedGetsAnErrorStatus() throws IOException {
        EmulatorClient.Reply expired = client.postJson(SINGLE, "demo-token",
                event("demo-subscription", "email", 1, emu.clock().now().minus(Duration.ofHours(30))));
        EmulatorClient.Reply notAuthorized = client.postJson(SINGLE, aadToken("demo-client", "demo-secret"),
                event("partner-subscription", "email", 1, hourAgo(1)));

        assertThat(expired.status()).isEqualTo(400);
        assertThat(expired.json().get("code").asText()).isEqualTo("Expired");
        assertThat(notAuthorized.status()).isEqualTo(403);
        assertThat(notAuthorized.json().get("code").asText()).isEqualTo("ResourceNotAuthorized");
    }

    // ---- tokens ----

    @Test
    void clientCredentialsGrantIssuesAWorkingToken() throws IOException {
        EmulatorClient.Reply reply = client.postForm("/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/token",
                AzureEvents.clientCredentials("demo-client", "demo-secret"));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("token_type").asText()).isEqualTo("Bearer");
        assertThat(reply.json().get("expires_in").isTextual()).isTrue();
        assertThat(reply.json().get("expires_in").asText()).isEqualTo("3599");
        String token = reply.json().get("access_token").asText();
        assertThat(client.postJson(BATCH, token, batch(event("demo-subscription", "email", 1, hourAgo(1)))).status())
                .isEqualTo(200);
    }

    @Test
    void v2EndpointTakesAScope() throws IOException {
        EmulatorClient.Reply reply = client.postForm("/tenant-1/oauth2/v2.0/token",
                "grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret&scope="
                        + AzureEvents.enc(AzureAad.MARKETPLACE_RESOURCE + "/.default"));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("access_token").asText()).isNotBlank();
    }

    @Test
    void wrongSecretUnknownClientWrongResourceOrGrantAreRefused() throws IOException {
        EmulatorClient.Reply wrongSecret = client.postForm("/t/oauth2/token", AzureEvents.clientCredentials("demo-client", "nope"));
        EmulatorClient.Reply unknownClient = client.postForm("/t/oauth2/token", AzureEvents.clientCredentials("who", "demo-secret"));
        EmulatorClient.Reply wrongResource = client.postForm("/t/oauth2/token",
                "grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret&resource=https://management.azure.com/");
        EmulatorClient.Reply wrongGrant = client.postForm("/t/oauth2/token",
                "grant_type=password&client_id=demo-client&client_secret=demo-secret&resource=" + AzureAad.MARKETPLACE_RESOURCE);

        assertThat(wrongSecret.status()).isEqualTo(401);
        assertThat(wrongSecret.json().get("error").asText()).isEqualTo("invalid_client");
        assertThat(unknownClient.status()).isEqualTo(401);
        assertThat(wrongResource.status()).isEqualTo(400);
        assertThat(wrongGrant.status()).isEqualTo(400);
        assertThat(wrongGrant.json().get("error").asText()).isEqualTo("unsupported_grant_type");
    }

    @Test
    void managedIdentityTokenNeedsTheMetadataHeader() throws IOException {
        String path = AzureAad.MANAGED_IDENTITY_PATH + "?api-version=2018-02-01&resource=" + AzureAad.MARKETPLACE_RESOURCE;

        EmulatorClient.Reply without = client.get(path);
        EmulatorClient.Reply with = client.get(path, "Metadata", "true");

        assertThat(without.status()).isEqualTo(400);
        assertThat(with.status()).isEqualTo(200);
        assertThat(with.json().get("token_type").asText()).isEqualTo("Bearer");
        String token = with.json().get("access_token").asText();
        assertThat(client.postJson(BATCH, token, batch(event("demo-subscription", "email", 1, hourAgo(1)))).status())
                .isEqualTo(200);
    }

    @Test
    void aadTokenExpiresAfterItsLifetimeOnTheEmulatorClock() throws IOException {
        String token = aadToken("demo-client", "demo-secret");
        emu.clock().advance(Duration.ofSeconds(3599));

        EmulatorClient.Reply reply = client.postJson(BATCH, token, batch(event("demo-subscription", "email", 1, hourAgo(1))));

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.json().get("message").asText()).contains("expired");
    }
}
