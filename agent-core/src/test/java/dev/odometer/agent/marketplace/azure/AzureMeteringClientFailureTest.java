package dev.odometer.agent.marketplace.azure;

import static dev.odometer.agent.marketplace.azure.AzureServer.GUID;
import static dev.odometer.agent.marketplace.azure.AzureServer.NOW;
import static dev.odometer.agent.marketplace.azure.AzureServer.PLAN;
import static dev.odometer.agent.marketplace.azure.AzureServer.SUBSCRIPTION;
import static dev.odometer.agent.marketplace.azure.AzureServer.acceptedAll;
import static dev.odometer.agent.marketplace.azure.AzureServer.error;
import static dev.odometer.agent.marketplace.azure.AzureServer.events;
import static dev.odometer.agent.marketplace.azure.AzureServer.json;
import static dev.odometer.agent.marketplace.azure.AzureServer.record;
import static dev.odometer.agent.testing.MockServers.endpoint;
import static dev.odometer.agent.testing.MockServers.take;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.odometer.agent.auth.AuthException;
import dev.odometer.agent.auth.TokenSource;
import dev.odometer.agent.marketplace.DeliveryException;
import dev.odometer.agent.marketplace.DeliveryException.Kind;
import dev.odometer.agent.marketplace.HttpClients;
import dev.odometer.agent.marketplace.RecordOutcome;
import dev.odometer.agent.marketplace.SendResult;
import dev.odometer.agent.marketplace.azure.AzureMeteringClient.Mode;
import dev.odometer.agent.record.UsageRecord;
import dev.odometer.agent.testing.CountingTokens;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AzureMeteringClientFailureTest {
    private static final OkHttpClient HTTP = HttpClients.create();
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final CountingTokens tokens = new CountingTokens();
    private final UsageRecord record = record("email", 5);
    private MockWebServer server;
    private AzureMeteringClient client;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
        client = client(endpoint(server), tokens, HTTP);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private AzureMeteringClient client(URI endpoint, TokenSource tokenSource, OkHttpClient http) {
        return new AzureMeteringClient(http, endpoint, Mode.SAAS_SUBSCRIPTION, SUBSCRIPTION,
                PLAN, tokenSource, clock);
    }

    private DeliveryException sendFails(AzureMeteringClient sender) {
        DeliveryException e = catchThrowableOfType(DeliveryException.class,
                () -> sender.send(List.of(record)));
        assertThat(e).as("send should have failed").isNotNull();
        assertThat(e.getMessage()).doesNotContain("secret-token");
        return e;
    }

    private DeliveryException sendFails() {
        return sendFails(client);
    }

    @Test
    void unauthorizedOnceInvalidatesTheTokenAndRetriesOnceWithAFreshOne() throws Exception {
        server.enqueue(json(401, error("Unauthorized", "the token has expired")));
        server.enqueue(json(acceptedAll(List.of(record))));

        SendResult result = client.send(List.of(record));

        assertThat(result.outcome(record.uuid())).isEqualTo(RecordOutcome.ACCEPTED);
        RecordedRequest first = take(server);
        RecordedRequest retry = take(server);
        assertThat(first.getHeaders().get("Authorization")).isEqualTo("Bearer secret-token-1");
        assertThat(retry.getHeaders().get("Authorization")).isEqualTo("Bearer secret-token-2");
        assertThat(retry.getBody()).isEqualTo(first.getBody());
        assertThat(retry.getHeaders().get("x-ms-correlationid")).matches(GUID)
                .isEqualTo(first.getHeaders().get("x-ms-correlationid"));
        assertThat(retry.getHeaders().get("x-ms-requestid")).matches(GUID)
                .isNotEqualTo(first.getHeaders().get("x-ms-requestid"));
        assertThat(tokens.invalidations).hasValue(1);
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void unauthorizedTwiceIsUnauthorizedAfterExactlyOneRetry() throws Exception {
        server.enqueue(json(401, error("Unauthorized", "bad token")));
        server.enqueue(json(401, error("Unauthorized", "bad token")));
        server.enqueue(json(acceptedAll(List.of(record))));

        DeliveryException e = sendFails();

        assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED);
        assertThat(e.possiblyReceived()).isFalse();
        assertThat(e.httpStatus()).hasValue(401);
        take(server);
        String lastRequestId = take(server).getHeaders().get("x-ms-requestid");
        assertThat(e.getMessage()).contains("HTTP 401").contains("/api/batchUsageEvent")
                .contains("test tokens").contains("Partner Center")
                .contains("x-ms-requestid " + lastRequestId);
        assertThat(server.getRequestCount()).isEqualTo(2);
        assertThat(tokens.invalidations).hasValue(1);
    }

    @Test
    void forbiddenIsNotRetriedAndWasNotReceived() {
        server.enqueue(json(403, error("Forbidden", "the caller may not report usage")));

        DeliveryException e = sendFails();

        assertThat(e.kind()).isEqualTo(Kind.FORBIDDEN);
        assertThat(e.possiblyReceived()).isFalse();
        assertThat(e.retryAfter()).isEmpty();
        assertThat(e.getMessage()).contains("HTTP 403")
                .contains("Forbidden: the caller may not report usage")
                .contains("client id and tenant");
        assertThat(server.getRequestCount()).isEqualTo(1);
        assertThat(tokens.invalidations).hasValue(0);
    }

    @Test
    void tooManyRequestsWithRetryAfterSecondsWasNotReceived() {
        server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "30")
                .build());

        DeliveryException e = sendFails();

        assertThat(e.kind()).isEqualTo(Kind.RETRYABLE);
        assertThat(e.possiblyReceived()).isFalse();
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(30));
        assertThat(e.getMessage()).contains("429").contains("retry after 30 s");
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void tooManyRequestsWithRetryAfterHttpDate() {
        server.enqueue(new MockResponse.Builder().code(429)
                .setHeader("Retry-After", "Mon, 16 Sep 2024 20:07:30 GMT").build());

        DeliveryException e = sendFails();

        // the clock stands at 20:05:30.250
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(120).minusMillis(250));
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503, 504})
    void serverErrorsAreRetryableAndPossiblyReceived(int code) {
        server.enqueue(new MockResponse.Builder().code(code).setHeader("Retry-After", "5")
                .build());

        DeliveryException e = sendFails();

        assertThat(e.kind()).isEqualTo(Kind.RETRYABLE);
        assertThat(e.possiblyReceived()).isTrue();
        assertThat(e.httpStatus()).hasValue(code);
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(5));
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void aWholeBatchRefusedWith400IsARejectedRequestQuotingAzure() {
        server.enqueue(json(400, error("BadArgument",
                "the batch has 26 events, at most 25 are allowed")));

        DeliveryException e = sendFails();

        assertThat(e.kind()).isEqualTo(Kind.REJECTED_REQUEST);
        assertThat(e.possiblyReceived()).isFalse();
        assertThat(e.httpStatus()).hasValue(400);
        assertThat(e.getMessage()).contains("HTTP 400")
                .contains("BadArgument: the batch has 26 events").contains("malformed")
                .doesNotContain("effectiveStartTime").doesNotContain(SUBSCRIPTION);
    }

    @Test
    void anArmStyleErrorBodyIsQuotedToo() {
        server.enqueue(json(400, Map.of("error", error("InvalidApiVersion",
                "api-version 2099-01-01 is not supported"))));

        DeliveryException e = sendFails();

        assertThat(e.getMessage()).contains("InvalidApiVersion: api-version 2099-01-01");
    }

    @ParameterizedTest
    @ValueSource(ints = {404, 409, 415, 422})
    void otherClientErrorsAreRejectedRequests(int code) {
        server.enqueue(json(code, error("Whatever", "no")));

        DeliveryException e = sendFails();

        assertThat(e.kind()).isEqualTo(Kind.REJECTED_REQUEST);
        assertThat(e.possiblyReceived()).isFalse();
        assertThat(e.getMessage()).contains("HTTP " + code);
    }

    @Test
    void aServerMessageEchoingTheTokenIsLeftOut() {
        server.enqueue(json(400, error("BadArgument", "bad header Bearer secret-token-1")));

        DeliveryException e = sendFails();

        assertThat(e.getMessage()).contains("HTTP 400").doesNotContain("bad header");
    }

    @Test
    void aRedirectIsReportedNotFollowed() {
        server.enqueue(new MockResponse.Builder().code(302)
                .setHeader("Location", "https://elsewhere.example/").build());

        DeliveryException e = sendFails();

        assertThat(e.kind()).isEqualTo(Kind.REJECTED_REQUEST);
        assertThat(e.getMessage()).contains("302").contains("elsewhere.example");
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void connectionDroppedAfterTheRequestWasReadIsPossiblyReceived() throws Exception {
        server.enqueue(new MockResponse.Builder()
                .onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build());

        DeliveryException e = sendFails();

        assertThat(e.kind()).isEqualTo(Kind.RETRYABLE);
        assertThat(e.possiblyReceived()).isTrue();
        assertThat(e.httpStatus()).isEmpty();
        assertThat(e.getMessage()).contains("after the request was sent");
        assertThat(events(take(server))).hasSize(1);
    }

    @Test
    void socketClosedMidAnswerIsPossiblyReceived() {
        server.enqueue(new MockResponse.Builder().body("{\"count\":1,\"result\":[")
                .onResponseBody(new SocketEffect.CloseSocket()).build());

        DeliveryException e = sendFails();

        assertThat(e.kind()).isEqualTo(Kind.RETRYABLE);
        assertThat(e.possiblyReceived()).isTrue();
    }

    @Test
    void readTimeoutIsPossiblyReceived() throws Exception {
        OkHttpClient impatient = HTTP.newBuilder().readTimeout(300, TimeUnit.MILLISECONDS)
                .build();
        server.enqueue(new MockResponse.Builder()
                .onResponseStart(SocketEffect.Stall.INSTANCE).build());

        DeliveryException e = sendFails(client(endpoint(server), tokens, impatient));

        assertThat(e.kind()).isEqualTo(Kind.RETRYABLE);
        assertThat(e.possiblyReceived()).isTrue();
        assertThat(events(take(server))).hasSize(1);
    }

    @Test
    void connectionRefusedIsRetryableAndProvablyNotReceived() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }

        DeliveryException e = sendFails(client(URI.create("http://127.0.0.1:" + port), tokens,
                HTTP));

        assertThat(e.kind()).isEqualTo(Kind.RETRYABLE);
        assertThat(e.possiblyReceived()).isFalse();
        assertThat(e.getMessage()).contains("before the request was sent")
                .contains("127.0.0.1:" + port).contains("x-ms-correlationid");
    }

    @Test
    void unknownHostIsRetryableAndProvablyNotReceived() {
        OkHttpClient noDns = HTTP.newBuilder().dns(host -> {
            throw new UnknownHostException(host);
        }).build();

        DeliveryException e = sendFails(client(URI.create("http://odometer-test.invalid"),
                tokens, noDns));

        assertThat(e.kind()).isEqualTo(Kind.RETRYABLE);
        assertThat(e.possiblyReceived()).isFalse();
    }

    @Test
    void noTokenIsAuthFailedAndNothingIsSent() {
        TokenSource broken = new TokenSource() {
            @Override
            public String token() throws AuthException {
                throw new AuthException("AAD at https://login.example/t/oauth2/token refused a"
                        + " token for client c of tenant t with HTTP 401");
            }

            @Override
            public void invalidate() {
            }

            @Override
            public String describe() {
                return "AAD client c of tenant t";
            }
        };

        DeliveryException e = sendFails(client(endpoint(server), broken, HTTP));

        assertThat(e.kind()).isEqualTo(Kind.AUTH_FAILED);
        assertThat(e.possiblyReceived()).isFalse();
        assertThat(e.getMessage()).contains("AAD client c of tenant t")
                .contains("refused a token for client c");
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void aTokenThatCannotBeAHeaderIsAuthFailedWithoutEchoingIt() {
        TokenSource newline = new TokenSource() {
            @Override
            public String token() {
                return "secret-token-x\nInjected: yes";
            }

            @Override
            public void invalidate() {
            }

            @Override
            public String describe() {
                return "odd tokens";
            }
        };

        DeliveryException e = sendFails(client(endpoint(server), newline, HTTP));

        assertThat(e.kind()).isEqualTo(Kind.AUTH_FAILED);
        assertThat(e.getMessage()).contains("odd tokens");
        assertThat(e.getCause()).isNull();
        assertThat(server.getRequestCount()).isZero();
    }
}
