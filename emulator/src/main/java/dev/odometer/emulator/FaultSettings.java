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
 */
public record FaultSettings(
        double errorRate,
        int errorStatus,
        Integer retryAfterSeconds,
        double lostResponseRate,
        long latencyMs,
        boolean outage,
        boolean forbidden) {

    private static final Set<Integer> ERROR_STATUSES = Set.of(429, 500, 503);

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
    }

    /** No faults at all: the emulator behaves like a healthy marketplace. */
    public static FaultSettings none() {
        return new FaultSettings(0, 503, null, 0, 0, false, false);
    }

    // Each with... returns a copy with one value changed, so faults read as a sentence:
    // FaultSettings.none().withErrorRate(1).withErrorStatus(429).withRetryAfterSeconds(2)

    /** A copy with {@code errorRate} changed. */
    public FaultSettings withErrorRate(double rate) {
        return new FaultSettings(rate, errorStatus, retryAfterSeconds, lostResponseRate, latencyMs, outage, forbidden);
    }

    /** A copy with {@code errorStatus} changed. */
    public FaultSettings withErrorStatus(int status) {
        return new FaultSettings(errorRate, status, retryAfterSeconds, lostResponseRate, latencyMs, outage, forbidden);
    }

    /** A copy with {@code retryAfterSeconds} changed; {@code null} sends no {@code Retry-After} header. */
    public FaultSettings withRetryAfterSeconds(Integer seconds) {
        return new FaultSettings(errorRate, errorStatus, seconds, lostResponseRate, latencyMs, outage, forbidden);
    }

    /** A copy with {@code lostResponseRate} changed. */
    public FaultSettings withLostResponseRate(double rate) {
        return new FaultSettings(errorRate, errorStatus, retryAfterSeconds, rate, latencyMs, outage, forbidden);
    }

    /** A copy with {@code latencyMs} changed. */
    public FaultSettings withLatencyMs(long millis) {
        return new FaultSettings(errorRate, errorStatus, retryAfterSeconds, lostResponseRate, millis, outage, forbidden);
    }

    /** A copy with {@code outage} changed. */
    public FaultSettings withOutage(boolean on) {
        return new FaultSettings(errorRate, errorStatus, retryAfterSeconds, lostResponseRate, latencyMs, on, forbidden);
    }

    /** A copy with {@code forbidden} changed. */
    public FaultSettings withForbidden(boolean on) {
        return new FaultSettings(errorRate, errorStatus, retryAfterSeconds, lostResponseRate, latencyMs, outage, on);
    }

    private static void requireRate(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be between 0 and 1, not " + value);
        }
    }
}
