package dev.odometer.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every request goes through: read the body, find the route, and for the metering endpoints apply the
 * faults and check the bearer token; then answer (or, for a lost response, close the connection) and log one line.
 */
final class RequestPipeline implements HttpHandler {

    static final int MAX_BODY_BYTES = 1 << 20;

    private final List<Route> routes;
    private final TokenStore tokens;
    private final FaultInjector faults;
    private final AtomicInteger meteringInFlight = new AtomicInteger();

    RequestPipeline(List<Route> routes, TokenStore tokens, FaultInjector faults) {
        this.routes = List.copyOf(routes);
        this.tokens = tokens;
        this.faults = faults;
    }

    /** A handled request: the response, and whether it is to be lost instead of sent. */
    private record Handled(ApiResponse response, boolean lost) {}

    /** Metering requests received and not yet answered. */
    int meteringInFlight() {
        return meteringInFlight.get();
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        boolean metering = routes.stream().anyMatch(r -> r.family().isMetering()
                && r.path().test(exchange.getRequestURI().getPath()));
        if (metering) {
            meteringInFlight.incrementAndGet();
        }
        try {
            handleCounted(exchange);
        } finally {
            if (metering) {
                meteringInFlight.decrementAndGet();
            }
        }
    }

    private void handleCounted(HttpExchange exchange) throws IOException {
        long start = System.nanoTime();
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        String rawQuery = exchange.getRequestURI().getRawQuery();
        String target = rawQuery == null ? path : path + "?" + rawQuery;
        Handled handled;
        try {
            handled = handle(exchange, method, path, rawQuery);
        } catch (ApiError e) {
            handled = new Handled(e.response().withNote("why=\"" + oneLine(e.getMessage()) + "\""), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            handled = new Handled(ApiFamily.SUPPORT.error(503, "the emulator is stopping"), false);
        } catch (RuntimeException e) {
            RequestLog.failure(method, target, e);
            handled = new Handled(ApiFamily.SUPPORT.error(500, "emulator failure: " + e), false);
        }
        try {
            if (handled.lost) {
                exchange.close(); // no response headers were sent, so this drops the connection
            } else {
                send(exchange, handled.response);
            }
        } finally {
            long millis = (System.nanoTime() - start) / 1_000_000;
            RequestLog.request(method, target, handled.response.status(), millis, handled.response, handled.lost);
        }
    }

    private Handled handle(HttpExchange exchange, String method, String path, String rawQuery)
            throws IOException, InterruptedException {
        byte[] body = readBody(exchange.getRequestBody());
        Route route = route(method, path);
        Map<String, String> query;
        try {
            query = ApiRequest.parseForm(rawQuery);
        } catch (IllegalArgumentException e) {
            throw ApiError.of(route.family(), 400, "malformed query string");
        }
        ApiRequest request = new ApiRequest(method, path, query, exchange.getRequestHeaders(), body, route.family(), null);
        if (!route.family().isMetering()) {
            return new Handled(route.handler().apply(request), false);
        }
        Optional<ApiResponse> fault = faults.beforeHandling(route.family());
        if (fault.isPresent()) {
            return new Handled(fault.get(), false);
        }
        TokenStore.Check token = tokens.check(route.family().realm(), request.header("Authorization"));
        if (!token.accepted()) {
            throw new ApiError(route.family().error(401, token.refusal().message)
                    .withHeader("WWW-Authenticate", "Bearer"), token.refusal().message);
        }
        Optional<ApiResponse> forbidden = faults.forbidden(route.family());
        if (forbidden.isPresent()) {
            return new Handled(forbidden.get(), false);
        }
        Optional<ApiResponse> refused = faults.refusal(route.family(), skusOf(body, route.family()));
        if (refused.isPresent()) {
            return new Handled(refused.get(), false);
        }
        ApiResponse response = route.handler().apply(request.withPrincipal(token.principal()));
        return new Handled(response, faults.loseResponse());
    }

    /** The Yandex SKU ids or Azure dimensions a metering body names; none when it is not readable JSON. */
    private static List<String> skusOf(byte[] body, ApiFamily family) {
        List<String> skus = new ArrayList<>();
        JsonNode root;
        try {
            root = Json.parse(body);
        } catch (IOException malformed) {
            return skus; // the handler answers it
        }
        JsonNode records = family == ApiFamily.AZURE_METERING
                ? (root.has("request") ? root.get("request") : Json.MAPPER.createArrayNode().add(root))
                : Json.field(root, "usageRecords", "usage_records");
        if (records != null && records.isArray()) {
            for (JsonNode record : records) {
                String sku = family == ApiFamily.AZURE_METERING ? Json.text(record, "dimension")
                        : Json.text(record, "skuId", "sku_id");
                if (sku != null) {
                    skus.add(sku);
                }
            }
        }
        return skus;
    }

    private Route route(String method, String path) {
        boolean pathKnown = false;
        for (Route route : routes) {
            if (route.path().test(path)) {
                if (route.method().equals(method)) {
                    return route;
                }
                pathKnown = true;
            }
        }
        throw pathKnown
                ? ApiError.of(ApiFamily.SUPPORT, 405, method + " is not supported on " + path)
                : ApiError.of(ApiFamily.SUPPORT, 404, "no endpoint " + path);
    }

    private static String oneLine(String message) {
        String line = message == null ? "" : message.replaceAll("\\s+", " ").trim();
        return line.length() > 160 ? line.substring(0, 157) + "..." : line;
    }

    private static byte[] readBody(InputStream in) throws IOException {
        try (in) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw ApiError.of(ApiFamily.SUPPORT, 413, "the body is larger than " + MAX_BODY_BYTES + " bytes");
            }
            return body;
        }
    }

    private static void send(HttpExchange exchange, ApiResponse response) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", response.contentType());
        response.headers().forEach(exchange.getResponseHeaders()::set);
        byte[] body = response.body();
        exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
