package dev.odometer.emulator;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a handler answers, plus what the request log line says about it.
 *
 * @param accepted records or events accepted, -1 when not a metering write
 * @param rejected records or events rejected, -1 when not a metering write
 * @param note     extra words for the log line ("validateOnly", "fault=outage"), or null
 */
record ApiResponse(int status, String contentType, byte[] body, Map<String, String> headers,
                   int accepted, int rejected, String note) {

    ApiResponse {
        headers = Map.copyOf(headers);
    }

    static ApiResponse json(int status, Object body) {
        return new ApiResponse(status, "application/json", Json.bytes(body), Map.of(), -1, -1, null);
    }

    static ApiResponse html(String page) {
        return new ApiResponse(200, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8),
                Map.of("Cache-Control", "no-store"), -1, -1, null);
    }

    ApiResponse withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ApiResponse(status, contentType, body, more, accepted, rejected, note);
    }

    ApiResponse withCounts(int acceptedCount, int rejectedCount) {
        return new ApiResponse(status, contentType, body, headers, acceptedCount, rejectedCount, note);
    }

    ApiResponse withNote(String text) {
        String joined = note == null ? text : note + " " + text;
        return new ApiResponse(status, contentType, body, headers, accepted, rejected, joined);
    }
}
