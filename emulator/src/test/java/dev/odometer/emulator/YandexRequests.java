package dev.odometer.emulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.UUID;

/** Builds Yandex metering request bodies with Jackson, in either field style. */
final class YandexRequests {

    static final String IMAGE = YandexMetering.IMAGE_PATH;
    static final String SAAS = YandexMetering.SAAS_PATH;

    private final boolean snake;
    private final ObjectNode body = EmulatorClient.JSON.createObjectNode();
    private final ArrayNode records;

    private YandexRequests(boolean snake, String productField, String productValue) {
        this.snake = snake;
        body.put(productField, productValue);
        records = body.putArray(snake ? "usage_records" : "usageRecords");
    }

    static YandexRequests image(String productId) {
        return new YandexRequests(false, "productId", productId);
    }

    static YandexRequests imageSnake(String productId) {
        return new YandexRequests(true, "product_id", productId);
    }

    static YandexRequests saas(String productInstanceId) {
        return new YandexRequests(false, "productInstanceId", productInstanceId);
    }

    static YandexRequests saasSnake(String productInstanceId) {
        return new YandexRequests(true, "product_instance_id", productInstanceId);
    }

    static String uuid() {
        return UUID.randomUUID().toString();
    }

    YandexRequests validateOnly() {
        body.put(snake ? "validate_only" : "validateOnly", true);
        return this;
    }

    YandexRequests dryRun() {
        body.put(snake ? "dry_run" : "dryRun", true);
        return this;
    }

    /** A record with quantity as a JSON string, as proto3 JSON writes int64. */
    YandexRequests record(String uuid, String skuId, long quantity, Instant timestamp) {
        return record(uuid, skuId, Long.toString(quantity), timestamp.toString());
    }

    YandexRequests record(String uuid, String skuId, String quantity, String timestamp) {
        ObjectNode record = records.addObject().put("uuid", uuid).put(snake ? "sku_id" : "skuId", skuId);
        record.put("quantity", quantity);
        record.put("timestamp", timestamp);
        return this;
    }

    /** A record with quantity as a JSON number. */
    YandexRequests recordNumeric(String uuid, String skuId, long quantity, Instant timestamp) {
        records.addObject().put("uuid", uuid).put(snake ? "sku_id" : "skuId", skuId)
                .put("quantity", quantity).put("timestamp", timestamp.toString());
        return this;
    }

    /** A record with any JSON node as quantity. */
    ObjectNode rawRecord() {
        return records.addObject();
    }

    ObjectNode body() {
        return body;
    }
}
