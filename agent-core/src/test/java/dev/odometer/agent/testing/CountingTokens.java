package dev.odometer.agent.testing;

import dev.odometer.agent.auth.AuthException;
import dev.odometer.agent.auth.TokenSource;
import java.util.concurrent.atomic.AtomicInteger;

/** Hands out "secret-token-1", then after each invalidate() the next number. */
public final class CountingTokens implements TokenSource {
    /** How many tokens were handed out fresh. */
    public final AtomicInteger fetches = new AtomicInteger();
    /** How many times the token was invalidated. */
    public final AtomicInteger invalidations = new AtomicInteger();
    private volatile String current;

    @Override
    public synchronized String token() throws AuthException {
        if (current == null) {
            current = "secret-token-" + fetches.incrementAndGet();
        }
        return current;
    }

    @Override
    public synchronized void invalidate() {
        invalidations.incrementAndGet();
        current = null;
    }

    @Override
    public String describe() {
        return "test tokens";
    }
}
