package dev.odometer.agent.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.odometer.agent.auth.AuthException;
import dev.odometer.agent.marketplace.DeliveryException.Kind;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;
import okhttp3.Headers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The classification every marketplace client shares, with a test wording. */
class MeteringFailuresTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-09-16T20:05:30Z"),
            ZoneOffset.UTC);
    private static final String WHERE = "POST http://example.test/write";

    private static final class TestFailures extends MeteringFailures {
        private final boolean unavailableStoresNothing;

        TestFailures(boolean unavailableStoresNothing) {
            super("Test metering");
            this.unavailableStoresNothing = unavailableStoresNothing;
        }

        @Override
        protected String unauthorizedAdvice(String tokenSource) {
            return "401 advice for " + tokenSource;
        }

        @Override
        protected String forbiddenAdvice() {
            return "403 advice";
        }

        @Override
        protected String malformedAdvice() {
            return "4xx advice";
        }

        @Override
        protected boolean unavailableStoresNothing() {
            return unavailableStoresNothing;
        }

        @Override
        protected String serverText(Map<?, ?> body) {
            Object message = body.get("message");
            return message instanceof String ? (String) message : null;
        }

        @Override
        protected String answerIds(Headers headers) {
            String id = headers.get("X-Id");
            return id == null ? null : "[answer id " + id + "]";
        }
    }

    private static final TestFailures NOT_STORED_ON_503 = new TestFailures(true);
    private static final TestFailures IN_DOUBT_ON_503 = new TestFailures(false);

    private static DeliveryException status(MeteringFailures failures, int code) {
        return status(failures, code, Headers.of(), null);
    }

    private static DeliveryException status(MeteringFailures failures, int code,
            Headers headers, String body) {
        return failures.status(WHERE, code, "Reason", headers,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8),
                Arrays.asList("tok-1", null), "the tokens", CLOCK, null);
    }

    @Test
    void unauthorizedAndForbiddenAreNotReceived() {
        DeliveryException unauthorized = status(NOT_STORED_ON_503, 401);
        DeliveryException forbidden = status(NOT_STORED_ON_503, 403);

        assertThat(unauthorized.kind()).isEqualTo(Kind.UNAUTHORIZED);
        assertThat(unauthorized.possiblyReceived()).isFalse();
        assertThat(unauthorized.getMessage()).isEqualTo("Test metering " + WHERE
                + " answered HTTP 401 Reason: 401 advice for the tokens");
        assertThat(forbidden.kind()).isEqualTo(Kind.FORBIDDEN);
        assertThat(forbidden.possiblyReceived()).isFalse();
        assertThat(forbidden.getMessage()).endsWith(": 403 advice");
    }

    @Test
    void tooManyRequestsIsRetryableAndNotReceivedEverywhere() {
        for (MeteringFailures failures : Arrays.asList(NOT_STORED_ON_503, IN_DOUBT_ON_503)) {
            DeliveryException e = status(failures, 429);

            assertThat(e.kind()).isEqualTo(Kind.RETRYABLE);
            assertThat(e.possiblyReceived()).isFalse();
            assertThat(e.getMessage()).endsWith(": too many requests");
        }
    }

    @Test
    void serviceUnavailableIsNotReceivedOnlyWhereTheMarketplaceSaysSo() {
        DeliveryException notStored = status(NOT_STORED_ON_503, 503);
        DeliveryException inDoubt = status(IN_DOUBT_ON_503, 503);

        assertThat(notStored.kind()).isEqualTo(Kind.RETRYABLE);
        assertThat(notStored.possiblyReceived()).isFalse();
        assertThat(notStored.getMessage()).endsWith(": the marketplace is unavailable");
        assertThat(inDoubt.kind()).isEqualTo(Kind.RETRYABLE);
        assertThat(inDoubt.possiblyReceived()).isTrue();
        assertThat(inDoubt.getMessage()).endsWith(": a transient marketplace error");
    }

    @ParameterizedTest
    @ValueSource(ints = {408, 500, 502, 504, 507, 599})
    void timeoutsAndOtherServerErrorsArePossiblyReceived(int code) {
        for (MeteringFailures failures : Arrays.asList(NOT_STORED_ON_503, IN_DOUBT_ON_503)) {
            DeliveryException e = status(failures, code);

            assertThat(e.kind()).isEqualTo(Kind.RETRYABLE);
            assertThat(e.possiblyReceived()).isTrue();
            assertThat(e.httpStatus()).hasValue(code);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {300, 301, 302, 307, 400, 404, 409, 415, 422})
    void redirectsNotFoundAndOtherClientErrorsAreRejectedRequests(int code) {
        DeliveryException e = status(NOT_STORED_ON_503, code);

        assertThat(e.kind()).isEqualTo(Kind.REJECTED_REQUEST);
        assertThat(e.possiblyReceived()).isFalse();
        assertThat(e.getMessage()).endsWith(code == 404
                ? ": no metering API at this address: check the endpoint in the config"
                : code < 400 ? ": redirected: check the endpoint in the config"
                : ": 4xx advice");
    }

    @Test
    void theMessageQuotesTheServerAddsIdsAndRetryAfterInThatOrder() {
        DeliveryException e = NOT_STORED_ON_503.status(WHERE, 429, "Too Many Requests",
                Headers.of("Retry-After", "7", "X-Id", "a1"),
                "{\"message\":\"  slow\\n down \"}".getBytes(StandardCharsets.UTF_8),
                Arrays.asList("tok-1", null), "the tokens", CLOCK, "[sent id s1]");

        assertThat(e.getMessage()).isEqualTo("Test metering " + WHERE + " answered HTTP 429"
                + " Too Many Requests: too many requests (marketplace said: slow down)"
                + " [sent id s1] [answer id a1]; retry after 7 s");
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
    }

    @Test
    void aServerTextHoldingASentTokenIsLeftOut() {
        DeliveryException e = status(NOT_STORED_ON_503, 400, Headers.of(),
                "{\"message\":\"bad token tok-1\"}");

        assertThat(e.getMessage()).doesNotContain("tok-1").doesNotContain("marketplace said");
    }

    @Test
    void aLongServerTextIsClipped() {
        StringBuilder longText = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            longText.append('x');
        }
        DeliveryException e = status(NOT_STORED_ON_503, 400, Headers.of(),
                "{\"message\":\"" + longText + "\"}");

        assertThat(e.getMessage()).contains("(marketplace said: "
                + longText.substring(0, 200) + "...)");
    }

    @Test
    void ioFailuresArePossiblyReceivedOnlyOnceTheRequestStarted() {
        IOException timeout = new SocketTimeoutException("timeout");

        DeliveryException before = NOT_STORED_ON_503.io(WHERE, timeout, false, null);
        DeliveryException after = NOT_STORED_ON_503.io(WHERE, timeout, true, "[sent id s1]");

        assertThat(before.kind()).isEqualTo(Kind.RETRYABLE);
        assertThat(before.possiblyReceived()).isFalse();
        assertThat(before.getMessage()).isEqualTo("Test metering " + WHERE
                + " failed before the request was sent: SocketTimeoutException: timeout");
        assertThat(after.possiblyReceived()).isTrue();
        assertThat(after.getMessage()).isEqualTo("Test metering " + WHERE
                + " failed after the request was sent (the marketplace may have received it):"
                + " SocketTimeoutException: timeout [sent id s1]");
        assertThat(after.getCause()).isSameAs(timeout);
    }

    @Test
    void anUnreadableAnswerIsPossiblyReceived() {
        DeliveryException e = NOT_STORED_ON_503.unreadableAnswer(WHERE, 200, null);

        assertThat(e.kind()).isEqualTo(Kind.RETRYABLE);
        assertThat(e.possiblyReceived()).isTrue();
        assertThat(e.getMessage()).isEqualTo("Test metering " + WHERE
                + " answered HTTP 200 with a body that is not the expected JSON");
    }

    @Test
    void noTokenAndABadTokenAreAuthFailures() {
        DeliveryException noToken = NOT_STORED_ON_503.noToken(WHERE, "the tokens",
                new AuthException("IAM said no"));
        DeliveryException badToken = NOT_STORED_ON_503.badToken(WHERE, "the tokens");

        assertThat(noToken.kind()).isEqualTo(Kind.AUTH_FAILED);
        assertThat(noToken.getMessage()).isEqualTo("Test metering " + WHERE
                + ": could not obtain a token (the tokens): IAM said no");
        assertThat(badToken.kind()).isEqualTo(Kind.AUTH_FAILED);
        assertThat(badToken.getMessage()).isEqualTo("Test metering " + WHERE
                + ": the token from the tokens is not a valid HTTP header value");
    }
}
