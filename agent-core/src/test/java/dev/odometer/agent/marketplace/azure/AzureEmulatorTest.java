package dev.odometer.agent.marketplace.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.odometer.agent.auth.AadClientCredentialsTokenSource;
import dev.odometer.agent.auth.ManagedIdentityTokenSource;
import dev.odometer.agent.auth.Secret;
import dev.odometer.agent.auth.TokenSource;
import dev.odometer.agent.marketplace.DeliveryException;
import dev.odometer.agent.marketplace.DeliveryException.Kind;
import dev.odometer.agent.marketplace.HttpClients;
import dev.odometer.agent.marketplace.RecordOutcome;
import dev.odometer.agent.marketplace.SendResult;
import dev.odometer.agent.marketplace.ValidationReport;
import dev.odometer.agent.marketplace.azure.AzureMeteringClient.Mode;
import dev.odometer.agent.record.UsageRecord;
import dev.odometer.agent.testing.LogCapture;
import dev.odometer.emulator.EmulatorSettings;
import dev.odometer.emulator.Ledger;
import dev.odometer.emulator.MarketplaceEmulator;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Azure client and AAD token sources against the project's emulator, in-process: the demo
 * AAD client {@code demo-client}/{@code demo-secret}, resource {@code demo-subscription} on plan
 * {@code demo-plan} with dimensions {@code email} and {@code request}.
 */
class AzureEmulatorTest {
    private static final OkHttpClient HTTP = HttpClients.create();
    private static final String RESOURCE = "demo-subscription";
    private static MarketplaceEmulator emulator;
    private static LogCapture emulatorLog;

    @BeforeAll
    static void startEmulator() {
        emulatorLog = new LogCapture("dev.odometer.emulator"); // one line per request: keep quiet
        emulator = MarketplaceEmulator.start(EmulatorSettings.defaults().withPort(0));
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
        emulatorLog.close();
    }

    @BeforeEach
    void resetEmulator() {
        emulator.reset();
    }

    private static TokenSource aad(String secret) {
        return new AadClientCredentialsTokenSource(HTTP, "demo-tenant", "demo-client",
                Secret.of(secret), emulator.baseUri());
    }

    private static AzureMeteringClient client(String resource, String plan) {
        return new AzureMeteringClient(HTTP, emulator.baseUri(), Mode.SAAS_SUBSCRIPTION,
                resource, plan, aad("demo-secret"));
    }

    private static AzureMeteringClient client() {
        return client(RESOURCE, "demo-plan");
    }

    /** The current hour by the emulator's clock, minus {@code hoursAgo}. */
    private static Instant hour(int hoursAgo) {
        return emulator.clock().now().truncatedTo(ChronoUnit.HOURS)
                .minus(Duration.ofHours(hoursAgo));
    }

    private static UsageRecord record(String dimension, long quantity, Instant timestamp) {
        return UsageRecord.seal("alias-" + dimension, dimension, quantity, timestamp);
    }

    @Test
    void anEventIsAcceptedAndTheSameHourAgainIsDuplicate() throws Exception {
        AzureMeteringClient client = client();
        UsageRecord first = record("email", 5, hour(0));
        UsageRecord resent = record("email", 5, hour(0).plusSeconds(1800));
        UsageRecord other = record("email", 7, hour(0).plusSeconds(1800));

        SendResult accepted = client.send(List.of(first));
        SendResult duplicate = client.send(List.of(resent));
        SendResult taken = client.send(List.of(other));

        assertThat(accepted.outcome(first.uuid())).isEqualTo(RecordOutcome.ACCEPTED);
        assertThat(duplicate.outcome(resent.uuid())).isEqualTo(RecordOutcome.DUPLICATE);
        assertThat(duplicate.reason(resent.uuid())).hasValueSatisfying(reason ->
                assertThat(reason).startsWith("Duplicate")
                        .contains("accepted earlier: quantity 5"));
        assertThat(taken.outcome(other.uuid())).as("the hour holds another quantity")
                .isEqualTo(RecordOutcome.AZURE_DUPLICATE_MISMATCH);
        assertThat(emulator.ledger().azureEvents()).singleElement().satisfies(event -> {
            assertThat(event.resourceId()).isEqualTo(RESOURCE);
            assertThat(event.dimension()).isEqualTo("email");
            assertThat(event.hour()).isEqualTo(hour(0));
            assertThat(event.quantity()).isEqualByComparingTo(BigDecimal.valueOf(5));
        });
    }

    @Test
    void anEventTwentyFiveHoursOldIsExpired() throws Exception {
        UsageRecord old = record("email", 5, hour(25));

        SendResult result = client().send(List.of(old));

        assertThat(result.outcome(old.uuid())).isEqualTo(RecordOutcome.AZURE_EXPIRED);
        assertThat(result.reason(old.uuid())).hasValueSatisfying(
                reason -> assertThat(reason).startsWith("Expired"));
        assertThat(emulator.ledger().azureEvents()).isEmpty();
    }

    @Test
    void anUnknownDimensionIsInvalidDimension() throws Exception {
        UsageRecord pdf = record("pdf", 5, hour(0));

        SendResult result = client().send(List.of(pdf));

        assertThat(result.outcome(pdf.uuid())).isEqualTo(RecordOutcome.AZURE_INVALID_DIMENSION);
        assertThat(result.reason(pdf.uuid())).hasValueSatisfying(
                reason -> assertThat(reason).startsWith("InvalidDimension").contains("pdf"));
    }

    @Test
    void oneBatchGetsEachEventsOwnStatusBack() throws Exception {
        AzureMeteringClient client = client();
        client.send(List.of(record("request", 1, hour(1))));
        UsageRecord email = record("email", 3, hour(0));
        UsageRecord requestAgain = record("request", 1, hour(1));
        UsageRecord pdf = record("pdf", 4, hour(0));
        UsageRecord old = record("email", 6, hour(30));
        UsageRecord request = record("request", 8, hour(0));

        SendResult result = client.send(List.of(email, requestAgain, pdf, old, request));

        assertThat(result.outcomes()).containsExactly(
                Map.entry(email.uuid(), RecordOutcome.ACCEPTED),
                Map.entry(requestAgain.uuid(), RecordOutcome.DUPLICATE),
                Map.entry(pdf.uuid(), RecordOutcome.AZURE_INVALID_DIMENSION),
                Map.entry(old.uuid(), RecordOutcome.AZURE_EXPIRED),
                Map.entry(request.uuid(), RecordOutcome.ACCEPTED));
        assertThat(emulator.ledger().azureTotal(RESOURCE, "request"))
                .isEqualByComparingTo(BigDecimal.valueOf(9));
        UsageRecord requestOther = record("request", 2, hour(1));
        assertThat(client.send(List.of(requestOther)).outcome(requestOther.uuid()))
                .isEqualTo(RecordOutcome.AZURE_DUPLICATE_MISMATCH);
    }

    @Test
    void anUnknownResourceIsResourceNotFoundAndAWrongPlanIsBadArgument() throws Exception {
        UsageRecord email = record("email", 1, hour(0));

        SendResult unknown = client("no-such-subscription", "demo-plan").send(List.of(email));
        SendResult wrongPlan = client(RESOURCE, "silver").send(List.of(email));

        assertThat(unknown.outcome(email.uuid())).isEqualTo(RecordOutcome.AZURE_RESOURCE_NOT_FOUND);
        assertThat(wrongPlan.outcome(email.uuid())).isEqualTo(RecordOutcome.AZURE_BAD_ARGUMENT);
        assertThat(wrongPlan.reason(email.uuid())).hasValueSatisfying(
                reason -> assertThat(reason).contains("planId silver"));
    }

    @Test
    void aTokenExpiredAtTheMarketplaceIsReplacedAfterOne401() throws Exception {
        AzureMeteringClient client = client();
        client.send(List.of(record("email", 1, hour(0))));

        emulator.clock().advance(Duration.ofHours(2)); // the cached AAD token is now expired
        UsageRecord later = record("email", 2, hour(0));
        SendResult result = client.send(List.of(later));

        assertThat(result.outcome(later.uuid())).isEqualTo(RecordOutcome.ACCEPTED);
        assertThat(emulator.ledger().azureEvents()).extracting(Ledger.AzureEvent::quantity)
                .containsExactly(BigDecimal.ONE, BigDecimal.valueOf(2));
    }

    @Test
    void aManagedApplicationReportsWithItsManagedIdentity() throws Exception {
        AzureMeteringClient client = new AzureMeteringClient(HTTP, emulator.baseUri(),
                Mode.MANAGED_APPLICATION, RESOURCE, "demo-plan",
                new ManagedIdentityTokenSource(HTTP, emulator.baseUri()));
        UsageRecord email = record("email", 4, hour(0));

        assertThat(client.send(List.of(email)).outcome(email.uuid()))
                .isEqualTo(RecordOutcome.ACCEPTED);
    }

    @Test
    void validationObtainsATokenAndWritesNothing() {
        ValidationReport report = AzureSkuValidation.check(client(),
                Map.of("emails", "email", "requests", "request"));

        assertThat(report.isOk()).as("%s", report).isTrue();
        assertThat(report.lines()).anySatisfy(line -> assertThat(line)
                .startsWith("Credentials OK")
                .contains("AAD client demo-client of tenant demo-tenant"));
        assertThat(emulator.ledger().azureEvents()).isEmpty();
        assertThat(emulator.ledger().azureRejectionsByStatus()).isEmpty();
    }

    @Test
    void aWrongClientSecretIsAuthFailedNamingTheClient() {
        AzureMeteringClient client = new AzureMeteringClient(HTTP, emulator.baseUri(),
                Mode.SAAS_SUBSCRIPTION, RESOURCE, "demo-plan", aad("not-the-secret"));

        DeliveryException e = catchThrowableOfType(DeliveryException.class,
                () -> client.send(List.of(record("email", 1, hour(0)))));

        assertThat(e.kind()).isEqualTo(Kind.AUTH_FAILED);
        assertThat(e.getMessage()).contains("HTTP 401").contains("invalid_client")
                .contains("demo-client").doesNotContain("not-the-secret");
        assertThat(emulator.ledger().azureEvents()).isEmpty();
    }
}
