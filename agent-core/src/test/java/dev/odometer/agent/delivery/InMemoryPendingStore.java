package dev.odometer.agent.delivery;

import dev.odometer.agent.marketplace.RecordOutcome;
import dev.odometer.agent.record.UsageRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A bounded pending store in memory, for tests of the delivery loop and its policies: the same
 * contract as the journal without a disk.
 */
final class InMemoryPendingStore implements PendingStore {
    private final int maxRecords;
    private final Map<UUID, UsageRecord> pending = new LinkedHashMap<>();
    private final Set<UUID> possiblyReceived = new HashSet<>();
    private final Set<UUID> rolledUp = new HashSet<>();
    private final List<UsageRecord> parked = new ArrayList<>();
    private long pendingUnits;

    /** @param maxRecords the bound on pending plus parked records */
    InMemoryPendingStore(int maxRecords) {
        this.maxRecords = maxRecords;
    }

    @Override
    public synchronized void add(List<UsageRecord> records) {
        if (pending.size() + parked.size() + records.size() > maxRecords) {
            throw new StoreFullException("the pending store holds " + maxRecords + " records, its "
                    + "bound; new usage stays counted and is sealed when there is room");
        }
        for (UsageRecord record : records) {
            if (pending.put(record.uuid(), record) == null) {
                pendingUnits += record.quantity();
            }
        }
    }

    @Override
    public synchronized List<UsageRecord> nextBatch(int max) {
        List<UsageRecord> batch = new ArrayList<>(Math.min(max, pending.size()));
        Iterator<UsageRecord> it = pending.values().iterator();
        while (it.hasNext() && batch.size() < max) {
            batch.add(it.next());
        }
        return batch;
    }

    @Override
    public synchronized void delivered(UsageRecord record, RecordOutcome outcome) {
        remove(record);
    }

    @Override
    public synchronized void parked(UsageRecord record, RecordOutcome outcome) {
        if (remove(record)) {
            parked.add(record);
        }
    }

    @Override
    public void attempting(List<UsageRecord> records) {
        // nothing survives a restart here, so there is nothing to record
    }

    @Override
    public synchronized void attemptFailed(List<UsageRecord> records, boolean received) {
        if (received) {
            for (UsageRecord record : records) {
                possiblyReceived.add(record.uuid());
            }
        }
    }

    @Override
    public synchronized void replace(UsageRecord old, UsageRecord fresh) {
        if (remove(old)) {
            pending.put(fresh.uuid(), fresh);
            pendingUnits += fresh.quantity();
        }
    }

    @Override
    public synchronized void rollUp(List<UsageRecord> parts, UsageRecord whole) {
        for (UsageRecord part : parts) {
            remove(part);
        }
        pending.put(whole.uuid(), whole);
        pendingUnits += whole.quantity();
        rolledUp.add(whole.uuid());
    }

    @Override
    public synchronized boolean isRolledUp(UsageRecord record) {
        return rolledUp.contains(record.uuid());
    }

    @Override
    public synchronized boolean possiblyReceived(UsageRecord record) {
        return possiblyReceived.contains(record.uuid());
    }

    @Override
    public synchronized void expiredInDoubt(UsageRecord record, UsageRecord rebilledAs) {
        if (remove(record) && rebilledAs != null) {
            pending.put(rebilledAs.uuid(), rebilledAs);
            pendingUnits += rebilledAs.quantity();
        }
    }

    private boolean remove(UsageRecord record) {
        possiblyReceived.remove(record.uuid());
        rolledUp.remove(record.uuid());
        if (pending.remove(record.uuid()) != null) {
            pendingUnits -= record.quantity();
            return true;
        }
        return false;
    }

    @Override
    public synchronized int pendingRecords() {
        return pending.size();
    }

    @Override
    public synchronized long pendingUnits() {
        return pendingUnits;
    }

    @Override
    public synchronized int parkedRecords() {
        return parked.size();
    }

    synchronized List<UsageRecord> parkedList() {
        return Collections.unmodifiableList(new ArrayList<>(parked));
    }
}
