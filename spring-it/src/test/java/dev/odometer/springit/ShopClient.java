package dev.odometer.springit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Drives the shop over HTTP and keeps, per SKU id, the units of the requests that succeeded:
 * those the client saw answered 200, and only those. That is what the marketplace must have
 * billed.
 */
final class ShopClient {
    /** Longer than the shop's graceful shutdown: a request is answered or its connection dies. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final URI base;
    private final Map<String, Long> succeeded = new TreeMap<>();
    private final Set<String> quoted = new HashSet<>();
    private int failed;

    ShopClient(int port) {
        this.base = URI.create("http://127.0.0.1:" + port);
    }

    /** Units per SKU id of the requests answered 200 so far. */
    synchronized Map<String, Long> succeededUnits() {
        return new TreeMap<>(succeeded);
    }

    /** Requests that were refused, failed or never answered. */
    synchronized int failedRequests() {
        return failed;
    }

    /** {@code items} units of order, and a confirmation email. */
    CompletableFuture<HttpResponse<String>> order(int items) {
        return send("POST", "/orders?items=" + items,
                Map.of("sku-order", (long) items, "sku-email", 1L));
    }

    /** One email per recipient. */
    CompletableFuture<HttpResponse<String>> newsletter(int recipients) {
        return send("POST", "/newsletter?recipients=" + recipients,
                Map.of("sku-email", (long) recipients));
    }

    CompletableFuture<HttpResponse<String>> search(String query) {
        return send("GET", "/search?q=" + query, Map.of("sku-search", 1L));
    }

    CompletableFuture<HttpResponse<String>> report(int pages) {
        return send("POST", "/reports?pages=" + pages, Map.of("sku-pages", (long) pages));
    }

    /** Billed when the async rendering succeeds; a failed one is answered 500. */
    CompletableFuture<HttpResponse<String>> thumbnails(int images, boolean fail) {
        return send("POST", "/thumbnails?images=" + images + "&fail=" + fail,
                Map.of("sku-thumbnail", (long) images));
    }

    /** A price is computed, and billed, the first time a product is asked for; then cached. */
    HttpResponse<String> quote(String product) {
        HttpResponse<String> response = send("GET", "/quotes/" + product, Map.of()).join();
        synchronized (this) {
            if (response != null && response.statusCode() == 200 && quoted.add(product)) {
                succeeded.merge("sku-quote", 1L, Long::sum);
            }
        }
        return response;
    }

    /** A slow request that finishes only once the shop is shutting down. */
    CompletableFuture<HttpResponse<String>> export(int rows) {
        return send("POST", "/exports?rows=" + rows, Map.of("sku-export", (long) rows));
    }

    /** How many exports wait for the shutdown; null while the shop does not answer. */
    Integer exportsWaiting() {
        try {
            HttpResponse<String> response = http.send(request("GET", "/exports/waiting"),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Integer.valueOf(response.body().trim()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Sends a request; when it is answered 200 its units count as succeeded. The future never
     * fails: a request that gets no answer completes with null.
     */
    private CompletableFuture<HttpResponse<String>> send(String method, String path,
                                                         Map<String, Long> units) {
        return http.sendAsync(request(method, path), HttpResponse.BodyHandlers.ofString())
                .handle((response, failure) -> {
                    synchronized (this) {
                        if (response != null && response.statusCode() == 200) {
                            units.forEach((sku, n) -> succeeded.merge(sku, n, Long::sum));
                        } else {
                            failed++;
                        }
                    }
                    return response;
                });
    }

    private HttpRequest request(String method, String path) {
        return HttpRequest.newBuilder(base.resolve(path))
                .timeout(REQUEST_TIMEOUT)
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
    }
}
