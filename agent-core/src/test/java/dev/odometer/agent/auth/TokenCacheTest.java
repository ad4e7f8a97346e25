package dev.odometer.agent.auth;

import dev.odometer.agent.testing.LogCapture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TokenCacheTest {
    private final FakeTime time = new FakeTime(Instant.parse("2025-01-01T00:00:00Z"));
    private final ScriptedFetcher fetcher = new ScriptedFetcher();
    private final TokenCache cache = new TokenCache(fetcher, time);

    /** Answers fetches from a script: a lifetime gives token-N, null fails. */
    static final class ScriptedFetcher implements TokenFetcher {
        final Deque<Duration> script = new ArrayDeque<>();
        final AtomicInteger fetches = new AtomicInteger();
        volatile CountDownLatch gate;

        ScriptedFetcher then(Duration lifetime) {
            script.add(lifetime);
            return this;
        }

        ScriptedFetcher thenFail() {
            script.add(Duration.ZERO);
            return this;
        }

        @Override
        public synchronized FetchedToken fetch() throws AuthException {
            int n = fetches.incrementAndGet();
            if (gate != null) {
                try {
                    gate.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Duration lifetime = script.isEmpty() ? Duration.ofHours(1) : script.poll();
            if (lifetime.isZero()) {
                throw new AuthException("issuer unreachable");
            }
            return new FetchedToken(Secret.of("token-" + n), lifetime);
        }

        @Override
        public String describe() {
            return "scripted";
        }
    }

    @Test
    void oneFetchServesManyCalls() throws Exception {
        fetcher.then(Duration.ofHours(12));

        for (int i = 0; i < 100; i++) {
            assertThat(cache.get().reveal()).isEqualTo("token-1");
            time.advance(Duration.ofSeconds(30));
        }

        assertThat(fetcher.fetches).hasValue(1);
    }

    @Test
    void aOneHourTokenIsRefreshedWhenFiveMinutesRemain() throws Exception {
        fetcher.then(Duration.ofHours(1)).then(Duration.ofHours(1));
        assertThat(cache.get().reveal()).isEqualTo("token-1");

        time.advance(Duration.ofMinutes(54).plusSeconds(59));
        assertThat(cache.get().reveal()).isEqualTo("token-1");
        time.advance(Duration.ofSeconds(1));
        assertThat(cache.get().reveal()).isEqualTo("token-2");

        assertThat(fetcher.fetches).hasValue(2);
    }

    @Test
    void aTwelveHourTokenIsRefreshedAfterAnHour() throws Exception {
        fetcher.then(Duration.ofHours(12)).then(Duration.ofHours(12));
        cache.get();

        time.advance(Duration.ofMinutes(59));
        assertThat(cache.get().reveal()).isEqualTo("token-1");
        time.advance(Duration.ofMinutes(1));
        assertThat(cache.get().reveal()).isEqualTo("token-2");
    }

    @Test
    void aShortLivedTokenIsRefreshedWhenATenthOfItRemains() throws Exception {
        fetcher.then(Duration.ofSeconds(200)).then(Duration.ofSeconds(200));
        cache.get();

        time.advance(Duration.ofSeconds(179));
        assertThat(cache.get().reveal()).isEqualTo("token-1");
        time.advance(Duration.ofSeconds(1));
        assertThat(cache.get().reveal()).isEqualTo("token-2");
    }

    @Test
    void aFailedRefreshKeepsTheStillValidTokenAndTriesAgainLater() throws Exception {
        fetcher.then(Duration.ofHours(1)).thenFail().then(Duration.ofHours(1));
        cache.get();

        try (LogCapture log = new LogCapture("dev.odometer.agent.auth")) {
            time.advance(Duration.ofMinutes(55));
            assertThat(cache.get().reveal()).isEqualTo("token-1");
            assertThat(fetcher.fetches).hasValue(2);

            time.advance(Duration.ofSeconds(10));
            assertThat(cache.get().reveal()).isEqualTo("token-1");
            assertThat(fetcher.fetches).as("no new attempt within 30 s").hasValue(2);

            time.advance(Duration.ofSeconds(20));
            assertThat(cache.get().reveal()).isEqualTo("token-3");

            assertThat(log.lines).hasSize(1);
            assertThat(log.lines.get(0)).startsWith("[odometer] ")
                    .contains("issuer unreachable").contains("still using")
                    .doesNotContain("token-1");
        }
    }

    @Test
    void onceExpiredAFailingFetchIsAnError() throws Exception {
        fetcher.then(Duration.ofHours(1)).thenFail().thenFail().thenFail();
        cache.get();

        time.advance(Duration.ofMinutes(60));

        assertThatThrownBy(cache::get).isInstanceOf(AuthException.class)
                .hasMessage("issuer unreachable");
    }

    @Test
    void theTokenIsNotUsedInItsLastSeconds() throws Exception {
        fetcher.then(Duration.ofHours(1)).thenFail().thenFail().thenFail();
        cache.get();

        time.advance(Duration.ofMinutes(59).plusSeconds(31));

        assertThatThrownBy(cache::get).isInstanceOf(AuthException.class);
    }

    @Test
    void absurdLifetimesAreBounded() throws Exception {
        fetcher.then(Duration.ofDays(365_000)).then(Duration.ofSeconds(-30))
                .then(Duration.ofHours(1));

        assertThat(cache.get().reveal()).isEqualTo("token-1");
        time.advance(Duration.ofHours(1));
        assertThat(cache.get().reveal()).as("refreshed hourly all the same").isEqualTo("token-2");
        time.advance(Duration.ofSeconds(10));
        assertThat(cache.get().reveal()).as("an already-expired answer is not trusted long")
                .isEqualTo("token-3");
    }

    @Test
    void invalidateFetchesAFreshToken() throws Exception {
        fetcher.then(Duration.ofHours(1)).then(Duration.ofHours(1));
        assertThat(cache.get().reveal()).isEqualTo("token-1");

        cache.invalidate();

        assertThat(cache.get().reveal()).isEqualTo("token-2");
    }

    @Test
    void aFirstFetchThatFailsIsTriedAgainOnTheNextCall() throws Exception {
        fetcher.thenFail().then(Duration.ofHours(1));

        assertThatThrownBy(cache::get).isInstanceOf(AuthException.class);
        assertThat(cache.get().reveal()).isEqualTo("token-2");
    }

    @Test
    void concurrentCallersShareOneFetch() throws Exception {
        fetcher.gate = new CountDownLatch(1);
        int callers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            CountDownLatch started = new CountDownLatch(callers);
            List<Future<String>> tokens = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                tokens.add(pool.submit(() -> {
                    started.countDown();
                    return cache.get().reveal();
                }));
            }
            started.await(5, TimeUnit.SECONDS);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> fetcher.fetches.get() == 1);
            fetcher.gate.countDown();
            for (Future<String> token : tokens) {
                assertThat(token.get(5, TimeUnit.SECONDS)).isEqualTo("token-1");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(fetcher.fetches).hasValue(1);
    }

    @Test
    void duringARefreshOtherCallersKeepTheValidTokenWithoutWaitingOrFetching()
            throws Exception {
        CountDownLatch refreshStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger fetches = new AtomicInteger();
        TokenFetcher slowSecondFetch = new TokenFetcher() {
            @Override
            public FetchedToken fetch() {
                int n = fetches.incrementAndGet();
                if (n == 2) {
                    refreshStarted.countDown();
                    try {
                        release.await(5, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return new FetchedToken(Secret.of("token-" + n), Duration.ofHours(1));
            }

            @Override
            public String describe() {
                return "slow";
            }
        };
        TokenCache slow = new TokenCache(slowSecondFetch, time);
        slow.get();
        time.advance(Duration.ofMinutes(56));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<String> refresher = pool.submit(() -> slow.get().reveal());
            assertThat(refreshStarted.await(5, TimeUnit.SECONDS)).isTrue();

            Future<String> other = pool.submit(() -> slow.get().reveal());

            assertThat(other.get(5, TimeUnit.SECONDS)).isEqualTo("token-1");
            release.countDown();
            assertThat(refresher.get(5, TimeUnit.SECONDS)).isEqualTo("token-2");
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
        assertThat(slow.get().reveal()).isEqualTo("token-2");
        assertThat(fetches).hasValue(2);
    }

    @Test
    void cachedValuesDoNotPrintTheToken() throws Exception {
        FetchedToken fetched = new FetchedToken(Secret.of("token-xyz"), Duration.ofHours(1));

        assertThat(fetched.toString()).doesNotContain("token-xyz");
        assertThat(TokenCache.CachedToken.from(fetched, 0).toString()).doesNotContain("token-xyz");
        assertThat(Secret.of("token-xyz").toString()).doesNotContain("token-xyz");
    }
}
