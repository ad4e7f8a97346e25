package dev.odometer.agent.marketplace.azure;

import static dev.odometer.agent.testing.MockServers.body;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.odometer.agent.record.UsageRecord;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/** Test helpers around a MockWebServer playing the Azure metering API; JSON via jackson-jr. */
final class AzureServer {
    /** The hour the test records are for. */
    static final Instant HOUR = Instant.parse("2024-09-16T19:00:00Z");
    /** The clients' clock. */
    static final Instant NOW = Instant.parse("2024-09-16T20:05:30.250Z");
    static final String SUBSCRIPTION = "6d6c1b8e-0000-4c0e-9b1a-000000000001";
    static final String PLAN = "gold";
    static final String GUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    private AzureServer() {
    }

    static MockResponse json(int code, Object body) {
        try {
            return new MockResponse.Builder().code(code)
                    .setHeader("Content-Type", "application/json; charset=utf-8")
                    .body(JSON.std.asString(body)).build();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static MockResponse json(Object body) {
        return json(200, body);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> events(RecordedRequest request) throws IOException {
        return (List<Map<String, Object>>) body(request).get("request");
    }

    static UsageRecord record(String dimension, long quantity) {
        return record(dimension, quantity, HOUR);
    }

    static UsageRecord record(String dimension, long quantity, Instant timestamp) {
        return new UsageRecord(UUID.randomUUID(), "alias-" + dimension, dimension, quantity,
                timestamp);
    }

    /** The result Azure gives for {@code record}: its event echoed with a status. */
    static Map<String, Object> result(UsageRecord record, String status) {
        Map<String, Object> result = new LinkedHashMap<>();
        if (status.equals("Accepted")) {
            result.put("usageEventId", UUID.randomUUID().toString());
        }
        result.put("status", status);
        result.put("messageTime", "2024-09-16T20:05:31.1234567Z");
        result.put("resourceId", SUBSCRIPTION);
        result.put("quantity", record.quantity());
        result.put("dimension", record.skuId());
        result.put("effectiveStartTime", record.timestamp().toString());
        result.put("planId", PLAN);
        if (!status.equals("Accepted")) {
            result.put("error", error(status, "says " + status));
        }
        return result;
    }

    static Map<String, Object> error(String code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("code", code);
        return error;
    }

    static Map<String, Object> answer(List<Map<String, Object>> results) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("count", results.size());
        answer.put("result", results);
        return answer;
    }

    static Map<String, Object> acceptedAll(List<UsageRecord> batch) {
        List<Map<String, Object>> results = new ArrayList<>();
        for (UsageRecord record : batch) {
            results.add(result(record, "Accepted"));
        }
        return answer(results);
    }
}
