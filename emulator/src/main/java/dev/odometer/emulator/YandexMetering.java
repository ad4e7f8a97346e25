package dev.odometer.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Yandex Cloud Marketplace Metering API's two write methods: {@code imageProductUsage/write} (a product id)
 * and {@code productUsage/write} (a SaaS product instance id, mapped to its product). Field names are accepted in
 * camelCase and snake_case, as proto3 JSON transcoding does.
 */
final class YandexMetering {

    static final String IMAGE_PATH = "/marketplace/metering/v1/imageProductUsage/write";
    static final String SAAS_PATH = "/marketplace/metering/v1/productUsage/write";

    static final int MAX_RECORDS = 25;
    static final int MAX_ID_LENGTH = 50;
    static final Duration MAX_AGE = Duration.ofHours(1);

    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern INT64 = Pattern.compile("[+-]?\\d{1,19}");

    /** The two write methods differ only in how they name the product and the dry-run flag. */
    enum Method {
        IMAGE(new String[] {"productId", "product_id"}, new String[] {"validateOnly", "validate_only"}),
        SAAS(new String[] {"productInstanceId", "product_instance_id"}, new String[] {"dryRun", "dry_run"});

        final String[] productField;
        final String[] dryRunField;

        Method(String[] productField, String[] dryRunField) {
            this.productField = productField;
            this.dryRunField = dryRunField;
        }
    }

    enum Reason { INVALID_PRODUCT_ID, INVALID_ID, INVALID_SKU_ID, INVALID_QUANTITY, INVALID_TIMESTAMP, EXPIRED, DUPLICATE }

    /** A record that passed every check. */
    private record Valid(String uuid, String skuId, long quantity, Instant timestamp) {}

    /** The verdict on one record: {@code valid} or {@code reason}. */
    private record Verdict(String uuid, Valid valid, Reason reason) {
        static Verdict rejected(String uuid, Reason reason) {
            return new Verdict(uuid, null, reason);
        }
    }

    private final Catalog catalog;
    private final Ledger ledger;
    private final EmulatorClock clock;
    private final Duration futureTolerance;

    YandexMetering(Catalog catalog, Ledger ledger, EmulatorClock clock, Duration futureTolerance) {
        this.catalog = catalog;
        this.ledger = ledger;
        this.clock = clock;
        this.futureTolerance = futureTolerance;
    }

    ApiResponse write(ApiRequest request, Method method) {
        JsonNode body = request.json();
        if (!body.isObject()) {
            throw badRequest("the body must be a JSON object");
        }
        String productRef = requiredId(body, method.productField);
        boolean dryRun = dryRun(body, method.dryRunField);
        List<JsonNode> records = usageRecords(body);
        Optional<String> productId = switch (method) {
            case IMAGE -> Optional.of(productRef).filter(catalog.products()::containsKey);
            case SAAS -> Optional.ofNullable(catalog.saasInstances().get(productRef));
        };

        List<Verdict> verdicts = ledger.atomically(() -> {
            Instant now = clock.now();
            Set<String> acceptedHere = new HashSet<>();
            List<Verdict> result = new ArrayList<>();
            for (JsonNode record : records) {
                Verdict verdict = check(productId.orElse(null), record, now, acceptedHere);
                result.add(verdict);
                if (verdict.valid != null) {
                    acceptedHere.add(verdict.uuid);
                }
                if (!dryRun) {
                    record(productId.orElse(null), verdict, now);
                }
            }
            return result;
        });
        return response(verdicts, dryRun);
    }

    private void record(String productId, Verdict verdict, Instant now) {
        if (verdict.valid == null) {
            ledger.rejectYandex(verdict.reason.name());
            return;
        }
        Valid v = verdict.valid;
        ledger.acceptYandex(new Ledger.YandexRecord(v.uuid, productId, v.skuId, v.quantity, v.timestamp, now));
    }

    /** The checks in Yandex's order: the first that fails names the reason. */
    private Verdict check(String productId, JsonNode record, Instant now, Set<String> acceptedHere) {
        String uuid = Json.text(record, "uuid");
        String echoUuid = uuid == null ? "" : uuid;
        if (productId == null) {
            return Verdict.rejected(echoUuid, Reason.INVALID_PRODUCT_ID);
        }
        if (uuid == null || uuid.length() > 36 || !UUID.matcher(uuid).matches()) {
            return Verdict.rejected(echoUuid, Reason.INVALID_ID);
        }
        String skuId = Json.text(record, "skuId", "sku_id");
        if (skuId == null || !catalog.products().get(productId).contains(skuId)) {
            return Verdict.rejected(uuid, Reason.INVALID_SKU_ID);
        }
        Optional<Long> quantity = quantity(Json.field(record, "quantity"));
        if (quantity.isEmpty() || quantity.get() <= 0) {
            return Verdict.rejected(uuid, Reason.INVALID_QUANTITY);
        }
        Optional<Instant> timestamp = Timestamps.rfc3339(Json.text(record, "timestamp"));
        if (timestamp.isEmpty() || timestamp.get().isAfter(now.plus(futureTolerance))) {
            return Verdict.rejected(uuid, Reason.INVALID_TIMESTAMP);
        }
        if (timestamp.get().isBefore(now.minus(MAX_AGE))) {
            return Verdict.rejected(uuid, Reason.EXPIRED);
        }
        if (acceptedHere.contains(uuid) || ledger.hasYandexUuid(uuid)) {
            return Verdict.rejected(uuid, Reason.DUPLICATE);
        }
        return new Verdict(uuid, new Valid(uuid, skuId, quantity.get(), timestamp.get()), null);
    }

    /** An int64 as proto3 JSON writes it (a string) or as a plain JSON integer. */
    private static Optional<Long> quantity(JsonNode node) {
        if (node == null) {
            return Optional.empty();
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? Optional.of(node.longValue()) : Optional.empty();
        }
        if (node.isTextual() && INT64.matcher(node.asText()).matches()) {
            try {
                return Optional.of(Long.parseLong(node.asText()));
            } catch (NumberFormatException e) {
                return Optional.empty(); // beyond int64
            }
        }
        return Optional.empty();
    }

    private static ApiResponse response(List<Verdict> verdicts, boolean dryRun) {
        ObjectNode body = Json.object();
        ArrayNode accepted = body.putArray("accepted");
        ArrayNode rejected = body.putArray("rejected");
        for (Verdict verdict : verdicts) {
            if (verdict.valid != null) {
                accepted.addObject()
                        .put("uuid", verdict.uuid)
                        .put("skuId", verdict.valid.skuId)
                        .put("quantity", Long.toString(verdict.valid.quantity))
                        .put("timestamp", verdict.valid.timestamp.toString());
            } else {
                rejected.addObject().put("uuid", verdict.uuid).put("reason", verdict.reason.name());
            }
        }
        ApiResponse response = ApiResponse.json(200, body).withCounts(accepted.size(), rejected.size());
        return dryRun ? response.withNote("validateOnly") : response;
    }

    private static String requiredId(JsonNode body, String[] names) {
        JsonNode value = Json.field(body, names);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw badRequest(names[0] + " is required");
        }
        if (value.asText().length() > MAX_ID_LENGTH) {
            throw badRequest(names[0] + " must be at most " + MAX_ID_LENGTH + " characters");
        }
        return value.asText();
    }

    private static boolean dryRun(JsonNode body, String[] names) {
        JsonNode value = Json.field(body, names);
        if (value == null) {
            return false;
        }
        if (!value.isBoolean()) {
            throw badRequest(names[0] + " must be true or false");
        }
        return value.booleanValue();
    }

    private static List<JsonNode> usageRecords(JsonNode body) {
        JsonNode value = Json.field(body, "usageRecords", "usage_records");
        if (value == null || !value.isArray() || value.isEmpty()) {
            throw badRequest("usageRecords is required: 1 to " + MAX_RECORDS + " records");
        }
        if (value.size() > MAX_RECORDS) {
            throw badRequest("usageRecords has " + value.size() + " records, at most " + MAX_RECORDS + " are allowed");
        }
        List<JsonNode> records = new ArrayList<>();
        for (JsonNode record : value) {
            if (!record.isObject()) {
                throw badRequest("every usage record must be a JSON object");
            }
            records.add(record);
        }
        return records;
    }

    private static ApiError badRequest(String message) {
        return ApiError.of(ApiFamily.YANDEX_METERING, 400, message);
    }
}
