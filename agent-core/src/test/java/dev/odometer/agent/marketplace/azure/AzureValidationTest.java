package dev.odometer.agent.marketplace.azure;

import static dev.odometer.agent.marketplace.azure.AzureServer.NOW;
import static dev.odometer.agent.marketplace.azure.AzureServer.PLAN;
import static dev.odometer.agent.marketplace.azure.AzureServer.SUBSCRIPTION;
import static dev.odometer.agent.marketplace.azure.AzureServer.record;
import static dev.odometer.agent.testing.MockServers.endpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.odometer.agent.auth.AuthException;
import dev.odometer.agent.auth.TokenSource;
import dev.odometer.agent.marketplace.DeliveryException;
import dev.odometer.agent.marketplace.DeliveryException.Kind;
import dev.odometer.agent.marketplace.HttpClients;
import dev.odometer.agent.marketplace.MarketplaceClient;
import dev.odometer.agent.marketplace.RecordOutcome;
import dev.odometer.agent.marketplace.SendResult;
import dev.odometer.agent.marketplace.ValidationReport;
import dev.odometer.agent.marketplace.azure.AzureMeteringClient.Mode;
import dev.odometer.agent.record.UsageRecord;
import dev.odometer.agent.testing.CountingTokens;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link AzureMeteringClient#validate} and {@link AzureSkuValidation}: no dry run on Azure. */
class AzureValidationTest {
    private static final OkHttpClient HTTP = HttpClients.create();
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final CountingTokens tokens = new CountingTokens();
    private MockWebServer server;
    private AzureMeteringClient client;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
        client = client(tokens);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private AzureMeteringClient client(TokenSource tokenSource) {
        return new AzureMeteringClient(HTTP, endpoint(server), Mode.SAAS_SUBSCRIPTION,
                SUBSCRIPTION, PLAN, tokenSource, clock);
    }

    private static final TokenSource NO_TOKEN = new TokenSource() {
        @Override
        public String token() throws AuthException {
            throw new AuthException("AAD refused a token for client c of tenant t with HTTP 401");
        }

        @Override
        public void invalidate() {
        }

        @Override
        public String describe() {
            return "AAD client c of tenant t";
        }
    };

    private static Map<String, String> skus(String... aliasThenDimension) {
        Map<String, String> skus = new LinkedHashMap<>();
        for (int i = 0; i < aliasThenDimension.length; i += 2) {
            skus.put(aliasThenDimension[i], aliasThenDimension[i + 1]);
        }
        return skus;
    }

    @Test
    void validateObtainsATokenAndSendsNoUsage() throws Exception {
        UsageRecord email = record("email", 1);
        UsageRecord request = record("request", 1);

        SendResult result = client.validate(List.of(email, request));

        assertThat(result.outcomes()).containsOnlyKeys(email.uuid(), request.uuid())
                .containsValues(RecordOutcome.NOT_CHECKED);
        assertThat(result.withOutcome(RecordOutcome.NOT_CHECKED)).hasSize(2);
        assertThat(result.reason(email.uuid())).hasValueSatisfying(reason -> assertThat(reason)
                .contains("no dry run").contains("test tokens").contains("no usage was sent"));
        assertThat(tokens.fetches).hasValue(1);
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void validateWithoutATokenIsAuthFailed() {
        DeliveryException e = catchThrowableOfType(DeliveryException.class,
                () -> client(NO_TOKEN).validate(List.of(record("email", 1))));

        assertThat(e.kind()).isEqualTo(Kind.AUTH_FAILED);
        assertThat(e.getMessage()).contains("AAD client c of tenant t");
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void aReportSaysCredentialsOkAndEachSkuNotCheckedWithoutAProblem() {
        ValidationReport report = AzureSkuValidation.check(client,
                skus("emails", "email", "requests", "request"), clock);

        assertThat(report.isOk()).isTrue();
        assertThat(report.problems()).isEmpty();
        assertThat(report.failure()).isEmpty();
        assertThat(report.skuOutcomes()).containsOnlyKeys("emails", "requests")
                .containsValues(RecordOutcome.NOT_CHECKED);
        assertThat(report.lines()).hasSize(3);
        assertThat(report.lines().get(0)).startsWith("Credentials OK: a token was obtained for"
                + " Azure SaaS subscription " + SUBSCRIPTION);
        assertThat(report.lines().get(1)).startsWith(
                "SKU alias 'emails' -> dimension 'email': not checked (Azure has no dry run");
        assertThat(report.toString()).doesNotContain("secret-token");
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void noTokenIsOneProblemAndEverySkuIsNotChecked() {
        ValidationReport report = AzureSkuValidation.check(client(NO_TOKEN),
                skus("emails", "email", "requests", "request"), clock);

        assertThat(report.isOk()).isFalse();
        assertThat(report.failure()).hasValueSatisfying(
                e -> assertThat(e.kind()).isEqualTo(Kind.AUTH_FAILED));
        assertThat(report.problems()).singleElement().asString()
                .startsWith("No token could be obtained: ").contains("refused a token");
        assertThat(report.lines()).contains("SKU alias 'emails' -> dimension 'email': not checked",
                "SKU alias 'requests' -> dimension 'request': not checked");
        assertThat(report.skuOutcomes()).isEmpty();
    }

    @Test
    void twoSkusOnOneDimensionAreSummedIntoItsEventAndThatIsNoProblem() {
        ValidationReport report = AzureSkuValidation.check(client,
                skus("emails", "email", "newsletters", "email", "requests", "request"), clock);

        assertThat(report.isOk()).isTrue();
        assertThat(report.lines()).anySatisfy(line -> assertThat(line)
                .startsWith("SKU alias 'newsletters' -> dimension 'email' shares its dimension"
                        + " with SKU alias 'emails'").contains("summed"));
        assertThat(report.skuOutcomes()).containsOnlyKeys("emails", "requests");
    }

    @Test
    void manySkusGoInSeveralBatches() {
        List<Integer> batchSizes = new ArrayList<>();
        MarketplaceClient counting = new MarketplaceClient() {
            @Override
            public SendResult send(List<UsageRecord> batch) {
                throw new AssertionError("validation must never send for real");
            }

            @Override
            public SendResult validate(List<UsageRecord> batch) throws DeliveryException {
                batchSizes.add(batch.size());
                return client.validate(batch);
            }

            @Override
            public int maxBatchSize() {
                return client.maxBatchSize();
            }

            @Override
            public String describe() {
                return client.describe();
            }
        };
        Map<String, String> many = new LinkedHashMap<>();
        for (int i = 0; i < 30; i++) {
            many.put("alias-" + i, "dimension-" + i);
        }

        ValidationReport report = AzureSkuValidation.check(counting, many, clock);

        assertThat(batchSizes).containsExactly(25, 5);
        assertThat(report.isOk()).isTrue();
        assertThat(report.skuOutcomes()).hasSize(30);
    }

    @Test
    void noSkusIsAProblemNotACrash() {
        ValidationReport report = AzureSkuValidation.check(client, Map.of(), clock);

        assertThat(report.isOk()).isFalse();
        assertThat(report.problems()).singleElement().asString().contains("No SKUs");
    }
}
