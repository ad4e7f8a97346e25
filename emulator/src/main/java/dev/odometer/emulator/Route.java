package dev.odometer.emulator;

import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** One endpoint: its method and path, the API family it belongs to, and its handler. */
record Route(String method, Predicate<String> path, ApiFamily family, Function<ApiRequest, ApiResponse> handler) {

    static Route exact(String method, String path, ApiFamily family, Function<ApiRequest, ApiResponse> handler) {
        return new Route(method, path::equals, family, handler);
    }

    static Route matching(String method, Pattern path, ApiFamily family, Function<ApiRequest, ApiResponse> handler) {
        return new Route(method, p -> path.matcher(p).matches(), family, handler);
    }
}
