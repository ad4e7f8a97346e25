package dev.odometer.agent.auth;

import dev.odometer.agent.log.AgentLog;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Caches the token of one {@link TokenFetcher} in Caffeine and refreshes it ahead of expiry.
 *
 * <ul>
 *   <li>A token of lifetime L is refreshed when min(L/10, 5 min) of it remains, and at the
 *       latest after one hour (Yandex advises hourly refresh of its 12-hour IAM tokens).</li>
 *   <li>It is used until min(L/10, 30 s) before it ends; after that a caller waits for a fetch.
 *   </li>
 *   <li>A failed refresh keeps the old token while it is still valid, logs one warning and is
 *       tried again at most every 30 seconds.</li>
 *   <li>Concurrent callers share one fetch: Caffeine loads a missing or expired token once
 *       while the others wait for it; a refresh ahead of expiry is made by one caller while the
 *       others go on with the still-valid token, without waiting.</li>
 * </ul>
 *
 * Fetches run on the calling thread: the agent starts no thread of its own for tokens.
 */
final class TokenCache {
    private static final AgentLog LOG = AgentLog.forClass(TokenCache.class);
    static final Duration MAX_AGE = Duration.ofHours(1);
    static final Duration MAX_REFRESH_AHEAD = Duration.ofMinutes(5);
    static final Duration MAX_EXPIRY_SKEW = Duration.ofSeconds(30);
    static final Duration RETRY_FAILED_REFRESH = Duration.ofSeconds(30);
    static final Duration MIN_LIFETIME = Duration.ofSeconds(10);
    /** Yandex tokens live at most 12 hours; a longer claim is not believed (nor overflowed). */
    static final Duration MAX_LIFETIME = Duration.ofHours(24);

    private static final String KEY = "token";

    private final TokenFetcher fetcher;
    private final Ticker ticker;
    private final LoadingCache<String, CachedToken> cache;
    private final ReentrantLock refreshing = new ReentrantLock();

    TokenCache(TokenFetcher fetcher, Ticker ticker) {
        this.fetcher = fetcher;
        this.ticker = ticker;
        this.cache = Caffeine.newBuilder()
                .ticker(ticker)
                .executor(Runnable::run)
                .expireAfter(new UntilTokenExpires())
                .build(key -> CachedToken.from(fetcher.fetch(), ticker.read()));
    }

    Secret get() throws AuthException {
        CachedToken token = load();
        if (isDue(token) && refreshing.tryLock()) {
            try {
                token = refresh();
            } finally {
                refreshing.unlock();
            }
        }
        return token.token;
    }

    void invalidate() {
        cache.invalidate(KEY);
    }

    String describe() {
        return fetcher.describe();
    }

    private CachedToken load() throws AuthException {
        try {
            return cache.get(KEY);
        } catch (CompletionException e) {
            if (e.getCause() instanceof AuthException) {
                throw (AuthException) e.getCause();
            }
            throw e;
        }
    }

    private boolean isDue(CachedToken token) {
        return ticker.read() - token.refreshAtNanos >= 0;
    }

    /** Called under {@link #refreshing}: fetches ahead of expiry, or keeps the current token. */
    private CachedToken refresh() throws AuthException {
        CachedToken current = load(); // another caller may have refreshed meanwhile
        if (!isDue(current)) {
            return current;
        }
        CachedToken next;
        try {
            next = CachedToken.from(fetcher.fetch(), ticker.read());
        } catch (AuthException | RuntimeException e) {
            long now = ticker.read();
            long leftSeconds = Math.max(0, (current.expireAtNanos - now) / 1_000_000_000L);
            LOG.warn("Could not refresh the token (" + fetcher.describe()
                    + "), still using the current one for up to " + leftSeconds + " s: "
                    + e.getMessage());
            next = current.retryRefreshAt(now + RETRY_FAILED_REFRESH.toNanos());
        }
        cache.put(KEY, next);
        return next;
    }

    private static final class UntilTokenExpires implements Expiry<String, CachedToken> {
        @Override
        public long expireAfterCreate(String key, CachedToken value, long currentTime) {
            return Math.max(0, value.expireAtNanos - currentTime);
        }

        @Override
        public long expireAfterUpdate(String key, CachedToken value, long currentTime,
                long currentDuration) {
            return Math.max(0, value.expireAtNanos - currentTime);
        }

        @Override
        public long expireAfterRead(String key, CachedToken value, long currentTime,
                long currentDuration) {
            return currentDuration;
        }
    }

    /** A token with its schedule on the ticker's time line. */
    static final class CachedToken {
        final Secret token;
        final long refreshAtNanos;
        final long expireAtNanos;

        private CachedToken(Secret token, long refreshAtNanos, long expireAtNanos) {
            this.token = token;
            this.refreshAtNanos = refreshAtNanos;
            this.expireAtNanos = expireAtNanos;
        }

        static CachedToken from(FetchedToken fetched, long now) {
            Duration lifetime = fetched.lifetime();
            if (lifetime.compareTo(MIN_LIFETIME) < 0) {
                lifetime = MIN_LIFETIME;
            } else if (lifetime.compareTo(MAX_LIFETIME) > 0) {
                lifetime = MAX_LIFETIME;
            }
            Duration tenth = lifetime.dividedBy(10);
            Duration skew = min(tenth, MAX_EXPIRY_SKEW);
            Duration ahead = min(tenth, MAX_REFRESH_AHEAD);
            Duration refreshAfter = min(lifetime.minus(ahead), MAX_AGE);
            return new CachedToken(fetched.token(), now + refreshAfter.toNanos(),
                    now + lifetime.minus(skew).toNanos());
        }

        CachedToken retryRefreshAt(long when) {
            return new CachedToken(token, when, expireAtNanos);
        }

        private static Duration min(Duration a, Duration b) {
            return a.compareTo(b) <= 0 ? a : b;
        }

        @Override
        public String toString() {
            return "CachedToken[redacted]";
        }
    }
}
