package dev.odometer.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Which API an endpoint belongs to. Decides whether faults and bearer-token checks apply, and how an error
 * body looks: Yandex answers gRPC-style {@code {"code":16,"message":...}}, Azure {@code {"code":"Unauthorized",...}}.
 */
enum ApiFamily {
    YANDEX_METERING(true),
    AZURE_METERING(true),
    /** Token endpoints, admin, ledger, dashboard: never faulted, no bearer token. */
    SUPPORT(false);

    private final boolean metering;

    ApiFamily(boolean metering) {
        this.metering = metering;
    }

    boolean isMetering() {
        return metering;
    }

    TokenStore.Realm realm() {
        return this == AZURE_METERING ? TokenStore.Realm.AZURE : TokenStore.Realm.YANDEX;
    }

    ApiResponse error(int status, String message) {
        ObjectNode body = switch (this) {
            case YANDEX_METERING, SUPPORT -> Json.object().put("code", grpcCode(status)).put("message", message);
            case AZURE_METERING -> Json.object().put("code", azureCode(status)).put("message", message);
        };
        return ApiResponse.json(status, body);
    }

    /** The gRPC status code Yandex's REST gateway puts in error bodies. */
    private static int grpcCode(int status) {
        return switch (status) {
            case 400 -> 3;  // INVALID_ARGUMENT
            case 401 -> 16; // UNAUTHENTICATED
            case 403 -> 7;  // PERMISSION_DENIED
            case 404 -> 5;  // NOT_FOUND
            case 405 -> 12; // UNIMPLEMENTED
            case 413 -> 3;
            case 429 -> 8;  // RESOURCE_EXHAUSTED
            case 503 -> 14; // UNAVAILABLE
            default -> 13;  // INTERNAL
        };
    }

    private static String azureCode(int status) {
        return switch (status) {
            case 400 -> "BadArgument";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "NotFound";
            case 405 -> "MethodNotAllowed";
            case 409 -> "Conflict";
            case 413 -> "PayloadTooLarge";
            case 429 -> "TooManyRequests";
            case 503 -> "ServiceUnavailable";
            default -> "InternalServerError";
        };
    }
}
