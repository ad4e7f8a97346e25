package dev.odometer.agent.marketplace.yandex;

import dev.odometer.agent.marketplace.MeteringFailures;
import java.util.Map;
import okhttp3.Headers;

/**
 * The Yandex wording of {@link MeteringFailures}: what to do about a 401 or 403, the
 * {@code message} of a gRPC-gateway error body, the answer's {@code X-Request-Id}; and a 503
 * means the request was not handled.
 */
final class Failures extends MeteringFailures {
    static final Failures YANDEX = new Failures();

    private Failures() {
        super("Yandex metering");
    }

    @Override
    protected String unauthorizedAdvice(String tokenSource) {
        return "the token was rejected, also when freshly obtained from " + tokenSource
                + ": check that it is an IAM token of the service account meant to report usage";
    }

    @Override
    protected String forbiddenAdvice() {
        return "the service account needs the role marketplace.meteringAgent on the folder,"
                + " and the billing account must be in a state that allows consumption";
    }

    @Override
    protected String malformedAdvice() {
        return "the request was refused as malformed: a bug in Odometer, please report it";
    }

    /**
     * The server says it did not handle the request: nothing was stored, so a record that only
     * ever met 503s may be sealed again under a new uuid before it expires.
     */
    @Override
    protected boolean unavailableStoresNothing() {
        return true;
    }

    /** The {@code message} of a gRPC-gateway error body. */
    @Override
    protected String serverText(Map<?, ?> body) {
        Object message = body.get("message");
        if (!(message instanceof String) || ((String) message).trim().isEmpty()) {
            return null;
        }
        return (String) message;
    }

    @Override
    protected String answerIds(Headers headers) {
        String requestId = headers.get("X-Request-Id");
        return requestId == null ? null : "[request id " + clip(requestId) + "]";
    }
}
