package dev.odometer.agent.auth;

import java.util.Objects;

/**
 * A token given directly, from the config's {@code token:} or the environment variable named by
 * {@code token_env}; the caller reads it and passes the value. It cannot be refreshed, so
 * {@link #invalidate()} does nothing and a 401 stays a 401.
 */
public final class StaticTokenSource implements TokenSource {
    private final Secret token;
    private final String origin;

    /**
     * @param token  the bearer token
     * @param origin where it came from, for messages, e.g. "environment variable ODOMETER_TOKEN"
     * @throws IllegalArgumentException when the token is empty or could not be a header value
     *         (the message does not repeat it)
     */
    public StaticTokenSource(String token, String origin) {
        Objects.requireNonNull(token, "token");
        this.origin = Objects.requireNonNull(origin, "origin");
        String trimmed = token.trim();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("The token from " + origin + " is empty");
        }
        for (int i = 0; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                throw new IllegalArgumentException("The token from " + origin
                        + " contains whitespace or characters not allowed in an HTTP header");
            }
        }
        this.token = Secret.of(trimmed);
    }

    @Override
    public String token() {
        return token.reveal();
    }

    @Override
    public void invalidate() {
        // nothing to refresh: a rejected static token stays rejected
    }

    @Override
    public String describe() {
        return "static token from " + origin;
    }

    @Override
    public String toString() {
        return "StaticTokenSource[" + origin + "]";
    }
}
