package dev.odometer.emulator;

import java.time.Duration;

/**
 * The emulator's own controls: {@code GET/POST /admin/faults} (POST takes a partial update),
 * {@code POST /admin/reset} (empties the ledger, clears faults and clock offset, re-seeds the randomness) and
 * {@code POST /admin/clock/advance?seconds=N}.
 */
final class AdminApi {

    static final String FAULTS_PATH = "/admin/faults";
    static final String RESET_PATH = "/admin/reset";
    static final String CLOCK_ADVANCE_PATH = "/admin/clock/advance";

    private final MarketplaceEmulator emulator;

    AdminApi(MarketplaceEmulator emulator) {
        this.emulator = emulator;
    }

    ApiResponse getFaults(ApiRequest request) {
        return faultsResponse();
    }

    ApiResponse setFaults(ApiRequest request) {
        FaultUpdate update;
        try {
            update = FaultUpdate.parse(request.json(), emulator.faults().current());
        } catch (IllegalArgumentException e) {
            throw ApiError.of(ApiFamily.SUPPORT, 400, e.getMessage());
        }
        emulator.faults().set(update.faults());
        if (update.clockOffset() != null) {
            emulator.clock().setOffset(update.clockOffset());
        }
        return faultsResponse();
    }

    ApiResponse reset(ApiRequest request) {
        emulator.reset();
        return faultsResponse();
    }

    ApiResponse advanceClock(ApiRequest request) {
        long seconds;
        try {
            seconds = Long.parseLong(request.query().getOrDefault("seconds", ""));
        } catch (NumberFormatException e) {
            throw ApiError.of(ApiFamily.SUPPORT, 400, "seconds must be an integer: /admin/clock/advance?seconds=3600");
        }
        emulator.clock().advance(Duration.ofSeconds(seconds));
        return ApiResponse.json(200, Json.object()
                .put("clockOffsetSeconds", emulator.clock().offset().toSeconds())
                .put("now", emulator.clock().now().toString()));
    }

    private ApiResponse faultsResponse() {
        return ApiResponse.json(200, FaultUpdate.describe(emulator.faults().current(), emulator.clock().offset()));
    }
}
