package dev.odometer.agent.marketplace.azure;

import dev.odometer.agent.marketplace.JsonObjects;
import dev.odometer.agent.marketplace.RecordOutcome;
import dev.odometer.agent.marketplace.SendResult;
import dev.odometer.agent.record.UsageRecord;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the answer to a batch usage event call, {@code {"count", "result": [{"status",
 * "dimension", "effectiveStartTime", "error", ...}]}}, leniently (unknown fields ignored, any
 * timestamp precision), and gives each result to its record.
 *
 * <p>Azure has no client-chosen event id, so a result is matched by its dimension and hour,
 * which are unique within a batch (see {@link EventKey}); a result that leaves them out goes to
 * the record at its own position, if nothing contradicts that. Records no result was matched to
 * are MISSING; results matched to no record are ignored. A Duplicate whose original event
 * (its {@code acceptedMessage}) has another quantity than the record is not the record's own
 * earlier send: it is {@link RecordOutcome#AZURE_DUPLICATE_MISMATCH}, not delivered.
 */
final class BatchAnswer {
    private BatchAnswer() {
    }

    /**
     * @param keys       the records' keys, in batch order
     * @param sentTokens tokens sent with the call, kept out of the reasons
     * @return the result, or null when the body is not a JSON object
     */
    static SendResult read(byte[] body, List<UsageRecord> batch, List<EventKey> keys,
            List<String> sentTokens) {
        Map<?, ?> root = JsonObjects.parse(body);
        if (root == null) {
            return null;
        }
        SendResult.Builder result = SendResult.builder(batch);
        Object results = root.get("result");
        if (!(results instanceof List)) {
            return result.build();
        }
        Map<EventKey, Integer> indexByKey = new HashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            indexByKey.put(keys.get(i), i);
        }
        boolean[] matched = new boolean[batch.size()];
        List<?> entries = (List<?>) results;
        for (int position = 0; position < entries.size(); position++) {
            if (!(entries.get(position) instanceof Map)) {
                continue;
            }
            Map<?, ?> entry = (Map<?, ?>) entries.get(position);
            int index = match(entry, position, indexByKey, keys, matched);
            if (index >= 0) {
                matched[index] = true;
                UsageRecord record = batch.get(index);
                RecordOutcome outcome = AzureStatuses.outcome(entry.get("status"));
                BigDecimal accepted = AzureStatuses.acceptedQuantity(entry);
                if (outcome == RecordOutcome.DUPLICATE && accepted != null
                        && accepted.compareTo(BigDecimal.valueOf(record.quantity())) != 0) {
                    // Azure holds someone else's event for this hour: ours was not stored
                    outcome = RecordOutcome.AZURE_DUPLICATE_MISMATCH;
                }
                result.outcome(record.uuid(), outcome, AzureStatuses.reason(entry, sentTokens));
            }
        }
        return result.build();
    }

    private static int match(Map<?, ?> entry, int position, Map<EventKey, Integer> indexByKey,
            List<EventKey> keys, boolean[] matched) {
        Object dimensionValue = entry.get("dimension");
        String dimension = dimensionValue instanceof String ? (String) dimensionValue : null;
        Instant time = EventKey.parseTime(entry.get("effectiveStartTime"));
        Instant hour = time == null ? null : EventKey.hourOf(time);
        if (dimension != null && hour != null) {
            Integer index = indexByKey.get(new EventKey(dimension, hour));
            if (index != null && !matched[index]) {
                return index;
            }
        }
        if (position < keys.size() && !matched[position]
                && keys.get(position).admits(dimension, hour)) {
            return position;
        }
        return -1;
    }
}
