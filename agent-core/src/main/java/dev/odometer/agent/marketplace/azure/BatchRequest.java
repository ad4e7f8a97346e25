package dev.odometer.agent.marketplace.azure;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.odometer.agent.record.UsageRecord;
import java.io.IOException;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON body of a batch usage event call: {@code {"request": [{"resourceId" | "resourceUri",
 * "quantity", "dimension", "effectiveStartTime", "planId"}]}}, quantity a JSON number and
 * effectiveStartTime the start of the record's hour, ISO 8601 UTC ({@code 2024-09-16T19:00:00Z}).
 */
final class BatchRequest {
    private BatchRequest() {
    }

    /** @param keys the records' keys, in batch order */
    static byte[] body(AzureMeteringClient.Mode mode, String resource, String planId,
            List<UsageRecord> batch, List<EventKey> keys) {
        List<Map<String, Object>> events = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Map<String, Object> event = new LinkedHashMap<>();
            event.put(mode.resourceField(), resource);
            event.put("quantity", batch.get(i).quantity());
            event.put("dimension", keys.get(i).dimension());
            event.put("effectiveStartTime",
                    DateTimeFormatter.ISO_INSTANT.format(keys.get(i).hour()));
            event.put("planId", planId);
            events.add(event);
        }
        try {
            return JSON.std.asBytes(Collections.singletonMap("request", events));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a usage batch as JSON", e);
        }
    }
}
