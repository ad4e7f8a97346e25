package dev.odometer.agent.delivery;

import dev.odometer.agent.store.PendingRecord;
import dev.odometer.agent.store.RecordStore;
import dev.odometer.agent.marketplace.RecordOutcome;
import dev.odometer.agent.record.UsageRecord;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * A bounded pending store in memory, for tests of the delivery loop and its policies: the same
 * contract as the journal without a disk.
 */
final class InMemoryPendingStore implements RecordStore {
    private final int maxRecords;
    private final Map<UUID, UsageRecord> pending = new LinkedHashMap<>();
    private final Set<UUID> possiblyReceived = new HashSet<>();
    private final Set<UUID> rolledUp = new HashSet<>();
    private final List<UsageRecord> parked = new ArrayList<>();
    private final Map<String, Instant> rolledThrough = new HashMap<>();
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

    private PendingRecord view(UsageRecord record) {
        return new PendingRecord(record, rolledUp.contains(record.uuid()),
                possiblyReceived.contains(record.uuid()));
    }

    @Override
    public synchronized List<PendingRecord> nextBatch(int max, Predicate<PendingRecord> wanted) {
        List<PendingRecord> batch = new ArrayList<>();
        for (UsageRecord record : pending.values()) {
            if (batch.size() >= max) {
                break;
            }
            PendingRecord view = view(record);
            if (wanted.test(view)) {
                batch.add(view);
            }
        }
        return batch;
    }

    @Override
    public synchronized List<PendingRecord> pendingBefore(Instant instant) {
        List<PendingRecord> old = new ArrayList<>();
        for (UsageRecord record : pending.values()) {
            if (record.timestamp().isBefore(instant)) {
                old.add(view(record));
            }
        }
        old.sort(Comparator.comparing(p -> p.record().timestamp()));
        return old;
    }

    /** The records only, oldest first. */
    synchronized List<UsageRecord> pendingList() {
        return new ArrayList<>(pending.values());
    }

    @Override
    public synchronized void answered(Map<UsageRecord, RecordOutcome> outcomes) {
        outcomes.forEach((record, outcome) -> {
            if (outcome.isDelivered()) {
                remove(record);
            } else if (outcome.isSlotTaken()) {
                possiblyReceived.remove(record.uuid());
            } else if (outcome.isRetryable()) {
                if (outcome.possiblyStored()) {
                    possiblyReceived.add(record.uuid());
                }
            } else if (remove(record)) {
                parked.add(record);
            }
        });
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
        rolledThrough.merge(whole.skuId(), whole.timestamp().truncatedTo(ChronoUnit.HOURS),
                (a, b) -> a.isAfter(b) ? a : b);
    }

    @Override
    public synchronized Instant rolledUpThrough(String dimension) {
        return rolledThrough.get(dimension);
    }

    synchronized boolean isRolledUp(UsageRecord record) {
        return rolledUp.contains(record.uuid());
    }

    synchronized boolean possiblyReceived(UsageRecord record) {
        return possiblyReceived.contains(record.uuid());
    }

    @Override
    public synchronized void moved(UsageRecord old, UsageRecord fresh, String why) {
        replace(old, fresh);
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
