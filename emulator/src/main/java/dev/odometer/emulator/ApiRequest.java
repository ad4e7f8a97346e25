package dev.odometer.emulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.Headers;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One HTTP request as the handlers see it: the body already read, the query decoded, and the principal the
 * bearer token stood for (null on endpoints that take no token).
 */
record ApiRequest(String method, String path, Map<String, String> query, Headers headers, byte[] body,
                  ApiFamily family, String principal) {

    ApiRequest withPrincipal(String who) {
        return new ApiRequest(method, path, query, headers, body, family, who);
    }

    String header(String name) {
        return headers.getFirst(name);
    }

    /** The body as JSON; malformed JSON is a 400 in the style of the endpoint's API. */
    JsonNode json() {
        try {
            return Json.parse(body);
        } catch (JsonProcessingException e) {
            throw ApiError.of(family, 400, "malformed JSON: " + e.getOriginalMessage());
        }
    }

    /** The body as an {@code application/x-www-form-urlencoded} form. */
    Map<String, String> form() {
        try {
            return parseForm(new String(body, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw ApiError.of(family, 400, "malformed form body: " + e.getMessage());
        }
    }

    /** Decodes {@code a=1&b=x%20y}; an {@link IllegalArgumentException} for a broken escape. */
    static Map<String, String> parseForm(String encoded) {
        Map<String, String> values = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return values;
        }
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            values.putIfAbsent(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return values;
    }
}
