package dev.odometer.agent.marketplace.yandex;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.odometer.agent.record.UsageRecord;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON body of a write call, in the REST reference's camelCase:
 * {@code {"validateOnly"|"dryRun", "productId"|"productInstanceId", "usageRecords": [{"uuid",
 * "skuId", "quantity", "timestamp"}]}}, quantity as a string (proto3 JSON int64) and timestamp
 * as RFC 3339 UTC ending in {@code Z}.
 */
final class WriteRequest {
    private WriteRequest() {
    }

    /**
     * @param now timestamps after it are sent as {@code now}: the API rejects the future
     */
    static byte[] body(YandexMeteringClient.Mode mode, String productId,
            List<UsageRecord> batch, boolean validateOnly, Instant now) {
        List<Map<String, Object>> records = new ArrayList<>(batch.size());
        for (UsageRecord record : batch) {
            Instant timestamp = record.timestamp().isAfter(now) ? now : record.timestamp();
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("uuid", record.uuid().toString());
            json.put("skuId", record.skuId());
            json.put("quantity", Long.toString(record.quantity()));
            json.put("timestamp", DateTimeFormatter.ISO_INSTANT.format(timestamp));
            records.add(json);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put(mode.validateOnlyField(), validateOnly);
        root.put(mode.productField(), productId);
        root.put("usageRecords", records);
        try {
            return JSON.std.asBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a usage batch as JSON", e);
        }
    }
}
