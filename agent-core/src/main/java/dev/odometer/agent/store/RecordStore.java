package dev.odometer.agent.store;

import dev.odometer.agent.marketplace.RecordOutcome;
import dev.odometer.agent.record.UsageRecord;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Where sealed records wait until the marketplace has answered for them. The delivery loop is
 * its only reader; the accumulator adds. Implementations are bounded: when full, {@link #add}
 * refuses and the units stay in the counters, to be sealed later in one larger record.
 *
 * <p>What it hands out are {@link PendingRecord} snapshots: the delivery policies ask those
 * their questions. Handing out costs what is handed out, never the whole backlog.
 */
public interface RecordStore {
    /**
     * Takes newly sealed records; when this returns they are as safe as the store can make them.
     *
     * @throws StoreFullException when the store is at its bound
     */
    void add(List<UsageRecord> records);

    /**
     * Up to {@code max} pending records that {@code wanted} accepts, oldest first (in the order
     * they were stored); it looks no further than it has to.
     */
    List<PendingRecord> nextBatch(int max, Predicate<PendingRecord> wanted);

    /** Up to {@code max} pending records, oldest first. */
    default List<PendingRecord> nextBatch(int max) {
        return nextBatch(max, record -> true);
    }

    /** The pending records stamped before {@code instant}, oldest first. */
    List<PendingRecord> pendingBefore(Instant instant);

    /**
     * The marketplace's answers to one batch, record by record, as one durable step: delivered
     * (ACCEPTED, DUPLICATE) records are settled, refused ones parked (until a restart with a
     * fixed config, for configuration errors), and the others stay pending: in doubt when
     * {@link RecordOutcome#possiblyStored()}, else not received (also when the outcome
     * {@link RecordOutcome#isSlotTaken()}: the policy then {@link #moved} it).
     */
    void answered(Map<UsageRecord, RecordOutcome> outcomes);

    /** The marketplace accepted the record, or already had it (DUPLICATE). */
    default void delivered(UsageRecord record, RecordOutcome outcome) {
        answered(Collections.singletonMap(record, outcome));
    }

    /** The marketplace refused the record for good (until the config is fixed). */
    default void parked(UsageRecord record, RecordOutcome outcome) {
        answered(Collections.singletonMap(record, outcome));
    }

    /**
     * These records are about to be sent. A durable store records it before the send: should
     * the process die before the answer, the records are in doubt when it starts again.
     */
    void attempting(List<UsageRecord> records);

    /** A send of these records failed; {@code possiblyReceived} when it may have arrived. */
    void attemptFailed(List<UsageRecord> records, boolean possiblyReceived);

    /**
     * Replaces a record that was never possibly received by one with a new uuid and timestamp
     * (before the marketplace would call it expired, or to move it to a later Azure hour); the
     * old one is closed, in one durable step.
     */
    void replace(UsageRecord old, UsageRecord fresh);

    /**
     * Replaces {@code parts} by {@code whole}, one record that carries their units (Azure's
     * one event per dimension and hour); as one durable step, so a unit is never in both. The
     * store remembers the hour as rolled up for the dimension ({@link #rolledUpThrough}).
     */
    void rollUp(List<UsageRecord> parts, UsageRecord whole);

    /**
     * The latest hour (its start) rolled up into an event for the dimension (SKU id), durably,
     * also after the event was delivered; null if none.
     */
    Instant rolledUpThrough(String dimension);

    /**
     * The marketplace holds another record where {@code old} was to go (Azure: an event of
     * another quantity for its dimension and hour), so {@code old} was not stored: it is
     * replaced by {@code fresh} (its units in a later slot) in one durable step, and written to
     * the reconciliation file with {@code why}.
     */
    void moved(UsageRecord old, UsageRecord fresh, String why);

    /**
     * Settles a record still in doubt when it expires: closed, and written to the
     * reconciliation file with the decision; {@code rebilledAs} is its replacement under a new
     * uuid when the policy is to bill it again, or null when it is dropped.
     */
    void expiredInDoubt(UsageRecord record, UsageRecord rebilledAs);

    /**
     * Housekeeping the store does on the delivery thread, between batches: the journal takes
     * over the journals of processes that have ended. Nothing by default.
     */
    default void maintain() {
    }

    /** Records waiting to be delivered. */
    int pendingRecords();

    /** Units in the records waiting to be delivered. */
    long pendingUnits();

    /** Records parked after a permanent rejection. */
    int parkedRecords();

    /** Thrown by {@link RecordStore#add} at the store's bound. */
    final class StoreFullException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public StoreFullException(String message) {
            super(message);
        }
    }
}
