package dev.odometer.agent.marketplace;

/**
 * What a marketplace said about one usage record of a batch, and what that means for Odometer.
 *
 * <p>Constants are shared by every marketplace: each client maps its own vocabulary onto them
 * (the Yandex client maps the {@code reason} strings of its answer). A marketplace with statuses
 * of its own (Azure's ResourceNotFound, InvalidDimension, ...) adds constants here, each with its
 * three flags and one line of advice, and a mapping in its own client package.
 */
public enum RecordOutcome {
    /** Written by the marketplace now. */
    ACCEPTED(Kind.DELIVERED, "delivered"),
    /** A record with this uuid was written earlier: a resend of something already delivered. */
    DUPLICATE(Kind.DELIVERED, "already delivered earlier under the same uuid: nothing to do"),
    /** Older than the marketplace accepts (one hour for Yandex): never acceptable under this uuid. */
    EXPIRED(Kind.PERMANENT,
            "too old to be accepted (Yandex takes usage at most one hour old): keep the agent able"
                    + " to reach the marketplace and the host clock in sync"),
    /** The marketplace thinks the timestamp is in the future. */
    INVALID_TIMESTAMP(Kind.PERMANENT,
            "timestamp rejected as being in the future: synchronise the host clock (NTP)"),
    /** The SKU id is unknown to the marketplace. */
    INVALID_SKU_ID(Kind.CONFIGURATION,
            "SKU not found: check the sku_id in the config against the partner dashboard"),
    /** The product (or product instance) id is unknown to the marketplace. */
    INVALID_PRODUCT_ID(Kind.CONFIGURATION,
            "product not found: check the product id in the config against the partner dashboard"),
    /** The quantity was not positive: a bug, Odometer never seals empty records. */
    INVALID_QUANTITY(Kind.PERMANENT, "quantity rejected: a bug in Odometer, please report it"),
    /** The uuid was not accepted as a UUID: a bug. */
    INVALID_ID(Kind.PERMANENT, "record uuid rejected: a bug in Odometer, please report it"),
    /** Rejected with no reason or one this version does not know (REASON_UNSPECIFIED, ...). */
    UNKNOWN(Kind.RETRY,
            "rejected for an unspecified reason: the record is kept and resent; if this persists,"
                    + " contact the marketplace's support"),
    /** The answer did not mention the record at all; treated like {@link #UNKNOWN}. */
    MISSING(Kind.RETRY,
            "the marketplace's answer did not mention the record: it is kept and resent");

    private enum Kind { DELIVERED, RETRY, CONFIGURATION, PERMANENT }

    private final Kind kind;
    private final String explanation;

    RecordOutcome(Kind kind, String explanation) {
        this.kind = kind;
        this.explanation = explanation;
    }

    /** True when the marketplace has the record (now or from an earlier send): forget it. */
    public boolean isDelivered() {
        return kind == Kind.DELIVERED;
    }

    /**
     * True when the configuration (SKU or product id) is wrong: report it loudly, a person has
     * to act before any record for it can be accepted.
     */
    public boolean isConfigurationError() {
        return kind == Kind.CONFIGURATION;
    }

    /** True when resending the very same record (same uuid) later may still be accepted. */
    public boolean isRetryable() {
        return kind == Kind.RETRY;
    }

    /** One line for a person: what happened and what they must do, if anything. */
    public String explanation() {
        return explanation;
    }
}
