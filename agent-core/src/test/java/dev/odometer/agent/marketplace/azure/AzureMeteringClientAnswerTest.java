package dev.odometer.agent.marketplace.azure;

import static dev.odometer.agent.marketplace.azure.AzureServer.NOW;
import static dev.odometer.agent.marketplace.azure.AzureServer.PLAN;
import static dev.odometer.agent.marketplace.azure.AzureServer.SUBSCRIPTION;
import static dev.odometer.agent.marketplace.azure.AzureServer.answer;
import static dev.odometer.agent.marketplace.azure.AzureServer.error;
import static dev.odometer.agent.marketplace.azure.AzureServer.json;
import static dev.odometer.agent.marketplace.azure.AzureServer.record;
import static dev.odometer.agent.marketplace.azure.AzureServer.result;
import static dev.odometer.agent.testing.MockServers.endpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.odometer.agent.marketplace.DeliveryException;
import dev.odometer.agent.marketplace.DeliveryException.Kind;
import dev.odometer.agent.marketplace.HttpClients;
import dev.odometer.agent.marketplace.RecordOutcome;
import dev.odometer.agent.marketplace.SendResult;
import dev.odometer.agent.marketplace.azure.AzureMeteringClient.Mode;
import dev.odometer.agent.record.UsageRecord;
import dev.odometer.agent.testing.CountingTokens;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AzureMeteringClientAnswerTest {
    private static final OkHttpClient HTTP = HttpClients.create();
    private MockWebServer server;
    private AzureMeteringClient client;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
        client = new AzureMeteringClient(HTTP, endpoint(server), Mode.SAAS_SUBSCRIPTION,
                SUBSCRIPTION, PLAN, new CountingTokens(), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @ParameterizedTest
    @CsvSource({
            "Accepted, ACCEPTED",
            "Duplicate, DUPLICATE",
            "Expired, AZURE_EXPIRED",
            "ResourceNotFound, AZURE_RESOURCE_NOT_FOUND",
            "ResourceNotAuthorized, AZURE_RESOURCE_NOT_AUTHORIZED",
            "ResourceNotActive, AZURE_RESOURCE_NOT_ACTIVE",
            "InvalidDimension, AZURE_INVALID_DIMENSION",
            "InvalidQuantity, INVALID_QUANTITY",
            "BadArgument, AZURE_BAD_ARGUMENT",
            "Error, AZURE_UNKNOWN_STATUS",
            "SomethingAddedIn2030, AZURE_UNKNOWN_STATUS",
            "invaliddimension, AZURE_INVALID_DIMENSION"})
    void everyStatusHasItsOutcomeAndKeepsTheRawStatusAndMessage(String status,
            RecordOutcome expected) throws Exception {
        UsageRecord email = record("email", 5);
        server.enqueue(json(answer(List.of(result(email, status)))));

        SendResult result = client.send(List.of(email));

        assertThat(result.outcome(email.uuid())).isEqualTo(expected);
        if (expected == RecordOutcome.ACCEPTED) {
            assertThat(result.reason(email.uuid())).isEmpty();
        } else {
            assertThat(result.reason(email.uuid())).contains(status + ": says " + status);
        }
    }

    @Test
    void theFlagsOfTheOutcomesDriveTheDeliveryLoopAsTheStatusesMean() {
        assertThat(AzureStatuses.outcome("Duplicate").isDelivered()).as("Duplicate").isTrue();
        assertThat(AzureStatuses.outcome("Error").isRetryable()).as("Error").isTrue();
        assertThat(AzureStatuses.outcome("Error").possiblyStored()).as("Error: in doubt")
                .isTrue();
        assertThat(AzureStatuses.outcome("Expired").isRetryable()).as("Expired").isFalse();
        assertThat(AzureStatuses.outcome("ResourceNotActive").isConfigurationError()).isTrue();
        assertThat(AzureStatuses.outcome("InvalidDimension").isConfigurationError()).isTrue();
        assertThat(AzureStatuses.outcome(null)).isEqualTo(RecordOutcome.AZURE_UNKNOWN_STATUS);
        assertThat(AzureStatuses.outcome(3)).isEqualTo(RecordOutcome.AZURE_UNKNOWN_STATUS);
    }

    @Test
    void resultsInAnotherOrderAreMatchedByDimensionAndHour() throws Exception {
        UsageRecord email = record("email", 5);
        UsageRecord request = record("request", 9);
        UsageRecord olderEmail = record("email", 2, AzureServer.HOUR.minusSeconds(3600));
        server.enqueue(json(answer(List.of(result(olderEmail, "Expired"),
                result(request, "InvalidDimension"), result(email, "Accepted")))));

        SendResult result = client.send(List.of(email, request, olderEmail));

        assertThat(result.outcomes()).containsExactly(
                Map.entry(email.uuid(), RecordOutcome.ACCEPTED),
                Map.entry(request.uuid(), RecordOutcome.AZURE_INVALID_DIMENSION),
                Map.entry(olderEmail.uuid(), RecordOutcome.AZURE_EXPIRED));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-09-16T19:00:00.0000000Z", "2024-09-16T19:00:00Z",
            "2024-09-16T19:00:00.123Z", "2024-09-16T19:00:00", "2024-09-16T21:00:00+02:00",
            "2024-09-16T19:59:59.9999999Z"})
    void anyPrecisionOrZoneSpellingOfTheHourMatches(String effectiveStartTime) throws Exception {
        UsageRecord other = record("other", 1);
        UsageRecord email = record("email", 5);
        Map<String, Object> accepted = result(email, "Accepted");
        accepted.put("effectiveStartTime", effectiveStartTime);
        server.enqueue(json(answer(List.of(accepted)))); // at position 0, but for the record at 1

        SendResult result = client.send(List.of(other, email));

        assertThat(result.outcome(email.uuid())).isEqualTo(RecordOutcome.ACCEPTED);
        assertThat(result.outcome(other.uuid())).isEqualTo(RecordOutcome.MISSING);
    }

    @Test
    void unknownFieldsAreIgnored() throws Exception {
        UsageRecord email = record("email", 5);
        Map<String, Object> accepted = result(email, "Accepted");
        accepted.put("somethingNew", Map.of("x", List.of(1, 2)));
        accepted.put("resourceUri", "/subscriptions/x");
        Map<String, Object> answer = answer(List.of(accepted));
        answer.put("continuationToken", null);
        answer.put("nextLink", "https://example.invalid/next");
        server.enqueue(json(answer));

        assertThat(client.send(List.of(email)).allDelivered()).isTrue();
    }

    @Test
    void resultsThatNameNeitherDimensionNorTimeAreMatchedByPosition() throws Exception {
        UsageRecord email = record("email", 5);
        UsageRecord request = record("request", 9);
        Map<String, Object> first = new LinkedHashMap<>();
        first.put("status", "Accepted");
        Map<String, Object> second = new LinkedHashMap<>();
        second.put("status", "ResourceNotActive");
        second.put("error", error("ResourceNotActive", "subscription suspended"));
        server.enqueue(json(answer(List.of(first, second))));

        SendResult result = client.send(List.of(email, request));

        assertThat(result.outcome(email.uuid())).isEqualTo(RecordOutcome.ACCEPTED);
        assertThat(result.outcome(request.uuid()))
                .isEqualTo(RecordOutcome.AZURE_RESOURCE_NOT_ACTIVE);
        assertThat(result.reason(request.uuid()))
                .contains("ResourceNotActive: subscription suspended");
    }

    @Test
    void aResultForAnotherEventIsNotGivenToTheRecordAtItsPosition() throws Exception {
        UsageRecord email = record("email", 5);
        Map<String, Object> stranger = result(record("pdf", 1), "Accepted");
        server.enqueue(json(answer(List.of(stranger))));

        SendResult result = client.send(List.of(email));

        assertThat(result.outcome(email.uuid())).isEqualTo(RecordOutcome.MISSING);
    }

    @Test
    void recordsAbsentFromTheAnswerAreMissing() throws Exception {
        UsageRecord a = record("a", 1);
        UsageRecord b = record("b", 1);
        UsageRecord c = record("c", 1);
        server.enqueue(json(answer(List.of(result(b, "Accepted")))));
        server.enqueue(json(answer(List.of())));
        server.enqueue(json(Map.of("count", 0)));

        SendResult partial = client.send(List.of(a, b, c));
        SendResult empty = client.send(List.of(a, b, c));
        SendResult noList = client.send(List.of(a, b, c));

        assertThat(partial.withOutcome(RecordOutcome.MISSING)).containsExactly(a.uuid(), c.uuid());
        assertThat(partial.outcome(b.uuid())).isEqualTo(RecordOutcome.ACCEPTED);
        assertThat(empty.withOutcome(RecordOutcome.MISSING)).hasSize(3);
        assertThat(noList.withOutcome(RecordOutcome.MISSING)).hasSize(3);
        assertThat(RecordOutcome.MISSING.isRetryable()).isTrue();
    }

    @Test
    void aDuplicateSaysWhatWasAcceptedEarlier() throws Exception {
        UsageRecord email = record("email", 5);
        Map<String, Object> duplicate = result(email, "Duplicate");
        Map<String, Object> error = error("Conflict", "This usage event already exist.");
        Map<String, Object> original = result(email, "Accepted");
        original.put("quantity", 3);
        error.put("additionalInfo", Map.of("acceptedMessage", original));
        duplicate.put("error", error);
        server.enqueue(json(answer(List.of(duplicate))));

        SendResult result = client.send(List.of(email));

        assertThat(result.outcome(email.uuid())).as("Azure holds 3 units, not our 5")
                .isEqualTo(RecordOutcome.AZURE_DUPLICATE_MISMATCH);
        assertThat(result.allDelivered()).isFalse();
        assertThat(result.reason(email.uuid())).contains(
                "Duplicate (Conflict): This usage event already exist.;"
                        + " accepted earlier: quantity 3");
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "5.0", "\"5\""})
    void aDuplicateOfTheSameQuantityIsOurOwnEarlierSendAndDelivered(String quantity)
            throws Exception {
        UsageRecord email = record("email", 5);
        Map<String, Object> duplicate = result(email, "Duplicate");
        Map<String, Object> error = error("Conflict", "This usage event already exist.");
        Map<String, Object> original = result(email, "Accepted");
        original.put("quantity", quantity.startsWith("\"") ? "5"
                : new java.math.BigDecimal(quantity));
        error.put("additionalInfo", Map.of("acceptedMessage", original));
        duplicate.put("error", error);
        server.enqueue(json(answer(List.of(duplicate))));

        SendResult result = client.send(List.of(email));

        assertThat(result.outcome(email.uuid())).isEqualTo(RecordOutcome.DUPLICATE);
        assertThat(result.allDelivered()).isTrue();
    }

    @Test
    void aBadArgumentReasonHasTheDetailsOnOneLine() throws Exception {
        UsageRecord email = record("email", 5);
        Map<String, Object> bad = result(email, "BadArgument");
        Map<String, Object> error = error("BadArgument", "One or more errors have occurred.");
        error.put("details", List.of(Map.of("message", "planId gold is not\nthe resource's plan",
                "target", "planId", "code", "BadArgument")));
        bad.put("error", error);
        server.enqueue(json(answer(List.of(bad))));

        SendResult result = client.send(List.of(email));

        assertThat(result.outcome(email.uuid())).isEqualTo(RecordOutcome.AZURE_BAD_ARGUMENT);
        assertThat(result.reason(email.uuid())).contains("BadArgument: One or more errors have"
                + " occurred.; planId gold is not the resource's plan");
    }

    @Test
    void aResultWithoutStatusIsUnknownAndSaysSo() throws Exception {
        UsageRecord email = record("email", 5);
        Map<String, Object> noStatus = result(email, "Accepted");
        noStatus.remove("status");
        server.enqueue(json(answer(List.of(noStatus))));

        SendResult result = client.send(List.of(email));

        assertThat(result.outcome(email.uuid())).isEqualTo(RecordOutcome.AZURE_UNKNOWN_STATUS);
        assertThat(result.reason(email.uuid())).contains("no status");
    }

    @Test
    void aReasonEchoingTheTokenKeepsOnlyTheStatus() throws Exception {
        UsageRecord email = record("email", 5);
        Map<String, Object> error = result(email, "Error");
        error.put("error", error("InternalError", "token secret-token-1 could not be read"));
        server.enqueue(json(answer(List.of(error))));

        SendResult result = client.send(List.of(email));

        assertThat(result.reason(email.uuid())).contains("Error (InternalError)");
        assertThat(result.reason(email.uuid()).orElseThrow()).doesNotContain("secret-token");
    }

    @Test
    void aVeryLongReasonIsClipped() throws Exception {
        UsageRecord email = record("email", 5);
        Map<String, Object> error = result(email, "Error");
        error.put("error", error("Error", "x".repeat(5000)));
        server.enqueue(json(answer(List.of(error))));

        assertThat(client.send(List.of(email)).reason(email.uuid()).orElseThrow())
                .hasSizeLessThan(400);
    }

    @Test
    void aSuccessThatIsNotJsonIsRetryableAndPossiblyReceived() {
        server.enqueue(new MockResponse.Builder().body("<html>gateway</html>").build());

        DeliveryException e = catchThrowableOfType(DeliveryException.class,
                () -> client.send(List.of(record("email", 1))));

        assertThat(e.kind()).isEqualTo(Kind.RETRYABLE);
        assertThat(e.possiblyReceived()).isTrue();
        assertThat(e.getMessage()).contains("not the expected JSON").contains("x-ms-requestid");
    }

    @Test
    void aListInsteadOfAnObjectIsUnreadable() {
        List<Object> bare = new ArrayList<>();
        bare.add(Map.of("status", "Accepted"));
        server.enqueue(json(bare));

        DeliveryException e = catchThrowableOfType(DeliveryException.class,
                () -> client.send(List.of(record("email", 1))));

        assertThat(e.kind()).isEqualTo(Kind.RETRYABLE);
    }

    @Test
    void theSameResultTwiceIsGivenToOneRecordOnly() throws Exception {
        UsageRecord email = record("email", 5);
        UsageRecord request = record("request", 1);
        Map<String, Object> accepted = result(email, "Accepted");
        server.enqueue(json(answer(List.of(accepted, accepted))));

        SendResult result = client.send(List.of(email, request));

        assertThat(result.outcome(email.uuid())).isEqualTo(RecordOutcome.ACCEPTED);
        assertThat(result.outcome(request.uuid())).isEqualTo(RecordOutcome.MISSING);
    }

    @Test
    void anHourOtherThanTheRecordsDoesNotMatch() throws Exception {
        UsageRecord email = record("email", 5, Instant.parse("2024-09-16T19:00:00Z"));
        Map<String, Object> accepted = result(email, "Accepted");
        accepted.put("effectiveStartTime", "2024-09-16T20:00:00Z");
        server.enqueue(json(answer(List.of(accepted))));

        assertThat(client.send(List.of(email)).outcome(email.uuid()))
                .isEqualTo(RecordOutcome.MISSING);
    }
}
