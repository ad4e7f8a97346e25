package dev.odometer.agent.marketplace;

import dev.odometer.agent.auth.AuthException;
import dev.odometer.agent.auth.TokenSource;
import java.io.IOException;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import okhttp3.Call;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * A marketplace's metering endpoint, as its client calls it: a JSON body POSTed with a bearer
 * token. A 401 invalidates the token and the same body is sent once more with a fresh one;
 * everything else is left to the caller's delivery loop: a 2xx answer is read by the client,
 * any other answer and any I/O failure become a {@link DeliveryException} classified by the
 * marketplace's {@link MeteringFailures}. Messages name the endpoint as {@code POST {url}} and
 * never hold a token or the request body. Thread-safe.
 */
public final class MeteringEndpoint {
    private static final MediaType JSON_TYPE = MediaType.get("application/json; charset=utf-8");
    /** How much of an error answer is read to quote the marketplace's own words. */
    private static final long MAX_ERROR_BODY = 64 * 1024;

    /**
     * Adds a marketplace's own headers to one HTTP request of a call (the retry after a 401 is
     * stamped again).
     */
    public interface Stamp {
        /** Adds no header. */
        Stamp NONE = request -> null;

        /**
         * @param request the request, its URL, Authorization and Accept headers set
         * @return what identifies this request for the marketplace's support, worded for a
         *         message, or null
         */
        String stamp(Request.Builder request);
    }

    /** Reads a 2xx answer into the outcome of every record of the batch. */
    public interface AnswerReader {
        /**
         * @param body       the answer's body
         * @param sentTokens the tokens sent with the call (nulls allowed), to keep out of reasons
         * @return the result, or null when the body is not the expected JSON
         */
        SendResult read(byte[] body, List<String> sentTokens);
    }

    private final OkHttpClient http;
    private final HttpUrl url;
    private final String where;
    private final TokenSource tokens;
    private final MeteringFailures failures;
    private final Clock clock;

    /**
     * @param http     the agent's shared client, see {@link HttpClients#create()}
     * @param url      where to POST
     * @param tokens   the bearer tokens to send
     * @param failures the marketplace's wording of what went wrong
     * @param clock    reads Retry-After dates
     */
    public MeteringEndpoint(OkHttpClient http, HttpUrl url, TokenSource tokens,
            MeteringFailures failures, Clock clock) {
        this.http = Objects.requireNonNull(http, "http");
        this.url = Objects.requireNonNull(url, "url");
        this.where = "POST " + url;
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.failures = Objects.requireNonNull(failures, "failures");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * POSTs {@code body}, retrying once with a fresh token after a 401.
     *
     * @param stamp  adds the marketplace's own headers to each HTTP request
     * @param reader reads the 2xx answer
     * @return what {@code reader} read
     * @throws DeliveryException when no token could be obtained, the call failed, the answer was
     *         not 2xx, or {@code reader} could not read it
     */
    public SendResult post(byte[] body, Stamp stamp, AnswerReader reader)
            throws DeliveryException {
        String first = token();
        Answer answer = exchange(body, first, stamp);
        String second = null;
        if (answer.code == 401) {
            tokens.invalidate();
            second = token();
            answer = exchange(body, second, stamp);
        }
        List<String> sentTokens = Arrays.asList(first, second);
        if (answer.code >= 200 && answer.code < 300) {
            SendResult result = reader.read(answer.body, sentTokens);
            if (result == null) {
                throw failures.unreadableAnswer(where, answer.code, answer.ids);
            }
            return result;
        }
        throw failures.status(where, answer.code, answer.reasonPhrase, answer.headers,
                answer.body, sentTokens, tokens.describe(), clock, answer.ids);
    }

    /**
     * A token from the token source, without calling the endpoint.
     *
     * @throws DeliveryException of kind AUTH_FAILED when none can be obtained
     */
    public String token() throws DeliveryException {
        try {
            return tokens.token();
        } catch (AuthException e) {
            throw failures.noToken(where, tokens.describe(), e);
        }
    }

    private Answer exchange(byte[] body, String token, Stamp stamp) throws DeliveryException {
        Request request;
        String ids;
        try {
            Request.Builder builder = new Request.Builder()
                    .url(url)
                    .header("Authorization", "Bearer " + token)
                    .header("Accept", "application/json");
            ids = stamp.stamp(builder);
            request = builder.post(RequestBody.create(body, JSON_TYPE)).build();
        } catch (IllegalArgumentException e) {
            throw failures.badToken(where, tokens.describe());
        }
        Call call = http.newCall(request);
        RequestWritten written = new RequestWritten();
        call.addEventListener(written);
        try (Response response = call.execute()) {
            byte[] responseBody = response.isSuccessful()
                    ? response.body().bytes()
                    : response.peekBody(MAX_ERROR_BODY).bytes();
            return new Answer(response.code(), response.message(), response.headers(),
                    responseBody, ids);
        } catch (IOException e) {
            throw failures.io(where, e, written.started(), ids);
        }
    }

    /** An HTTP answer, read completely, with the ids its request carried. */
    private static final class Answer {
        final int code;
        final String reasonPhrase;
        final Headers headers;
        final byte[] body;
        final String ids;

        Answer(int code, String reasonPhrase, Headers headers, byte[] body, String ids) {
            this.code = code;
            this.reasonPhrase = reasonPhrase;
            this.headers = headers;
            this.body = body;
            this.ids = ids;
        }
    }
}
