package dev.odometer.agent.delivery;

import dev.odometer.agent.store.PendingRecord;
import dev.odometer.agent.store.RecordStore;
import dev.odometer.agent.log.AgentLog;
import dev.odometer.agent.record.UsageRecord;
import java.time.Duration;
import java.time.Instant;

/**
 * Yandex's rule: usage older than one hour is EXPIRED. A record no attempt can have reached
 * the marketplace with is sealed again under a new uuid and the current time before that; a
 * record in doubt keeps its uuid until it is too old, then follows the in-doubt policy.
 */
final class OneHourWindowPolicy implements DeliveryPolicy {
    static final Duration RENEW_AFTER = Duration.ofMinutes(50);
    static final Duration EXPIRES_AFTER = Duration.ofMinutes(60);
    private static final AgentLog LOG = AgentLog.forClass(DeliveryLoop.class);

    private final boolean rebillInDoubt;

    OneHourWindowPolicy(boolean rebillInDoubt) {
        this.rebillInDoubt = rebillInDoubt;
    }

    @Override
    public void beforeBatch(RecordStore store, Instant now) {
        Instant renewBefore = now.minus(RENEW_AFTER);
        Instant expiredBefore = now.minus(EXPIRES_AFTER);
        for (PendingRecord pending : store.pendingBefore(renewBefore)) {
            UsageRecord record = pending.record();
            if (!pending.possiblyReceived()) {
                store.replace(record, UsageRecord.seal(record.skuAlias(), record.skuId(),
                        record.quantity(), now));
            } else if (record.timestamp().isBefore(expiredBefore)) {
                settleInDoubt(store, record, now, rebillInDoubt, "resend");
            }
        }
    }

    @Override
    public boolean sendable(PendingRecord record) {
        return true;
    }

    /** Drops or bills again a record in doubt that has become too old, and says which. */
    static void settleInDoubt(RecordStore store, UsageRecord record, Instant now,
                              boolean rebill, String tooOldTo) {
        UsageRecord rebilled = rebill ? UsageRecord.seal(record.skuAlias(), record.skuId(),
                record.quantity(), now) : null;
        store.expiredInDoubt(record, rebilled);
        LOG.warn("record " + record.uuid() + " (SKU '" + record.skuAlias() + "', "
                + record.quantity() + " units) may or may not have reached the marketplace and "
                + "is now too old to " + tooOldTo + ": " + (rebill
                ? "billed again as " + rebilled.uuid() + " (in_doubt_policy: rebill)"
                : "not billed again, so no customer pays twice (in_doubt_policy: drop)")
                + "; it is listed in the reconciliation file");
    }
}
