package dev.odometer.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Map;

/**
 * The JSON form of the faults, as {@code GET/POST /admin/faults} and the config file's {@code faults} section
 * use it: {@code {"errorRate","errorStatus","retryAfterSeconds","lostResponseRate","latencyMs","outage",
 * "forbidden","clockOffsetSeconds"}}. An update names only what it changes.
 *
 * @param clockOffset the new clock offset, or null when the update does not set one
 */
record FaultUpdate(FaultSettings faults, Duration clockOffset) {

    /** Applies a partial update to {@code base}; an {@link IllegalArgumentException} says which field is wrong. */
    static FaultUpdate parse(JsonNode update, FaultSettings base) {
        if (update == null || !update.isObject()) {
            throw new IllegalArgumentException("faults must be a JSON object");
        }
        FaultSettings faults = base;
        Duration clockOffset = null;
        for (Map.Entry<String, JsonNode> field : update.properties()) {
            JsonNode value = field.getValue();
            faults = switch (field.getKey()) {
                case "errorRate" -> faults.withErrorRate(number(field.getKey(), value));
                case "errorStatus" -> faults.withErrorStatus(intValue(field.getKey(), value));
                case "retryAfterSeconds" -> faults.withRetryAfterSeconds(
                        value.isNull() ? null : intValue(field.getKey(), value));
                case "lostResponseRate" -> faults.withLostResponseRate(number(field.getKey(), value));
                case "latencyMs" -> faults.withLatencyMs(integer(field.getKey(), value));
                case "outage" -> faults.withOutage(bool(field.getKey(), value));
                case "forbidden" -> faults.withForbidden(bool(field.getKey(), value));
                case "forbiddenRequests" -> faults.withForbiddenRequests(intValue(field.getKey(), value));
                case "refusedSku" -> faults.withRefusedSku(value.isNull() ? null : text(field.getKey(), value),
                        faults.refusedStatus());
                case "refusedStatus" -> faults.withRefusedSku(faults.refusedSku(), intValue(field.getKey(), value));
                case "clockOffsetSeconds" -> {
                    clockOffset = Duration.ofSeconds(integer(field.getKey(), value));
                    yield faults;
                }
                default -> throw new IllegalArgumentException("unknown fault '" + field.getKey() + "'");
            };
        }
        return new FaultUpdate(faults, clockOffset);
    }

    static ObjectNode describe(FaultSettings faults, Duration clockOffset) {
        ObjectNode json = Json.object()
                .put("errorRate", faults.errorRate())
                .put("errorStatus", faults.errorStatus());
        if (faults.retryAfterSeconds() == null) {
            json.putNull("retryAfterSeconds");
        } else {
            json.put("retryAfterSeconds", faults.retryAfterSeconds());
        }
        return json.put("lostResponseRate", faults.lostResponseRate())
                .put("latencyMs", faults.latencyMs())
                .put("outage", faults.outage())
                .put("forbidden", faults.forbidden())
                .put("forbiddenRequests", faults.forbiddenRequests())
                .put("refusedSku", faults.refusedSku())
                .put("refusedStatus", faults.refusedStatus())
                .put("clockOffsetSeconds", clockOffset.toSeconds());
    }

    private static String text(String name, JsonNode value) {
        if (!value.isTextual() || value.asText().isEmpty()) {
            throw new IllegalArgumentException(name + " must be a non-empty string or null");
        }
        return value.asText();
    }

    private static double number(String name, JsonNode value) {
        if (!value.isNumber()) {
            throw new IllegalArgumentException(name + " must be a number");
        }
        return value.doubleValue();
    }

    private static long integer(String name, JsonNode value) {
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new IllegalArgumentException(name + " must be an integer");
        }
        return value.longValue();
    }

    private static int intValue(String name, JsonNode value) {
        long number = integer(name, value);
        if (number < Integer.MIN_VALUE || number > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " is out of range");
        }
        return (int) number;
    }

    private static boolean bool(String name, JsonNode value) {
        if (!value.isBoolean()) {
            throw new IllegalArgumentException(name + " must be true or false");
        }
        return value.booleanValue();
    }
}
