package dev.odometer.emulator;

/**
 * A request the emulator refuses as a whole (bad JSON, no token, unknown route): thrown by handlers, answered
 * with its response. Expected, so it carries no stack trace and is never logged as a failure.
 */
final class ApiError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient ApiResponse response;

    ApiError(ApiResponse response, String message) {
        super(message, null, false, false);
        this.response = response;
    }

    /** An error in the style of the given API family. */
    static ApiError of(ApiFamily family, int status, String message) {
        return new ApiError(family.error(status, message), message);
    }

    ApiResponse response() {
        return response;
    }
}
