package dev.odometer.agent.auth;

import java.time.Duration;

/** A token just obtained from its issuer, with how long the issuer says it lives. */
final class FetchedToken {
    private final Secret token;
    private final Duration lifetime;

    FetchedToken(Secret token, Duration lifetime) {
        this.token = token;
        this.lifetime = lifetime;
    }

    Secret token() {
        return token;
    }

    Duration lifetime() {
        return lifetime;
    }

    @Override
    public String toString() {
        return "FetchedToken[redacted, lifetime=" + lifetime + "]";
    }
}
