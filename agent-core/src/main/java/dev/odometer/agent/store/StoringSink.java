package dev.odometer.agent.store;

import dev.odometer.agent.record.RecordSink;
import dev.odometer.agent.record.UsageRecord;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The store stage: takes the accumulator's sealed records into the store, durably, and then
 * tells the next stage that there is something to deliver. The next stage reads the store; no
 * record is handed to it directly.
 */
public final class StoringSink implements RecordSink {
    /** The stage after the store: told when records were stored, flushed on shutdown. */
    public interface Downstream {
        /** {@code records} are now in the store. */
        void stored(List<UsageRecord> records);

        /** Delivers what it can within {@code timeout}; called once on shutdown. */
        void flush(Duration timeout);
    }

    private final RecordStore store;
    private final Downstream downstream;

    public StoringSink(RecordStore store, Downstream downstream) {
        this.store = Objects.requireNonNull(store, "store");
        this.downstream = Objects.requireNonNull(downstream, "downstream");
    }

    /**
     * Stores the records; when this returns they are as safe as the store makes them.
     *
     * @throws RecordStore.StoreFullException at the store's bound: the units stay in the
     *     counters
     */
    @Override
    public void accept(List<UsageRecord> records) {
        store.add(records);
        downstream.stored(records);
    }

    @Override
    public void flush(Duration timeout) {
        downstream.flush(timeout);
    }
}
