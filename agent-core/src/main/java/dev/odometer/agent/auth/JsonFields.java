package dev.odometer.agent.auth;

import com.fasterxml.jackson.jr.ob.JSON;
import java.util.Map;

/**
 * Reads the few fields this package needs from a JSON object, accepting either spelling a
 * proto3-JSON service may use (camelCase or snake_case). Never reports what it could not parse:
 * the text may hold a token.
 */
final class JsonFields {
    private final Map<String, Object> fields;

    private JsonFields(Map<String, Object> fields) {
        this.fields = fields;
    }

    /** @return the object's fields, or null when the text is not a JSON object */
    static JsonFields parse(byte[] text) {
        try {
            Object value = JSON.std.anyFrom(text);
            if (!(value instanceof Map)) {
                return null;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) value;
            return new JsonFields(map);
        } catch (Exception e) {
            return null; // its message may quote the text
        }
    }

    /** The first of {@code names} holding a non-empty string, or null. */
    String string(String... names) {
        for (String name : names) {
            Object value = fields.get(name);
            if (value instanceof String && !((String) value).isEmpty()) {
                return (String) value;
            }
        }
        return null;
    }

    /** The first of {@code names} holding an integer (as a number or a string), or null. */
    Long integer(String... names) {
        for (String name : names) {
            Object value = fields.get(name);
            if (value instanceof Number) {
                return ((Number) value).longValue();
            }
            if (value instanceof String) {
                try {
                    return Long.parseLong(((String) value).trim());
                } catch (NumberFormatException e) {
                    // try the next spelling
                }
            }
        }
        return null;
    }
}
