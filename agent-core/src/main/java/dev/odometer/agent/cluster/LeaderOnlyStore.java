package dev.odometer.agent.cluster;

import dev.odometer.agent.marketplace.RecordOutcome;
import dev.odometer.agent.record.UsageRecord;
import dev.odometer.agent.store.PendingRecord;
import dev.odometer.agent.store.RecordStore;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * The cluster's store as the delivery loop of one node sees it: while another node holds the
 * delivery lease there is nothing to send here, and the loop does not touch the database at
 * all (the counts come from the cluster thread's last look). Steps that change records go
 * through to the store, which fences them by the lease itself.
 */
final class LeaderOnlyStore implements RecordStore {
    private final RecordStore cluster;
    private final BooleanSupplier delivers;
    private volatile long[] lastCounts = {0, 0, 0};

    LeaderOnlyStore(RecordStore cluster, BooleanSupplier delivers) {
        this.cluster = cluster;
        this.delivers = delivers;
    }

    /** The cluster thread's latest counts: pending records, pending units, parked records. */
    void counts(int pendingRecords, long pendingUnits, int parkedRecords) {
        lastCounts = new long[] {pendingRecords, pendingUnits, parkedRecords};
    }

    @Override
    public void add(List<UsageRecord> records) {
        cluster.add(records);
    }

    @Override
    public List<PendingRecord> nextBatch(int max, Predicate<PendingRecord> wanted) {
        return delivers.getAsBoolean() ? cluster.nextBatch(max, wanted) : Collections.emptyList();
    }

    @Override
    public List<PendingRecord> pendingBefore(Instant instant) {
        return delivers.getAsBoolean() ? cluster.pendingBefore(instant) : Collections.emptyList();
    }

    @Override
    public void answered(Map<UsageRecord, RecordOutcome> outcomes) {
        cluster.answered(outcomes);
    }

    @Override
    public void attempting(List<UsageRecord> records) {
        cluster.attempting(records);
    }

    @Override
    public void attemptFailed(List<UsageRecord> records, boolean possiblyReceived) {
        cluster.attemptFailed(records, possiblyReceived);
    }

    @Override
    public void replace(UsageRecord old, UsageRecord fresh) {
        cluster.replace(old, fresh);
    }

    @Override
    public void rollUp(List<UsageRecord> parts, UsageRecord whole) {
        cluster.rollUp(parts, whole);
    }

    @Override
    public Instant rolledUpThrough(String dimension) {
        return cluster.rolledUpThrough(dimension);
    }

    @Override
    public void moved(UsageRecord old, UsageRecord fresh, String why) {
        cluster.moved(old, fresh, why);
    }

    @Override
    public void expiredInDoubt(UsageRecord record, UsageRecord rebilledAs) {
        cluster.expiredInDoubt(record, rebilledAs);
    }

    @Override
    public void maintain() {
        if (delivers.getAsBoolean()) {
            cluster.maintain();
        }
    }

    @Override
    public int pendingRecords() {
        return delivers.getAsBoolean() ? cluster.pendingRecords() : (int) lastCounts[0];
    }

    @Override
    public long pendingUnits() {
        return delivers.getAsBoolean() ? cluster.pendingUnits() : lastCounts[1];
    }

    @Override
    public int parkedRecords() {
        return delivers.getAsBoolean() ? cluster.parkedRecords() : (int) lastCounts[2];
    }
}
