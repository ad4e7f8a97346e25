package dev.odometer.agent.marketplace.azure;

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
 * Turns what went wrong with a batch call into a {@link DeliveryException} whose message names
 * the endpoint, the status, what to do and the request's ids (for Microsoft support), and never
 * holds the token or the request body. Classified like the Yandex client's failures.
 */
final class Failures {
    private static final int MAX_SERVER_TEXT = 200;

    private Failures() {
    }

    static DeliveryException noToken(String where, String tokenSource, AuthException e) {
        return new DeliveryException(Kind.AUTH_FAILED, "Azure metering " + where
                + ": could not obtain a token (" + tokenSource + "): " + e.getMessage(),
                false, null, 0, e);
    }

    static DeliveryException badToken(String where, String tokenSource) {
        return new DeliveryException(Kind.AUTH_FAILED, "Azure metering " + where
                + ": the token from " + tokenSource + " is not a valid HTTP header value",
                false, null, 0, null);
    }

    static DeliveryException io(String where, IOException e, boolean requestStarted,
            String ids) {
        String when = requestStarted
                ? "failed after the request was sent (the marketplace may have received it)"
                : "failed before the request was sent";
        return new DeliveryException(Kind.RETRYABLE, "Azure metering " + where + " " + when
                + ": " + e.getClass().getSimpleName() + ": " + e.getMessage() + " " + ids,
                requestStarted, null, 0, e);
    }

    static DeliveryException unreadableAnswer(String where, int code, String ids) {
        return new DeliveryException(Kind.RETRYABLE, "Azure metering " + where
                + " answered HTTP " + code + " with a body that is not the expected JSON " + ids,
                true, null, code, null);
    }

    static DeliveryException status(String where, int code, String reasonPhrase,
            Headers headers, byte[] body, List<String> sentTokens, String tokenSource,
            Clock clock, String ids) {
        Duration retryAfter = RetryAfter.parse(headers.get("Retry-After"), clock).orElse(null);
        Kind kind;
        boolean possiblyReceived = false;
        String advice;
        if (code == 401) {
            kind = Kind.UNAUTHORIZED;
            advice = "the token was rejected, also when freshly obtained from " + tokenSource
                    + ": check that this AAD application (client id and tenant) is the one in"
                    + " the offer's technical configuration in Partner Center";
        } else if (code == 403) {
            kind = Kind.FORBIDDEN;
            advice = "this AAD application may not report usage: check that its client id and"
                    + " tenant are those of the offer's technical configuration in Partner"
                    + " Center, and resource_id or resource_uri in the config";
        } else if (code == 429) {
            kind = Kind.RETRYABLE;
            advice = "too many requests";
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
            advice = "the batch was refused as malformed: a bug in Odometer, please report it";
        }
        StringBuilder message = new StringBuilder("Azure metering ").append(where)
                .append(" answered HTTP ").append(code);
        if (reasonPhrase != null && !reasonPhrase.isEmpty() && reasonPhrase.length() < 40) {
            message.append(' ').append(reasonPhrase);
        }
        message.append(": ").append(advice);
        String said = serverMessage(body, sentTokens);
        if (said != null) {
            message.append(" (marketplace said: ").append(said).append(')');
        }
        message.append(' ').append(ids);
        if (retryAfter != null) {
            message.append("; retry after ").append(retryAfter.getSeconds()).append(" s");
        }
        return new DeliveryException(kind, message.toString(), possiblyReceived, retryAfter, code,
                null);
    }

    /**
     * "code: message" of an Azure error body ({@code {"code","message"}}, or the same under
     * {@code "error"}), clipped, unless it holds a token.
     */
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
        Map<?, ?> error = (Map<?, ?>) root;
        if (!(error.get("message") instanceof String) && error.get("error") instanceof Map) {
            error = (Map<?, ?>) error.get("error");
        }
        Object message = error.get("message");
        if (!(message instanceof String) || ((String) message).trim().isEmpty()) {
            return null;
        }
        Object code = error.get("code");
        String text = (code instanceof String ? code + ": " : "") + message;
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
