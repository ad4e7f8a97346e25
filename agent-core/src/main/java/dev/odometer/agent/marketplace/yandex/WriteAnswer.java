package dev.odometer.agent.marketplace.yandex;

import dev.odometer.agent.marketplace.JsonObjects;
import dev.odometer.agent.marketplace.RecordOutcome;
import dev.odometer.agent.marketplace.SendResult;
import dev.odometer.agent.record.UsageRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads the answer to a write call, {@code {"accepted":[{"uuid"}], "rejected":[{"uuid",
 * "reason"}]}}, leniently: unknown fields (camelCase or snake_case, e.g. {@code sku_id} in
 * accepted entries) are ignored, a missing list is empty, and records it does not mention are
 * MISSING.
 */
final class WriteAnswer {
    private WriteAnswer() {
    }

    /** @return the result, or null when the body is not a JSON object */
    static SendResult read(byte[] body, List<UsageRecord> batch) {
        Map<?, ?> answer = JsonObjects.parse(body);
        if (answer == null) {
            return null;
        }
        SendResult.Builder result = SendResult.builder(batch);
        for (Map<?, ?> entry : entries(answer.get("rejected"))) {
            UUID uuid = uuid(entry.get("uuid"));
            if (uuid != null) {
                Object reason = entry.get("reason");
                result.outcome(uuid, YandexReasons.outcome(reason),
                        reason == null ? null : String.valueOf(reason));
            }
        }
        for (Map<?, ?> entry : entries(answer.get("accepted"))) {
            UUID uuid = uuid(entry.get("uuid"));
            if (uuid != null) {
                result.outcome(uuid, RecordOutcome.ACCEPTED, null);
            }
        }
        return result.build();
    }

    private static List<Map<?, ?>> entries(Object list) {
        List<Map<?, ?>> entries = new ArrayList<>();
        if (list instanceof List) {
            for (Object item : (List<?>) list) {
                if (item instanceof Map) {
                    entries.add((Map<?, ?>) item);
                }
            }
        }
        return entries;
    }

    private static UUID uuid(Object value) {
        if (!(value instanceof String)) {
            return null;
        }
        try {
            return UUID.fromString(((String) value).trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
