package dev.odometer.agent.auth;

import java.time.Clock;
import java.time.Duration;

/**
 * What Azure AD and the managed-identity endpoint have in common: the resource the tokens are
 * for, their answer {@code {"access_token","expires_in","expires_on",...}} (numbers as JSON
 * strings or numbers), and their error answer {@code {"error","error_description"}}.
 */
final class AadTokens {
    /** The application id of the Azure Marketplace metering service: the tokens' audience. */
    static final String METERING_RESOURCE = "20e940b3-4c77-4b0b-9a53-9e16a1b010a7";

    private static final int MAX_ERROR_TEXT = 300;

    private AadTokens() {
    }

    /**
     * The token of a 200 answer, living {@code expires_in} seconds, else until {@code expires_on}
     * (epoch seconds) by {@code clock}, else {@link TokenCache#MAX_AGE}.
     *
     * @param issuer names the endpoint in the message when there is no token
     */
    static FetchedToken read(byte[] body, Clock clock, String issuer) throws AuthException {
        JsonFields json = JsonFields.parse(body);
        String token = json == null ? null : json.string("access_token");
        if (token == null) {
            throw new AuthException(issuer + " answered without an access_token");
        }
        return new FetchedToken(Secret.of(token), lifetime(json, clock));
    }

    private static Duration lifetime(JsonFields json, Clock clock) {
        Long expiresIn = json.integer("expires_in");
        if (expiresIn != null && expiresIn > 0) {
            return Duration.ofSeconds(expiresIn);
        }
        Long expiresOn = json.integer("expires_on");
        if (expiresOn != null) {
            long left = expiresOn - clock.instant().getEpochSecond();
            if (left > 0) {
                return Duration.ofSeconds(left);
            }
        }
        return TokenCache.MAX_AGE;
    }

    /**
     * " (error: description)" from an error answer, on one line and clipped, or "" when there is
     * none or it contains one of {@code secrets} (AAD quotes what it was sent, now and then).
     */
    static String errorOf(byte[] body, Secret... secrets) {
        JsonFields json = JsonFields.parse(body);
        if (json == null) {
            return "";
        }
        String error = json.string("error");
        String description = json.string("error_description", "message");
        String said = error == null ? description
                : description == null ? error : error + ": " + description;
        if (said == null) {
            return "";
        }
        for (Secret secret : secrets) {
            if (secret != null && secret.isIn(said)) {
                return "";
            }
        }
        String line = said.replaceAll("\\s+", " ").trim();
        if (line.length() > MAX_ERROR_TEXT) {
            line = line.substring(0, MAX_ERROR_TEXT) + "...";
        }
        return " (" + line + ")";
    }
}
