package dev.odometer.agent.auth;

/**
 * Supplies the bearer token a marketplace client sends. Implementations cache what they fetch
 * and are thread-safe.
 */
public interface TokenSource {

    /**
     * A token valid now, from the cache when possible.
     *
     * @throws AuthException when none can be obtained
     */
    String token() throws AuthException;

    /**
     * Drops the cached token, because the marketplace just rejected it (HTTP 401): the next
     * {@link #token()} fetches a fresh one.
     */
    void invalidate();

    /** Where tokens come from, for logs and error messages; never the token itself. */
    String describe();
}
