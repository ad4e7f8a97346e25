package dev.odometer.emulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** {@code GET /}: a page that polls {@code /ledger} and {@code /admin/faults} every 2 s and draws them. Self-contained: no CDN. */
final class Dashboard {

    static final String PATH = "/";

    private final String page;

    Dashboard() {
        try (InputStream in = Dashboard.class.getResourceAsStream("dashboard.html")) {
            if (in == null) {
                throw new IllegalStateException("dashboard.html is missing from the emulator jar");
            }
            page = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ApiResponse page(ApiRequest request) {
        return ApiResponse.html(page);
    }
}
