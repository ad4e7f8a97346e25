package dev.odometer.agent.delivery;

import dev.odometer.agent.marketplace.RecordOutcome;
import dev.odometer.agent.record.UsageRecord;
import java.util.List;

/**
 * Where sealed records wait until the marketplace has answered for them. The delivery loop is
 * its only reader; the accumulator adds. Implementations are bounded: when full, {@link #add}
 * refuses and the units stay in the counters, to be sealed later in one larger record.
 */
public interface PendingStore {
    /**
     * Takes newly sealed records; when this returns they are as safe as the store can make them.
     *
     * @throws StoreFullException when the store is at its bound
     */
    void add(List<UsageRecord> records);

    /** Up to {@code max} records due for sending, oldest first. */
    List<UsageRecord> nextBatch(int max);

    /** The marketplace accepted the record, or already had it (DUPLICATE). */
    void delivered(UsageRecord record, RecordOutcome outcome);

    /** The marketplace refused the record for good (until the config is fixed). */
    void parked(UsageRecord record, RecordOutcome outcome);

    /** A send of these records failed; {@code possiblyReceived} when it may have arrived. */
    void attemptFailed(List<UsageRecord> records, boolean possiblyReceived);

    /**
     * Replaces a record that was never possibly received by one with a new uuid and timestamp
     * (before the marketplace would call it expired); the old one is closed.
     */
    void replace(UsageRecord old, UsageRecord fresh);

    /** Whether any attempt to send this record may have reached the marketplace. */
    boolean possiblyReceived(UsageRecord record);

    /** Drops a record that can no longer be delivered, for the reason given. */
    void abandon(UsageRecord record, String reason);

    /** Records waiting to be delivered. */
    int pendingRecords();

    /** Units in the records waiting to be delivered. */
    long pendingUnits();

    /** Records parked after a permanent rejection. */
    int parkedRecords();

    /** Thrown by {@link PendingStore#add} at the store's bound. */
    final class StoreFullException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public StoreFullException(String message) {
            super(message);
        }
    }
}
