package dev.odometer.agent.marketplace;

import dev.odometer.agent.auth.AuthException;
import dev.odometer.agent.marketplace.DeliveryException.Kind;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.Headers;

/**
 * Turns what went wrong with a metering call into a {@link DeliveryException}, classified the
 * same way for every marketplace; a marketplace client subclasses it with its own wording and
 * hands it to its {@link MeteringEndpoint}, which says what went wrong.
 *
 * <p>An HTTP status becomes:
 * <ul>
 *   <li>401 (also with a freshly obtained token): {@link Kind#UNAUTHORIZED};</li>
 *   <li>403: {@link Kind#FORBIDDEN};</li>
 *   <li>429: {@link Kind#RETRYABLE}, not received (the server refused to handle it);</li>
 *   <li>503: {@link Kind#RETRYABLE}, not received where the marketplace says a 503 means it
 *       handled nothing ({@link #unavailableStoresNothing()}), else as another 5xx;</li>
 *   <li>408 and the other 5xx: {@link Kind#RETRYABLE}, possibly received;</li>
 *   <li>404, 3xx and the other 4xx: {@link Kind#REJECTED_REQUEST}.</li>
 * </ul>
 * An I/O failure is {@link Kind#RETRYABLE}, possibly received only once the request had started
 * going out (see {@link RequestWritten}); no token or a token that is no header value is
 * {@link Kind#AUTH_FAILED}.
 *
 * <p>Every message starts with the API's name and the endpoint, says what to do, quotes the
 * marketplace's own error text (clipped, and left out when it holds a token that was sent), adds
 * what identifies the request for the marketplace's support, and never holds a token or the
 * request body.
 */
public abstract class MeteringFailures {
    private static final int MAX_SERVER_TEXT = 200;

    private final String api;

    /** @param api what every message starts with, e.g. {@code "Yandex metering"} */
    protected MeteringFailures(String api) {
        this.api = api;
    }

    /**
     * What to do about a 401 that came back also with a token freshly obtained from
     * {@code tokenSource}.
     */
    protected abstract String unauthorizedAdvice(String tokenSource);

    /** What to do about a 403. */
    protected abstract String forbiddenAdvice();

    /** What to do about a 4xx other than 401, 403, 404, 408 and 429: the request's own fault. */
    protected abstract String malformedAdvice();

    /**
     * True when the marketplace answers 503 only for a request it did not handle, so nothing was
     * stored and the records are not in doubt; false when a 503 may come after it stored them.
     */
    protected abstract boolean unavailableStoresNothing();

    /**
     * The text worth quoting from an error body that is a JSON object, unclipped, or null when it
     * has none; the caller clips it and drops it when it holds a token.
     */
    protected abstract String serverText(Map<?, ?> body);

    /**
     * What the answer's headers hold to identify the request for the marketplace's support (a
     * request id header), worded for the message, or null: by default nothing.
     */
    protected String answerIds(Headers headers) {
        return null;
    }

    /** No token could be obtained from {@code tokenSource}. */
    DeliveryException noToken(String where, String tokenSource, AuthException e) {
        return new DeliveryException(Kind.AUTH_FAILED, api + " " + where
                + ": could not obtain a token (" + tokenSource + "): " + e.getMessage(),
                false, null, 0, e);
    }

    /** The token from {@code tokenSource} cannot be put in an HTTP header. */
    DeliveryException badToken(String where, String tokenSource) {
        return new DeliveryException(Kind.AUTH_FAILED, api + " " + where
                + ": the token from " + tokenSource + " is not a valid HTTP header value",
                false, null, 0, null);
    }

    /**
     * The call failed with {@code e}.
     *
     * @param requestStarted whether the request had started going out, so the marketplace may
     *                       have received it
     * @param ids            what identifies the request for the marketplace's support, or null
     */
    DeliveryException io(String where, IOException e, boolean requestStarted, String ids) {
        String when = requestStarted
                ? "failed after the request was sent (the marketplace may have received it)"
                : "failed before the request was sent";
        return new DeliveryException(Kind.RETRYABLE, api + " " + where + " " + when
                + ": " + e.getClass().getSimpleName() + ": " + e.getMessage() + suffix(ids),
                requestStarted, null, 0, e);
    }

    /** A success status whose body could not be read as the expected answer. */
    DeliveryException unreadableAnswer(String where, int code, String ids) {
        return new DeliveryException(Kind.RETRYABLE, api + " " + where
                + " answered HTTP " + code + " with a body that is not the expected JSON"
                + suffix(ids), true, null, code, null);
    }

    /**
     * A status other than 2xx, classified as the class comment says.
     *
     * @param sentTokens the tokens sent with the call (nulls allowed), never to be quoted
     * @param clock      the time a Retry-After date is measured from
     * @param ids        what identifies the request for the marketplace's support, or null
     */
    DeliveryException status(String where, int code, String reasonPhrase,
            Headers headers, byte[] body, List<String> sentTokens, String tokenSource,
            Clock clock, String ids) {
        Duration retryAfter = RetryAfter.parse(headers.get("Retry-After"), clock).orElse(null);
        Kind kind;
        boolean possiblyReceived = false;
        String advice;
        if (code == 401) {
            kind = Kind.UNAUTHORIZED;
            advice = unauthorizedAdvice(tokenSource);
        } else if (code == 403) {
            kind = Kind.FORBIDDEN;
            advice = forbiddenAdvice();
        } else if (code == 429) {
            kind = Kind.RETRYABLE;
            advice = "too many requests";
        } else if (code == 503 && unavailableStoresNothing()) {
            kind = Kind.RETRYABLE;
            advice = "the marketplace is unavailable";
        } else if (code == 408 || code >= 500) {
            kind = Kind.RETRYABLE;
            possiblyReceived = true;
            advice = "a transient marketplace error";
        } else if (code == 404) {
            kind = Kind.REJECTED_REQUEST;
            advice = "no metering API at this address: check the endpoint in the config";
        } else if (code >= 300 && code < 400) {
            kind = Kind.REJECTED_REQUEST;
            String location = headers.get("Location");
            advice = "redirected" + (location == null ? "" : " to " + clip(location))
                    + ": check the endpoint in the config";
        } else {
            kind = Kind.REJECTED_REQUEST;
            advice = malformedAdvice();
        }
        StringBuilder message = new StringBuilder(api).append(' ').append(where)
                .append(" answered HTTP ").append(code);
        if (reasonPhrase != null && !reasonPhrase.isEmpty() && reasonPhrase.length() < 40) {
            message.append(' ').append(reasonPhrase);
        }
        message.append(": ").append(advice);
        String said = serverMessage(body, sentTokens);
        if (said != null) {
            message.append(" (marketplace said: ").append(said).append(')');
        }
        message.append(suffix(ids)).append(suffix(answerIds(headers)));
        if (retryAfter != null) {
            message.append("; retry after ").append(retryAfter.getSeconds()).append(" s");
        }
        return new DeliveryException(kind, message.toString(), possiblyReceived, retryAfter, code,
                null);
    }

    /** {@code text} on one line, cut to 200 characters. */
    protected static String clip(String text) {
        String line = text.replaceAll("\\s+", " ").trim();
        return line.length() <= MAX_SERVER_TEXT ? line : line.substring(0, MAX_SERVER_TEXT) + "...";
    }

    /** The {@link #serverText} of a JSON object body, clipped, unless it holds a sent token. */
    private String serverMessage(byte[] body, List<String> sentTokens) {
        Map<?, ?> root = JsonObjects.parse(body);
        String text = root == null ? null : serverText(root);
        if (text == null) {
            return null;
        }
        for (String token : sentTokens) {
            if (token != null && !token.isEmpty() && text.contains(token)) {
                return null;
            }
        }
        return clip(text);
    }

    private static String suffix(String ids) {
        return ids == null ? "" : " " + ids;
    }
}
