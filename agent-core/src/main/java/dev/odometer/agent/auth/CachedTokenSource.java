package dev.odometer.agent.auth;

import com.github.benmanes.caffeine.cache.Ticker;

/**
 * A {@link TokenSource} whose tokens come from a {@link TokenFetcher}, cached and refreshed ahead
 * of expiry by a {@link TokenCache}. Subclasses only say how a token is fetched; the cache, and
 * what {@link #describe()} and {@link #toString()} say (the fetcher's description, never a
 * token), are the same for all.
 */
abstract class CachedTokenSource implements TokenSource {
    private final TokenCache cache;

    CachedTokenSource(TokenFetcher fetcher, Ticker ticker) {
        this.cache = new TokenCache(fetcher, ticker);
    }

    @Override
    public String token() throws AuthException {
        return cache.get().reveal();
    }

    @Override
    public void invalidate() {
        cache.invalidate();
    }

    @Override
    public String describe() {
        return cache.describe();
    }

    /** {@code "<class name>[<describe()>]"}. */
    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + describe() + "]";
    }
}
