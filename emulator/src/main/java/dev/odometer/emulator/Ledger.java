package dev.odometer.emulator;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * What the emulated marketplaces accepted and rejected: the thing a test asserts on ("the agent delivered
 * exactly 42 units of sku-email, once"). Readers get copies; the view is live, so poll it (e.g. with
 * Awaitility) while a client delivers. {@code validateOnly}/{@code dryRun} requests leave no trace here.
 */
public final class Ledger {

    /** One accepted Yandex usage record. {@code receivedAt} is by the emulator clock. */
    public record YandexRecord(String uuid, String productId, String skuId, long quantity,
                               Instant timestamp, Instant receivedAt) {}

    /** One accepted Azure usage event. {@code messageTime} is by the emulator clock. */
    public record AzureEvent(String usageEventId, String resourceId, String planId, String dimension,
                             BigDecimal quantity, Instant effectiveStartTime, Instant messageTime) {
        /** The calendar hour (hh:00:00) the event counts for: Azure takes one event per resource, dimension and hour. */
        public Instant hour() {
            return effectiveStartTime.truncatedTo(ChronoUnit.HOURS);
        }
    }

    private record HourKey(String resourceId, String dimension, Instant hour) {}

    private final List<YandexRecord> yandexRecords = new ArrayList<>();
    private final Set<String> yandexUuids = new HashSet<>();
    private final Map<String, Long> totalsBySku = new TreeMap<>();
    private final Map<String, Map<Instant, Long>> unitsPerMinute = new TreeMap<>();
    private final Map<String, Long> yandexRejections = new TreeMap<>();
    private final List<AzureEvent> azureEvents = new ArrayList<>();
    private final Map<HourKey, AzureEvent> azureByHour = new HashMap<>();
    private final Map<String, Long> azureRejections = new TreeMap<>();

    Ledger() {}

    /** Units accepted per Yandex SKU id. */
    public synchronized Map<String, Long> totalsBySku() {
        return new TreeMap<>(totalsBySku);
    }

    /** Units accepted for one SKU; 0 when none. */
    public synchronized long totalForSku(String skuId) {
        return totalsBySku.getOrDefault(skuId, 0L);
    }

    /** Number of Yandex records accepted. */
    public synchronized int acceptedCount() {
        return yandexRecords.size();
    }

    /** Every accepted Yandex record, in the order received. */
    public synchronized List<YandexRecord> acceptedRecords() {
        return List.copyOf(yandexRecords);
    }

    /** Yandex records rejected, counted per reason ({@code DUPLICATE}, {@code EXPIRED}, ...). */
    public synchronized Map<String, Long> rejectionsByReason() {
        return new TreeMap<>(yandexRejections);
    }

    /** Units per SKU per minute, the minute being that of the record's own timestamp (not of its arrival). */
    public synchronized Map<String, Map<Instant, Long>> unitsPerMinute() {
        Map<String, Map<Instant, Long>> copy = new TreeMap<>();
        unitsPerMinute.forEach((sku, minutes) -> copy.put(sku, new TreeMap<>(minutes)));
        return copy;
    }

    /** Every accepted Azure event, in the order received. */
    public synchronized List<AzureEvent> azureEvents() {
        return List.copyOf(azureEvents);
    }

    /** Azure events not accepted, counted per status ({@code Duplicate}, {@code Expired}, ...). */
    public synchronized Map<String, Long> azureRejectionsByStatus() {
        return new TreeMap<>(azureRejections);
    }

    /** Azure quantity accepted for a resource and dimension, all hours together. */
    public synchronized BigDecimal azureTotal(String resourceId, String dimension) {
        return azureEvents.stream()
                .filter(e -> e.resourceId().equals(resourceId) && e.dimension().equals(dimension))
                .map(AzureEvent::quantity)
                .reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    // ---- writes, for the handlers ----

    /** Runs check-then-write steps without another request's writes in between. */
    synchronized <T> T atomically(Supplier<T> steps) {
        return steps.get();
    }

    synchronized boolean hasYandexUuid(String uuid) {
        return yandexUuids.contains(uuid);
    }

    synchronized void acceptYandex(YandexRecord record) {
        if (!yandexUuids.add(record.uuid())) {
            throw new IllegalStateException("uuid accepted twice: " + record.uuid());
        }
        yandexRecords.add(record);
        totalsBySku.merge(record.skuId(), record.quantity(), Long::sum);
        unitsPerMinute.computeIfAbsent(record.skuId(), sku -> new TreeMap<>())
                .merge(record.timestamp().truncatedTo(ChronoUnit.MINUTES), record.quantity(), Long::sum);
    }

    synchronized void rejectYandex(String reason) {
        yandexRejections.merge(reason, 1L, Long::sum);
    }

    synchronized Optional<AzureEvent> azureEventFor(String resourceId, String dimension, Instant effectiveStartTime) {
        return Optional.ofNullable(azureByHour.get(
                new HourKey(resourceId, dimension, effectiveStartTime.truncatedTo(ChronoUnit.HOURS))));
    }

    synchronized void acceptAzure(AzureEvent event) {
        HourKey key = new HourKey(event.resourceId(), event.dimension(), event.hour());
        if (azureByHour.putIfAbsent(key, event) != null) {
            throw new IllegalStateException("second event for one hour: " + key);
        }
        azureEvents.add(event);
    }

    synchronized void rejectAzure(String status) {
        azureRejections.merge(status, 1L, Long::sum);
    }

    /** Azure quantity per resource, dimension and hour, in that order. */
    synchronized Map<String, Map<String, Map<Instant, BigDecimal>>> azureTotalsByHour() {
        Map<String, Map<String, Map<Instant, BigDecimal>>> totals = new TreeMap<>();
        for (AzureEvent event : azureEvents) {
            totals.computeIfAbsent(event.resourceId(), r -> new TreeMap<>())
                    .computeIfAbsent(event.dimension(), d -> new TreeMap<>())
                    .merge(event.hour(), event.quantity(), BigDecimal::add);
        }
        return totals;
    }

    synchronized void clear() {
        yandexRecords.clear();
        yandexUuids.clear();
        totalsBySku.clear();
        unitsPerMinute.clear();
        yandexRejections.clear();
        azureEvents.clear();
        azureByHour.clear();
        azureRejections.clear();
    }
}
