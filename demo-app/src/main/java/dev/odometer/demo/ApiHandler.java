package dev.odometer.demo;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serves the service's other API calls. It carries no annotation: it is billed per request
 * through the config's {@code methods:} list ({@code dev.odometer.demo.ApiHandler#handle}),
 * the way a seller meters code they cannot change.
 */
public class ApiHandler {
    private final AtomicLong served = new AtomicLong();

    /** Answers {@code GET /api/mailboxes/NAME}: the mailbox's unread count. */
    public Map<String, Object> handle(String path) {
        served.incrementAndGet();
        String mailbox = path.substring(path.lastIndexOf('/') + 1);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("mailbox", mailbox);
        answer.put("unread", Math.floorMod(mailbox.hashCode(), 50));
        return answer;
    }

    /** What this handler did, by its own count. */
    public long requestsServed() {
        return served.get();
    }
}
