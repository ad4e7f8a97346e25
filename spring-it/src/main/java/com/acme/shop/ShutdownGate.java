package com.acme.shop;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Holds slow requests until the application begins to shut down, so that they are surely in
 * flight at SIGTERM and finish during the graceful shutdown that follows.
 */
@Component
public class ShutdownGate {
    private final CountDownLatch closing = new CountDownLatch(1);
    private final AtomicInteger waiting = new AtomicInteger();

    /** Spring publishes this before it stops the web server, which then waits for requests. */
    @EventListener(ContextClosedEvent.class)
    public void open() {
        closing.countDown();
    }

    /** Blocks until shutdown begins (at most a minute). */
    public void awaitShutdown() throws InterruptedException {
        waiting.incrementAndGet();
        try {
            closing.await(1, TimeUnit.MINUTES);
        } finally {
            waiting.decrementAndGet();
        }
    }

    public int waiting() {
        return waiting.get();
    }
}
