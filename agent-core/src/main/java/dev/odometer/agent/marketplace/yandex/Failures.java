package dev.odometer.agent.marketplace.yandex;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.odometer.agent.auth.AuthException;
import dev.odometer.agent.marketplace.DeliveryException;
import dev.odometer.agent.marketplace.DeliveryException.Kind;
import dev.odometer.agent.marketplace.RetryAfter;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.Headers;

/**
 * Turns what went wrong with a write call into a {@link DeliveryException} whose message names
 * the endpoint, the status and what to do, and never holds the token or the request body.
 */
final class Failures {
    private static final int MAX_SERVER_TEXT = 200;

    private Failures() {
    }

    static DeliveryException noToken(String where, String tokenSource, AuthException e) {
        return new DeliveryException(Kind.AUTH_FAILED, "Yandex metering " + where
                + ": could not obtain a token (" + tokenSource + "): " + e.getMessage(),
                false, null, 0, e);
    }

    static DeliveryException badToken(String where, String tokenSource) {
        return new DeliveryException(Kind.AUTH_FAILED, "Yandex metering " + where
                + ": the token from " + tokenSource + " is not a valid HTTP header value",
                false, null, 0, null);
    }

    static DeliveryException io(String where, IOException e, boolean requestStarted) {
        String when = requestStarted
                ? "failed after the request was sent (the marketplace may have received it)"
                : "failed before the request was sent";
        return new DeliveryException(Kind.RETRYABLE, "Yandex metering " + where + " " + when
                + ": " + e.getClass().getSimpleName() + ": " + e.getMessage(),
                requestStarted, null, 0, e);
    }

    static DeliveryException unreadableAnswer(String where, int code) {
        return new DeliveryException(Kind.RETRYABLE, "Yandex metering " + where
                + " answered HTTP " + code + " with a body that is not the expected JSON",
                true, null, code, null);
    }

    static DeliveryException status(String where, int code, String reasonPhrase,
            Headers headers, byte[] body, List<String> sentTokens, String tokenSource,
            Clock clock) {
        Duration retryAfter = RetryAfter.parse(headers.get("Retry-After"), clock).orElse(null);
        Kind kind;
        boolean possiblyReceived = false;
        String advice;
        if (code == 401) {
            kind = Kind.UNAUTHORIZED;
            advice = "the token was rejected, also when freshly obtained from " + tokenSource
                    + ": check that it is an IAM token of the service account meant to report"
                    + " usage";
        } else if (code == 403) {
            kind = Kind.FORBIDDEN;
            advice = "the service account needs the role marketplace.meteringAgent on the folder,"
                    + " and the billing account must be in a state that allows consumption";
        } else if (code == 429) {
            kind = Kind.RETRYABLE;
            advice = "too many requests";
        } else if (code == 503) {
            // the server says it did not handle the request: nothing was stored, so a record
            // that only ever met 503s may be sealed again under a new uuid before it expires
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
            advice = "the request was refused as malformed: a bug in Odometer, please report it";
        }
        StringBuilder message = new StringBuilder("Yandex metering ").append(where)
                .append(" answered HTTP ").append(code);
        if (reasonPhrase != null && !reasonPhrase.isEmpty() && reasonPhrase.length() < 40) {
            message.append(' ').append(reasonPhrase);
        }
        message.append(": ").append(advice);
        String said = serverMessage(body, sentTokens);
        if (said != null) {
            message.append(" (marketplace said: ").append(said).append(')');
        }
        String requestId = headers.get("X-Request-Id");
        if (requestId != null) {
            message.append(" [request id ").append(clip(requestId)).append(']');
        }
        if (retryAfter != null) {
            message.append("; retry after ").append(retryAfter.getSeconds()).append(" s");
        }
        return new DeliveryException(kind, message.toString(), possiblyReceived, retryAfter, code,
                null);
    }

    /** The {@code message} of a gRPC-gateway error body, clipped, unless it holds a token. */
    private static String serverMessage(byte[] body, List<String> sentTokens) {
        if (body == null || body.length == 0) {
            return null;
        }
        Object root;
        try {
            root = JSON.std.anyFrom(body);
        } catch (Exception e) {
            return null;
        }
        if (!(root instanceof Map)) {
            return null;
        }
        Object message = ((Map<?, ?>) root).get("message");
        if (!(message instanceof String) || ((String) message).trim().isEmpty()) {
            return null;
        }
        String text = (String) message;
        for (String token : sentTokens) {
            if (token != null && !token.isEmpty() && text.contains(token)) {
                return null;
            }
        }
        return clip(text);
    }

    private static String clip(String text) {
        String line = text.replaceAll("\\s+", " ").trim();
        return line.length() <= MAX_SERVER_TEXT ? line : line.substring(0, MAX_SERVER_TEXT) + "...";
    }
}
