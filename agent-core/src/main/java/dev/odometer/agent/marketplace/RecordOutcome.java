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
    /**
     * Delivered earlier: a record with this uuid (Yandex), or an event for the same resource,
     * dimension and hour (Azure), was written before.
     */
    DUPLICATE(Kind.DELIVERED, "already delivered earlier under the same uuid (on Azure: for the"
            + " same dimension and hour): nothing to do"),
    /**
     * Not a marketplace's answer: the record is in the cluster's database (with {@code
     * cluster:}), which answers for it from then on; the local journal is done with it.
     */
    FORWARDED(Kind.DELIVERED, "stored in the cluster's database, from where the delivering "
            + "node sends it"),
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
    /**
     * The marketplace refused a request holding only this record as a whole (HTTP 400, 413 or
     * 422), so it stored nothing: parked, and sealed again under a new uuid after a restart
     * (a fixed config or agent version may change the answer).
     */
    REQUEST_REFUSED(Kind.PERMANENT,
            "the marketplace refuses any request holding this record (see its answer): check the"
                    + " config; otherwise a bug in Odometer, please report it with this line"),
    /**
     * Sending a batch with this record failed inside Odometer with an unexpected exception, on
     * its own too; whether the request left is unknown, so it is never sent again.
     */
    SEND_FAILED(Kind.PERMANENT,
            "sending it failed inside Odometer (a bug, please report it with the stack trace"
                    + " logged before); it may have reached the marketplace, so it is not resent"),
    /** Rejected with no reason or one this version does not know (REASON_UNSPECIFIED, ...). */
    UNKNOWN(Kind.RETRY,
            "rejected for an unspecified reason: the record is kept and resent; if this persists,"
                    + " contact the marketplace's support"),
    /** The answer did not mention the record at all; treated like {@link #UNKNOWN}. */
    MISSING(Kind.RETRY,
            "the marketplace's answer did not mention the record: it is kept and resent"),
    /**
     * Only from {@code validate}, for a marketplace without a dry run (Azure): the credentials
     * were checked, the record was neither sent nor judged. Never the answer to a real send.
     */
    NOT_CHECKED(Kind.RETRY,
            "not checked: the marketplace has no dry run, so only the credentials were checked"
                    + " and nothing was sent"),
    /**
     * Azure {@code Duplicate}, but the event it holds for the dimension and hour has another
     * quantity than this one: that event is someone else's (another process or replica, for the
     * same resource), so these units were not stored. They go to a later hour.
     */
    AZURE_DUPLICATE_MISMATCH(Kind.SLOT_TAKEN,
            "Azure already holds an event with another quantity for this dimension and hour (from"
                    + " another process or replica reporting for the same resource): these units"
                    + " were not billed there and move to a later hour's event"),
    /**
     * Azure answered with a status this version does not know (such as {@code Error}), or none:
     * the event may have been stored, so it is kept in doubt and resent for the same dimension
     * and hour (a repeat is answered Duplicate), never folded into another hour.
     */
    AZURE_UNKNOWN_STATUS(Kind.RETRY,
            "Azure answered with a status this version does not know: the event is kept in doubt"
                    + " and resent for the same hour, where a repeat is answered Duplicate; if this"
                    + " persists, contact Microsoft support with the status"),
    /** Azure {@code Expired}: the event's hour began more than 24 hours ago. */
    AZURE_EXPIRED(Kind.PERMANENT,
            "too old to be accepted (Azure takes a usage event at most 24 hours after its hour"
                    + " began): keep the agent able to reach the marketplace and the host clock"
                    + " in sync"),
    /** Azure {@code ResourceNotFound}: the SaaS subscription or managed application is unknown. */
    AZURE_RESOURCE_NOT_FOUND(Kind.CONFIGURATION,
            "resource not found: check resource_id (the SaaS subscription id) or resource_uri"
                    + " (the managed application) in the config"),
    /** Azure {@code ResourceNotAuthorized}: this AAD application may not report for it. */
    AZURE_RESOURCE_NOT_AUTHORIZED(Kind.CONFIGURATION,
            "the AAD application may not report usage for this resource: check resource_id or"
                    + " resource_uri in the config, and that the AAD client id and tenant are"
                    + " those of the offer's technical configuration in Partner Center"),
    /** Azure {@code ResourceNotActive}: the subscription is suspended or was cancelled. */
    AZURE_RESOURCE_NOT_ACTIVE(Kind.CONFIGURATION,
            "the subscription is not active, and Azure accepts usage only while it is: check its"
                    + " status in Partner Center and resource_id or resource_uri in the config"),
    /** Azure {@code InvalidDimension}: the plan has no such metering dimension. */
    AZURE_INVALID_DIMENSION(Kind.CONFIGURATION,
            "dimension not in the plan: check the SKU's dimension in the config against the"
                    + " plan's metering dimensions in Partner Center"),
    /** Azure {@code BadArgument}: the event was refused as malformed. */
    AZURE_BAD_ARGUMENT(Kind.PERMANENT,
            "event refused as malformed (a field missing, a time in the future, or plan_id not"
                    + " the resource's plan): check plan_id in the config and the host clock;"
                    + " otherwise a bug in Odometer, please report it");

    private enum Kind { DELIVERED, RETRY, CONFIGURATION, PERMANENT, SLOT_TAKEN }

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

    /**
     * True when a record parked with this outcome is sealed again under a new uuid after a
     * restart: it was surely not stored, and a fixed config (or agent) may change the answer.
     */
    public boolean isTriedAgainAfterRestart() {
        return kind == Kind.CONFIGURATION || this == REQUEST_REFUSED;
    }

    /**
     * True when the marketplace holds another record where this one was to go (Azure: an event
     * of another quantity for its dimension and hour): it was not stored, and its units must
     * go to another slot (the delivery policy moves them).
     */
    public boolean isSlotTaken() {
        return kind == Kind.SLOT_TAKEN;
    }

    /** True when resending the very same record (same uuid) later may still be accepted. */
    public boolean isRetryable() {
        return kind == Kind.RETRY;
    }

    /**
     * True when the marketplace may have stored the record although it did not say so (an
     * answer that left it out, or an Azure status this version does not know): a resend is in
     * doubt, never renewed under a new uuid or folded into another event.
     */
    public boolean possiblyStored() {
        return this == MISSING || this == AZURE_UNKNOWN_STATUS;
    }

    /** One line for a person: what happened and what they must do, if anything. */
    public String explanation() {
        return explanation;
    }
}
