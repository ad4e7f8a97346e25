package dev.odometer.agent.record;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One sealed unit of billing: the usage of one SKU over one flush window. Immutable.
 *
 * <p>The {@link #uuid()} is fixed when the record is sealed and is the record's identity at the
 * marketplace: it is journaled before the first send and reused on every retry and after a
 * restart, so a resend can only ever come back as DUPLICATE, never bill twice.
 */
public final class UsageRecord {
    private final UUID uuid;
    private final String skuAlias;
    private final String skuId;
    private final long quantity;
    private final Instant timestamp;

    /**
     * @param uuid      the record's identity at the marketplace
     * @param skuAlias  the config alias ({@code skus:} key) the units were counted under
     * @param skuId     the marketplace's id for the SKU (Yandex sku id, Azure dimension)
     * @param quantity  units, always positive
     * @param timestamp when the usage happened (the end of the window it was sealed from)
     */
    public UsageRecord(UUID uuid, String skuAlias, String skuId, long quantity, Instant timestamp) {
        this.uuid = Objects.requireNonNull(uuid, "uuid");
        this.skuAlias = Objects.requireNonNull(skuAlias, "skuAlias");
        this.skuId = Objects.requireNonNull(skuId, "skuId");
        this.timestamp = Objects.requireNonNull(timestamp, "timestamp");
        if (quantity <= 0) {
            throw new IllegalArgumentException("quantity must be positive, was " + quantity);
        }
        this.quantity = quantity;
    }

    /** Seals a new record with a fresh random (version 4) uuid. */
    public static UsageRecord seal(String skuAlias, String skuId, long quantity, Instant timestamp) {
        return new UsageRecord(UUID.randomUUID(), skuAlias, skuId, quantity, timestamp);
    }

    public UUID uuid() {
        return uuid;
    }

    public String skuAlias() {
        return skuAlias;
    }

    public String skuId() {
        return skuId;
    }

    public long quantity() {
        return quantity;
    }

    public Instant timestamp() {
        return timestamp;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof UsageRecord)) {
            return false;
        }
        UsageRecord that = (UsageRecord) o;
        return quantity == that.quantity
                && uuid.equals(that.uuid)
                && skuAlias.equals(that.skuAlias)
                && skuId.equals(that.skuId)
                && timestamp.equals(that.timestamp);
    }

    @Override
    public int hashCode() {
        return uuid.hashCode();
    }

    @Override
    public String toString() {
        return "UsageRecord{uuid=" + uuid + ", sku=" + skuAlias + " (" + skuId + "), quantity="
                + quantity + ", timestamp=" + timestamp + '}';
    }
}
