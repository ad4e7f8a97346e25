package dev.odometer.emulator;

import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Applies the current {@link Faults} to one metering request. Random choices come from one {@link Random}
 * seeded from the settings (and re-seeded on reset), so the same requests in the same order meet the same
 * faults; a rate of 0 or 1 draws nothing.
 */
final class FaultInjector {

    private final Faults faults;
    private final long seed;
    private final Random random;

    FaultInjector(Faults faults, long seed) {
        this.faults = faults;
        this.seed = seed;
        this.random = new Random(seed);
    }

    /**
     * What happens before the request is handled: the added latency, then an outage or an injected error.
     *
     * @return the response that replaces handling, if any
     */
    Optional<ApiResponse> beforeHandling(ApiFamily family) throws InterruptedException {
        FaultSettings now = faults.current();
        if (now.latencyMs() > 0) {
            Thread.sleep(now.latencyMs());
        }
        if (now.outage()) {
            return Optional.of(family.error(503, "the service is unavailable (emulated outage)").withNote("fault=outage"));
        }
        if (happens(now.errorRate())) {
            ApiResponse error = family.error(now.errorStatus(), "emulated transient error")
                    .withNote("fault=error-" + now.errorStatus());
            if (now.retryAfterSeconds() != null) {
                error = error.withHeader("Retry-After", Integer.toString(now.retryAfterSeconds()));
            }
            return Optional.of(error);
        }
        return Optional.empty();
    }

    /**
     * The 403 an authenticated request gets while {@code forbidden} is on, or while {@code forbiddenRequests} is
     * above 0 (which this request then counts down).
     */
    Optional<ApiResponse> forbidden(ApiFamily family) {
        if (faults.current().forbidden()) {
            return Optional.of(family.error(403, "Forbidden").withNote("fault=forbidden"));
        }
        boolean[] counted = new boolean[1];
        faults.update(f -> {
            counted[0] = f.forbiddenRequests() > 0;
            return counted[0] ? f.withForbiddenRequests(f.forbiddenRequests() - 1) : f;
        });
        if (!counted[0]) {
            return Optional.empty();
        }
        return Optional.of(family.error(403, "Forbidden").withNote("fault=forbidden-counted"));
    }

    /**
     * The whole-request refusal a metering request gets when it holds a record for {@code refusedSku}: the SKU
     * ids (Yandex) or dimensions (Azure) of its records are {@code skus}.
     */
    Optional<ApiResponse> refusal(ApiFamily family, List<String> skus) {
        FaultSettings now = faults.current();
        if (now.refusedSku() == null || !skus.contains(now.refusedSku())) {
            return Optional.empty();
        }
        return Optional.of(family.error(now.refusedStatus(), "the request was refused as a whole: it holds usage"
                + " for " + now.refusedSku() + " (emulated refusal)").withNote("fault=refused-" + now.refusedStatus()));
    }

    /** Whether this handled request's response is to be lost (the connection closed without an answer). */
    boolean loseResponse() {
        return happens(faults.current().lostResponseRate());
    }

    /** Back to the start of the seeded sequence. */
    void reseed() {
        synchronized (random) {
            random.setSeed(seed);
        }
    }

    private boolean happens(double rate) {
        if (rate <= 0) {
            return false;
        }
        if (rate >= 1) {
            return true;
        }
        synchronized (random) {
            return random.nextDouble() < rate;
        }
    }
}
