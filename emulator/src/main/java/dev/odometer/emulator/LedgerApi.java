package dev.odometer.emulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code GET /ledger} (totals, per-minute units, rejections, Azure events) and {@code GET /ledger/records}. The shapes are in the README. */
final class LedgerApi {

    static final String LEDGER_PATH = "/ledger";
    static final String RECORDS_PATH = "/ledger/records";

    private final Ledger ledger;
    private final Catalog catalog;
    private final EmulatorClock clock;

    LedgerApi(Ledger ledger, Catalog catalog, EmulatorClock clock) {
        this.ledger = ledger;
        this.catalog = catalog;
        this.clock = clock;
    }

    ApiResponse summary(ApiRequest request) {
        return ApiResponse.json(200, ledger.atomically(this::summaryJson));
    }

    ApiResponse records(ApiRequest request) {
        ObjectNode body = Json.object();
        ArrayNode records = Json.MAPPER.createArrayNode();
        for (Ledger.YandexRecord record : ledger.acceptedRecords()) {
            records.addObject()
                    .put("uuid", record.uuid())
                    .put("productId", record.productId())
                    .put("skuId", record.skuId())
                    .put("quantity", record.quantity())
                    .put("timestamp", record.timestamp().toString())
                    .put("receivedAt", record.receivedAt().toString());
        }
        body.put("count", records.size()).set("records", records);
        return ApiResponse.json(200, body);
    }

    private ObjectNode summaryJson() {
        ObjectNode json = Json.object()
                .put("now", clock.now().toString())
                .put("acceptedRecords", ledger.acceptedCount());
        ObjectNode totals = json.putObject("totalsBySku");
        ledger.totalsBySku().forEach(totals::put);
        ObjectNode rejections = json.putObject("rejectionsByReason");
        ledger.rejectionsByReason().forEach(rejections::put);
        ObjectNode perMinute = json.putObject("unitsPerMinute");
        ledger.unitsPerMinute().forEach((sku, minutes) -> {
            ObjectNode skuMinutes = perMinute.putObject(sku);
            minutes.forEach((minute, units) -> skuMinutes.put(minute.toString(), units));
        });
        ObjectNode products = json.putObject("products");
        catalog.products().forEach((product, skus) -> skus.forEach(products.putArray(product)::add));
        json.set("azure", azureJson());
        return json;
    }

    private ObjectNode azureJson() {
        ObjectNode azure = Json.object();
        ArrayNode events = azure.putArray("acceptedEvents");
        for (Ledger.AzureEvent event : ledger.azureEvents()) {
            events.addObject()
                    .put("usageEventId", event.usageEventId())
                    .put("resourceId", event.resourceId())
                    .put("planId", event.planId())
                    .put("dimension", event.dimension())
                    .put("quantity", event.quantity())
                    .put("effectiveStartTime", event.effectiveStartTime().toString())
                    .put("messageTime", event.messageTime().toString());
        }
        ObjectNode totals = azure.putObject("totals");
        ledger.azureTotalsByHour().forEach((resource, dimensions) -> {
            ObjectNode byDimension = totals.putObject(resource);
            dimensions.forEach((dimension, hours) -> {
                ObjectNode byHour = byDimension.putObject(dimension);
                hours.forEach((hour, quantity) -> byHour.put(hour.toString(), quantity));
            });
        });
        ObjectNode rejections = azure.putObject("rejectionsByStatus");
        ledger.azureRejectionsByStatus().forEach(rejections::put);
        return azure;
    }
}
