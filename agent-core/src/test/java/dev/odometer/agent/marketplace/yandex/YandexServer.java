package dev.odometer.agent.marketplace.yandex;

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

/** Test helpers around a MockWebServer playing the Yandex metering API; JSON via jackson-jr. */
final class YandexServer {
    static final Instant NOW = Instant.parse("2024-09-16T19:01:10.591128Z");

    private YandexServer() {
    }

    static MockResponse json(int code, String body) {
        return new MockResponse.Builder().code(code)
                .setHeader("Content-Type", "application/json").body(body).build();
    }

    static MockResponse json(String body) {
        return json(200, body);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> usageRecords(RecordedRequest request) throws IOException {
        return (List<Map<String, Object>>) body(request).get("usageRecords");
    }

    static List<String> uuids(RecordedRequest request) throws IOException {
        List<String> uuids = new ArrayList<>();
        for (Map<String, Object> record : usageRecords(request)) {
            uuids.add((String) record.get("uuid"));
        }
        return uuids;
    }

    static UsageRecord record(String alias, String skuId, long quantity) {
        return new UsageRecord(UUID.randomUUID(), alias, skuId, quantity, NOW.minusSeconds(60));
    }

    /** The answer accepting every record of {@code batch}. */
    static String acceptedAll(List<UsageRecord> batch) {
        List<Map<String, Object>> accepted = new ArrayList<>();
        for (UsageRecord record : batch) {
            accepted.add(Map.of("uuid", record.uuid().toString()));
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("accepted", accepted);
        answer.put("rejected", List.of());
        try {
            return JSON.std.asString(answer);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
