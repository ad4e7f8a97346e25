package dev.odometer.emulator;

import java.util.Set;

/**
 * The failures the emulator injects into the metering endpoints (Yandex and Azure writes; never the token,
 * admin, ledger or dashboard endpoints), so a client's retry, backoff and idempotency can be tested.
 * Immutable; change the running emulator's faults through {@link Faults} or {@code POST /admin/faults}.
 *
 * @param errorRate         share of metering requests (0..1) answered with {@code errorStatus} instead of being processed
 * @param errorStatus       500, 503 or 429
 * @param retryAfterSeconds sent as {@code Retry-After} with injected errors when not null
 * @param lostResponseRate  share of metering requests (0..1) that are processed and stored, after which the connection
 *                          is closed without a response: the client sees an I/O error although the write happened
 * @param latencyMs         delay added before every metering request is handled
 * @param outage            every metering request is answered 503 without being processed
 * @param forbidden         every authenticated metering request is answered 403 (the account lost its role)
 * @param forbiddenRequests the next this many authenticated metering requests are answered 403, counting down to 0
 *                          (a role lost for a while and restored)
 * @param refusedSku        a metering request holding a record for this Yandex SKU id or Azure dimension is refused
 *                          as a whole with {@code refusedStatus}, nothing stored (null: none)
 * @param refusedStatus     400, 413 or 422
 */
public record FaultSettings(
        double errorRate,
        int errorStatus,
        Integer retryAfterSeconds,
        double lostResponseRate,
        long latencyMs,
        boolean outage,
        boolean forbidden,
        int forbiddenRequests,
        String refusedSku,
        int refusedStatus) {

    private static final Set<Integer> ERROR_STATUSES = Set.of(429, 500, 503);
    private static final Set<Integer> REFUSAL_STATUSES = Set.of(400, 413, 422);

    /** The faults without a counted 403 spell or a refused SKU. */
    public FaultSettings(double errorRate, int errorStatus, Integer retryAfterSeconds, double lostResponseRate,
                         long latencyMs, boolean outage, boolean forbidden) {
        this(errorRate, errorStatus, retryAfterSeconds, lostResponseRate, latencyMs, outage, forbidden, 0, null, 400);
    }

    /** Checks every value; an {@link IllegalArgumentException} names the bad one. */
    public FaultSettings {
        requireRate("errorRate", errorRate);
        requireRate("lostResponseRate", lostResponseRate);
        if (!ERROR_STATUSES.contains(errorStatus)) {
            throw new IllegalArgumentException("errorStatus must be one of 429, 500, 503, not " + errorStatus);
        }
        if (retryAfterSeconds != null && retryAfterSeconds < 0) {
            throw new IllegalArgumentException("retryAfterSeconds must be >= 0, not " + retryAfterSeconds);
        }
        if (latencyMs < 0) {
            throw new IllegalArgumentException("latencyMs must be >= 0, not " + latencyMs);
        }
        if (forbiddenRequests < 0) {
            throw new IllegalArgumentException("forbiddenRequests must be >= 0, not " + forbiddenRequests);
        }
        if (!REFUSAL_STATUSES.contains(refusedStatus)) {
            throw new IllegalArgumentException("refusedStatus must be one of 400, 413, 422, not " + refusedStatus);
        }
    }

    /** No faults at all: the emulator behaves like a healthy marketplace. */
    public static FaultSettings none() {
        return new FaultSettings(0, 503, null, 0, 0, false, false);
    }

    // Each with... returns a copy with one value changed, so faults read as a sentence:
    // FaultSettings.none().withErrorRate(1).withErrorStatus(429).withRetryAfterSeconds(2)

    /** A copy with {@code errorRate} changed. */
    public FaultSettings withErrorRate(double rate) {
        return new FaultSettings(rate, errorStatus, retryAfterSeconds, lostResponseRate, latencyMs, outage,
                forbidden, forbiddenRequests, refusedSku, refusedStatus);
    }

    /** A copy with {@code errorStatus} changed. */
    public FaultSettings withErrorStatus(int status) {
        return new FaultSettings(errorRate, status, retryAfterSeconds, lostResponseRate, latencyMs, outage,
                forbidden, forbiddenRequests, refusedSku, refusedStatus);
    }

    /** A copy with {@code retryAfterSeconds} changed; {@code null} sends no {@code Retry-After} header. */
    public FaultSettings withRetryAfterSeconds(Integer seconds) {
        return new FaultSettings(errorRate, errorStatus, seconds, lostResponseRate, latencyMs, outage,
                forbidden, forbiddenRequests, refusedSku, refusedStatus);
    }

    /** A copy with {@code lostResponseRate} changed. */
    public FaultSettings withLostResponseRate(double rate) {
        return new FaultSettings(errorRate, errorStatus, retryAfterSeconds, rate, latencyMs, outage,
                forbidden, forbiddenRequests, refusedSku, refusedStatus);
    }

    /** A copy with {@code latencyMs} changed. */
    public FaultSettings withLatencyMs(long millis) {
        return new FaultSettings(errorRate, errorStatus, retryAfterSeconds, lostResponseRate, millis, outage,
                forbidden, forbiddenRequests, refusedSku, refusedStatus);
    }

    /** A copy with {@code outage} changed. */
    public FaultSettings withOutage(boolean on) {
        return new FaultSettings(errorRate, errorStatus, retryAfterSeconds, lostResponseRate, latencyMs, on,
                forbidden, forbiddenRequests, refusedSku, refusedStatus);
    }

    /** A copy with {@code forbidden} changed. */
    public FaultSettings withForbidden(boolean on) {
        return new FaultSettings(errorRate, errorStatus, retryAfterSeconds, lostResponseRate, latencyMs, outage, on,
                forbiddenRequests, refusedSku, refusedStatus);
    }

    /** A copy with {@code forbiddenRequests} changed: the next {@code count} requests get 403. */
    public FaultSettings withForbiddenRequests(int count) {
        return new FaultSettings(errorRate, errorStatus, retryAfterSeconds, lostResponseRate, latencyMs, outage, forbidden,
                count, refusedSku, refusedStatus);
    }

    /** A copy that refuses, with {@code status}, every request holding a record for {@code sku} (null: none). */
    public FaultSettings withRefusedSku(String sku, int status) {
        return new FaultSettings(errorRate, errorStatus, retryAfterSeconds, lostResponseRate, latencyMs, outage, forbidden,
                forbiddenRequests, sku, status);
    }

    private static void requireRate(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be between 0 and 1, not " + value);
        }
    }
}
