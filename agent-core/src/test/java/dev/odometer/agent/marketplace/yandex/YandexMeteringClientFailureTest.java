package dev.odometer.agent.marketplace.yandex;

import static dev.odometer.agent.marketplace.yandex.YandexServer.NOW;
import static dev.odometer.agent.marketplace.yandex.YandexServer.acceptedAll;
import static dev.odometer.agent.marketplace.yandex.YandexServer.json;
import static dev.odometer.agent.marketplace.yandex.YandexServer.record;
import static dev.odometer.agent.marketplace.yandex.YandexServer.uuids;
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
import dev.odometer.agent.marketplace.yandex.YandexMeteringClient.Mode;
import dev.odometer.agent.record.UsageRecord;
import dev.odometer.agent.testing.CountingTokens;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
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

class YandexMeteringClientFailureTest {
    private static final OkHttpClient HTTP = HttpClients.create();
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final CountingTokens tokens = new CountingTokens();
    private final UsageRecord record = record("email", "sku", 5);
    private MockWebServer server;
    private YandexMeteringClient client;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
        client = new YandexMeteringClient(HTTP, endpoint(server), Mode.IMAGE, "p", tokens, clock);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private DeliveryException sendFails() {
        DeliveryException e = catchThrowableOfType(DeliveryException.class,
                () -> client.send(List.of(record)));
        assertThat(e).as("send should have failed").isNotNull();
        assertThat(e.getMessage()).doesNotContain("secret-token");
        return e;
    }

    @Test
    void unauthorizedOnceInvalidatesTheTokenAndRetriesOnceWithAFreshOne() throws Exception {
        server.enqueue(json(401, "{\"code\":16,\"message\":\"Unauthenticated\"}"));
        server.enqueue(json(acceptedAll(List.of(record))));

        SendResult result = client.send(List.of(record));

        assertThat(result.outcome(record.uuid())).isEqualTo(RecordOutcome.ACCEPTED);
        RecordedRequest first = take(server);
        RecordedRequest retry = take(server);
        assertThat(first.getHeaders().get("Authorization")).isEqualTo("Bearer secret-token-1");
        assertThat(retry.getHeaders().get("Authorization")).isEqualTo("Bearer secret-token-2");
        assertThat(uuids(retry)).isEqualTo(uuids(first));
        assertThat(retry.getBody()).isEqualTo(first.getBody());
        assertThat(tokens.invalidations).hasValue(1);
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void unauthorizedTwiceIsUnauthorizedAfterExactlyOneRetry() {
        server.enqueue(json(401, "{}"));
        server.enqueue(json(401, "{}"));
        server.enqueue(json(acceptedAll(List.of(record))));

        DeliveryException e = sendFails();

        assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED);
        assertThat(e.possiblyReceived()).isFalse();
        assertThat(e.httpStatus()).hasValue(401);
        assertThat(e.getMessage()).contains("401").contains(server.getHostName())
                .contains("test tokens");
        assertThat(server.getRequestCount()).isEqualTo(2);
        assertThat(tokens.invalidations).hasValue(1);
    }

    @Test
    void forbiddenIsNotRetriedAndWasNotReceived() {
        server.enqueue(json(403, "{\"code\":7,\"message\":\"Permission denied\"}"));

        DeliveryException e = sendFails();

        assertThat(e.kind()).isEqualTo(Kind.FORBIDDEN);
        assertThat(e.possiblyReceived()).isFalse();
        assertThat(e.retryAfter()).isEmpty();
        assertThat(e.getMessage()).contains("HTTP 403").contains("Permission denied")
                .contains("marketplace.meteringAgent")
                .contains("/marketplace/metering/v1/imageProductUsage/write");
        assertThat(server.getRequestCount()).isEqualTo(1);
        assertThat(tokens.invalidations).hasValue(0);
    }

    @Test
    void tooManyRequestsWithRetryAfterSeconds() {
        server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "30")
                .build());

        DeliveryException e = sendFails();

        assertThat(e.kind()).isEqualTo(Kind.RETRYABLE);
        assertThat(e.possiblyReceived()).isFalse();
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(30));
        assertThat(e.getMessage()).contains("429");
    }

    @Test
    void tooManyRequestsWithRetryAfterHttpDate() {
        server.enqueue(new MockResponse.Builder().code(429)
                .setHeader("Retry-After", "Mon, 16 Sep 2024 19:03:10 GMT").build());

        DeliveryException e = sendFails();

        assertThat(e.kind()).isEqualTo(Kind.RETRYABLE);
        // the clock stands at 19:01:10.591128
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(120).minusNanos(591_128_000));
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 504})
    void serverErrorsAreRetryableAndPossiblyReceived(int code) {
        server.enqueue(new MockResponse.Builder().code(code).setHeader("Retry-After", "5")
                .build());

        DeliveryException e = sendFails();

        assertThat(e.kind()).isEqualTo(Kind.RETRYABLE);
        assertThat(e.possiblyReceived()).isTrue();
        assertThat(e.httpStatus()).hasValue(code);
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(5));
    }

    @Test
    void unavailableIsRetryableAndProvesNothingWasStored() {
        server.enqueue(new MockResponse.Builder().code(503).setHeader("Retry-After", "5")
                .build());

        DeliveryException e = sendFails();

        assertThat(e.kind()).isEqualTo(Kind.RETRYABLE);
        assertThat(e.possiblyReceived()).isFalse();
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(5));
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 404, 409, 422})
    void otherClientErrorsAreRejectedRequests(int code) {
        server.enqueue(json(code, "{\"code\":3,\"message\":\"usage_records: size must be 1-25\"}"));

        DeliveryException e = sendFails();

        assertThat(e.kind()).isEqualTo(Kind.REJECTED_REQUEST);
        assertThat(e.possiblyReceived()).isFalse();
        assertThat(e.getMessage()).contains("HTTP " + code);
    }

    @Test
    void badRequestQuotesTheServersMessageButNeverTheRequestBody() {
        server.enqueue(json(400, "{\"code\":3,\"message\":\"product_id: too long\"}"));

        DeliveryException e = sendFails();

        assertThat(e.getMessage()).contains("product_id: too long")
                .doesNotContain(record.uuid().toString()).doesNotContain("usageRecords");
    }

    @Test
    void aServerMessageEchoingTheTokenIsLeftOut() {
        server.enqueue(json(400, "{\"message\":\"bad header Bearer secret-token-1\"}"));

        DeliveryException e = sendFails();

        assertThat(e.getMessage()).contains("HTTP 400").doesNotContain("secret-token-1");
    }

    @Test
    void aRedirectIsReportedNotFollowed() {
        server.enqueue(new MockResponse.Builder().code(301)
                .setHeader("Location", "https://elsewhere.example/").build());

        DeliveryException e = sendFails();

        assertThat(e.kind()).isEqualTo(Kind.REJECTED_REQUEST);
        assertThat(e.getMessage()).contains("301").contains("elsewhere.example");
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
        assertThat(uuids(take(server))).containsExactly(record.uuid().toString());
    }

    @Test
    void socketClosedMidAnswerIsPossiblyReceived() throws Exception {
        server.enqueue(new MockResponse.Builder().body(acceptedAll(List.of(record)))
                .onResponseBody(new SocketEffect.CloseSocket()).build());

        DeliveryException e = sendFails();

        assertThat(e.kind()).isEqualTo(Kind.RETRYABLE);
        assertThat(e.possiblyReceived()).isTrue();
    }

    @Test
    void connectionRefusedIsRetryableAndProvablyNotReceived() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        YandexMeteringClient refused = new YandexMeteringClient(HTTP,
                URI.create("http://127.0.0.1:" + port), Mode.IMAGE, "p", tokens, clock);

        DeliveryException e = catchThrowableOfType(DeliveryException.class,
                () -> refused.send(List.of(record)));

        assertThat(e.kind()).isEqualTo(Kind.RETRYABLE);
        assertThat(e.possiblyReceived()).isFalse();
        assertThat(e.getMessage()).contains("before the request was sent")
                .contains("127.0.0.1:" + port).doesNotContain("secret-token");
    }

    @Test
    void unknownHostIsRetryableAndProvablyNotReceived() {
        OkHttpClient noDns = HTTP.newBuilder().dns(host -> {
            throw new UnknownHostException(host);
        }).build();
        YandexMeteringClient nowhere = new YandexMeteringClient(noDns,
                URI.create("http://odometer-test.invalid"), Mode.IMAGE, "p", tokens, clock);

        DeliveryException e = catchThrowableOfType(DeliveryException.class,
                () -> nowhere.send(List.of(record)));

        assertThat(e.kind()).isEqualTo(Kind.RETRYABLE);
        assertThat(e.possiblyReceived()).isFalse();
    }

    @Test
    void readTimeoutIsPossiblyReceived() throws Exception {
        OkHttpClient impatient = HTTP.newBuilder().readTimeout(300, TimeUnit.MILLISECONDS)
                .build();
        YandexMeteringClient slow = new YandexMeteringClient(impatient, endpoint(server),
                Mode.IMAGE, "p", tokens, clock);
        server.enqueue(new MockResponse.Builder()
                .onResponseStart(SocketEffect.Stall.INSTANCE).build());

        DeliveryException e = catchThrowableOfType(DeliveryException.class,
                () -> slow.send(List.of(record)));

        assertThat(e.kind()).isEqualTo(Kind.RETRYABLE);
        assertThat(e.possiblyReceived()).isTrue();
        assertThat(e.getMessage()).contains("after the request was sent");
        assertThat(uuids(take(server))).containsExactly(record.uuid().toString());
    }

    @Test
    void noTokenIsAuthFailedAndNothingIsSent() {
        TokenSource broken = new TokenSource() {
            @Override
            public String token() throws AuthException {
                throw new AuthException("Service account key file /etc/key.json does not exist");
            }

            @Override
            public void invalidate() {
            }

            @Override
            public String describe() {
                return "key file /etc/key.json";
            }
        };
        YandexMeteringClient noToken = new YandexMeteringClient(HTTP, endpoint(server),
                Mode.IMAGE, "p", broken, clock);

        DeliveryException e = catchThrowableOfType(DeliveryException.class,
                () -> noToken.send(List.of(record)));

        assertThat(e.kind()).isEqualTo(Kind.AUTH_FAILED);
        assertThat(e.possiblyReceived()).isFalse();
        assertThat(e.getMessage()).contains("/etc/key.json does not exist");
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
        YandexMeteringClient odd = new YandexMeteringClient(HTTP, endpoint(server), Mode.IMAGE,
                "p", newline, clock);

        DeliveryException e = catchThrowableOfType(DeliveryException.class,
                () -> odd.send(List.of(record)));

        assertThat(e.kind()).isEqualTo(Kind.AUTH_FAILED);
        assertThat(e.getMessage()).doesNotContain("secret-token").contains("odd tokens");
        assertThat(e.getCause()).isNull();
    }
}
