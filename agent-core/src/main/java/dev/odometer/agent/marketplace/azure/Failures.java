package dev.odometer.agent.marketplace.azure;

import dev.odometer.agent.marketplace.MeteringFailures;
import java.util.Map;

/**
 * The Azure wording of {@link MeteringFailures}: what to do about a 401 or 403 (the AAD
 * application and Partner Center), "code: message" of an Azure error body; a 503 is treated like
 * any other 5xx. The request's ids (for Microsoft support) are given by the client.
 */
final class Failures extends MeteringFailures {
    static final Failures AZURE = new Failures();

    private Failures() {
        super("Azure metering");
    }

    @Override
    protected String unauthorizedAdvice(String tokenSource) {
        return "the token was rejected, also when freshly obtained from " + tokenSource
                + ": check that this AAD application (client id and tenant) is the one in"
                + " the offer's technical configuration in Partner Center";
    }

    @Override
    protected String forbiddenAdvice() {
        return "this AAD application may not report usage: check that its client id and"
                + " tenant are those of the offer's technical configuration in Partner"
                + " Center, and resource_id or resource_uri in the config";
    }

    @Override
    protected String malformedAdvice() {
        return "the batch was refused as malformed: a bug in Odometer, please report it";
    }

    @Override
    protected boolean unavailableStoresNothing() {
        return false;
    }

    /**
     * "code: message" of an Azure error body ({@code {"code","message"}}, or the same under
     * {@code "error"}).
     */
    @Override
    protected String serverText(Map<?, ?> body) {
        Map<?, ?> error = body;
        if (!(error.get("message") instanceof String) && error.get("error") instanceof Map) {
            error = (Map<?, ?>) error.get("error");
        }
        Object message = error.get("message");
        if (!(message instanceof String) || ((String) message).trim().isEmpty()) {
            return null;
        }
        Object code = error.get("code");
        return (code instanceof String ? code + ": " : "") + message;
    }
}
