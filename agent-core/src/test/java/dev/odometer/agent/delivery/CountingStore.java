package dev.odometer.agent.delivery;

import dev.odometer.agent.store.PendingRecord;
import dev.odometer.agent.store.RecordStore;
import dev.odometer.agent.marketplace.RecordOutcome;
import dev.odometer.agent.record.UsageRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** A pending store that counts the records it hands out. */
final class CountingStore implements RecordStore {
    private final RecordStore store;
    long handedOut;

    CountingStore(RecordStore store) {
        this.store = store;
    }

    @Override
    public void add(List<UsageRecord> records) {
        store.add(records);
    }

    @Override
    public List<PendingRecord> nextBatch(int max, Predicate<PendingRecord> wanted) {
        List<PendingRecord> batch = store.nextBatch(max, record -> {
            handedOut++; // looked at, whether wanted or not
            return wanted.test(record);
        });
        return batch;
    }

    @Override
    public List<PendingRecord> pendingBefore(Instant instant) {
        List<PendingRecord> old = store.pendingBefore(instant);
        handedOut += old.size();
        return old;
    }

    @Override
    public void answered(Map<UsageRecord, RecordOutcome> outcomes) {
        store.answered(outcomes);
    }

    @Override
    public void attempting(List<UsageRecord> records) {
        store.attempting(records);
    }

    @Override
    public void attemptFailed(List<UsageRecord> records, boolean possiblyReceived) {
        store.attemptFailed(records, possiblyReceived);
    }

    @Override
    public void replace(UsageRecord old, UsageRecord fresh) {
        store.replace(old, fresh);
    }

    @Override
    public void rollUp(List<UsageRecord> parts, UsageRecord whole) {
        store.rollUp(parts, whole);
    }

    @Override
    public Instant rolledUpThrough(String dimension) {
        return store.rolledUpThrough(dimension);
    }

    @Override
    public void moved(UsageRecord old, UsageRecord fresh, String why) {
        store.moved(old, fresh, why);
    }

    @Override
    public void expiredInDoubt(UsageRecord record, UsageRecord rebilledAs) {
        store.expiredInDoubt(record, rebilledAs);
    }

    @Override
    public int pendingRecords() {
        return store.pendingRecords();
    }

    @Override
    public long pendingUnits() {
        return store.pendingUnits();
    }

    @Override
    public int parkedRecords() {
        return store.parkedRecords();
    }
}
