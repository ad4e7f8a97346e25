package dev.odometer.agent.marketplace;

import com.fasterxml.jackson.jr.ob.JSON;
import java.util.Map;

/**
 * Reads a marketplace's answer body as a JSON object, leniently: whatever is not one is simply
 * not read, and the parser's error is never reported, because its message may quote the body,
 * which may hold a token.
 */
public final class JsonObjects {
    private JsonObjects() {
    }

    /**
     * @return the object's fields, or null when {@code body} is null, empty, not JSON or not a
     *         JSON object
     */
    public static Map<?, ?> parse(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        Object root;
        try {
            root = JSON.std.anyFrom(body);
        } catch (Exception e) {
            return null;
        }
        return root instanceof Map ? (Map<?, ?>) root : null;
    }
}
