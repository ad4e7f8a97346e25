package dev.odometer.agent.delivery;

import dev.odometer.agent.store.PendingRecord;
import dev.odometer.agent.store.RecordStore;
import dev.odometer.agent.record.UsageRecord;
import java.time.Instant;

/**
 * What a marketplace's time rules ask of the pending records, applied by the delivery loop
 * before each batch: Yandex takes records at most an hour old, one by one; Azure takes one
 * event per dimension and calendar hour, at most 24 hours old. Policies ask their questions of
 * the {@link PendingRecord}s the store hands out.
 */
public interface DeliveryPolicy {
    /** Renews, rolls up or settles pending records as the marketplace's rules require. */
    void beforeBatch(RecordStore store, Instant now);

    /** Whether a pending record may be sent now. */
    boolean sendable(PendingRecord record);

    /**
     * Records with equal keys never go out in one batch (Azure: one event per dimension and
     * hour); null, the default, for a record that may go with any other.
     */
    default Object batchKey(UsageRecord record) {
        return null;
    }

    /**
     * The marketplace holds another record where {@code record} was to go, so it was not
     * stored (see {@link dev.odometer.agent.marketplace.RecordOutcome#isSlotTaken()}): move its
     * units to another slot ({@link RecordStore#moved}). Only Azure answers so; elsewhere the
     * record is left to be sent again.
     *
     * @param why the marketplace's answer, for the log and the reconciliation file
     */
    default void slotTaken(RecordStore store, UsageRecord record, String why) {
    }
}
