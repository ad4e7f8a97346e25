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

    /**
     * These records are about to be sent. A durable store records it before the send: should
     * the process die before the answer, the records are in doubt when it starts again.
     */
    void attempting(List<UsageRecord> records);

    /** A send of these records failed; {@code possiblyReceived} when it may have arrived. */
    void attemptFailed(List<UsageRecord> records, boolean possiblyReceived);

    /**
     * Replaces a record that was never possibly received by one with a new uuid and timestamp
     * (before the marketplace would call it expired); the old one is closed.
     */
    void replace(UsageRecord old, UsageRecord fresh);

    /**
     * Replaces {@code parts} by {@code whole}, one record that carries their units (Azure's
     * one event per dimension and hour); as one durable step, so a unit is never in both.
     */
    void rollUp(List<UsageRecord> parts, UsageRecord whole);

    /** Whether the record was made by {@link #rollUp}. */
    boolean isRolledUp(UsageRecord record);

    /** Whether any attempt to send this record may have reached the marketplace. */
    boolean possiblyReceived(UsageRecord record);

    /**
     * Settles a record still in doubt when it expires: closed, and written to the
     * reconciliation file with the decision; {@code rebilledAs} is its replacement under a new
     * uuid when the policy is to bill it again, or null when it is dropped.
     */
    void expiredInDoubt(UsageRecord record, UsageRecord rebilledAs);

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
