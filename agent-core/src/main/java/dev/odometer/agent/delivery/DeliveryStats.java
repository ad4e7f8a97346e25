package dev.odometer.agent.delivery;

import dev.odometer.agent.store.RecordStore;
import dev.odometer.agent.store.StoreUnavailableException;
import dev.odometer.agent.marketplace.RecordOutcome;
import dev.odometer.agent.record.UsageRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counts what the delivery stage did; read through JMX and the periodic summary line. */
public final class DeliveryStats implements DeliveryStatsMBean {
    private final RecordStore store;
    private final AtomicLong recordsSealed = new AtomicLong();
    private final AtomicLong unitsSealed = new AtomicLong();
    private final AtomicLong recordsDelivered = new AtomicLong();
    private final AtomicLong unitsDelivered = new AtomicLong();
    private final AtomicLong recordsDuplicate = new AtomicLong();
    private final Map<String, AtomicLong> rejected = new ConcurrentHashMap<>();
    private volatile String lastError = "";
    private volatile Instant lastSuccess;
    private volatile NodeRole role = NodeRole.ALONE;

    public DeliveryStats(RecordStore store) {
        this.store = store;
    }

    /** What this process is in a cluster; {@link NodeRole#ALONE} without {@code cluster:}. */
    public void role(NodeRole role) {
        this.role = role;
    }

    @Override
    public boolean isDeliveringNode() {
        return role.delivers();
    }

    @Override
    public String getRole() {
        return role.describe();
    }

    void sealed(List<UsageRecord> records) {
        recordsSealed.addAndGet(records.size());
        for (UsageRecord record : records) {
            unitsSealed.addAndGet(record.quantity());
        }
    }

    void delivered(UsageRecord record, RecordOutcome outcome) {
        recordsDelivered.incrementAndGet();
        unitsDelivered.addAndGet(record.quantity());
        if (outcome == RecordOutcome.DUPLICATE) {
            recordsDuplicate.incrementAndGet();
        }
    }

    void rejected(RecordOutcome outcome) {
        rejected.computeIfAbsent(outcome.name(), k -> new AtomicLong()).incrementAndGet();
    }

    void answered(Instant at) {
        lastSuccess = at;
        lastError = "";
    }

    void failed(String error) {
        lastError = error;
    }

    @Override
    public long getRecordsSealed() {
        return recordsSealed.get();
    }

    @Override
    public long getUnitsSealed() {
        return unitsSealed.get();
    }

    @Override
    public long getRecordsDelivered() {
        return recordsDelivered.get();
    }

    @Override
    public long getUnitsDelivered() {
        return unitsDelivered.get();
    }

    @Override
    public long getRecordsDuplicate() {
        return recordsDuplicate.get();
    }

    @Override
    public Map<String, Long> getRecordsRejectedByReason() {
        Map<String, Long> copy = new TreeMap<>();
        rejected.forEach((reason, count) -> copy.put(reason, count.get()));
        return copy;
    }

    @Override
    public long getRecordsPending() {
        try {
            return store.pendingRecords();
        } catch (StoreUnavailableException unavailable) {
            return -1; // the cluster's database cannot say now
        }
    }

    @Override
    public long getUnitsPending() {
        try {
            return store.pendingUnits();
        } catch (StoreUnavailableException unavailable) {
            return -1; // the cluster's database cannot say now
        }
    }

    @Override
    public long getRecordsParked() {
        try {
            return store.parkedRecords();
        } catch (StoreUnavailableException unavailable) {
            return -1; // the cluster's database cannot say now
        }
    }

    @Override
    public String getLastError() {
        return lastError;
    }

    @Override
    public String getLastSuccess() {
        Instant at = lastSuccess;
        return at == null ? "" : at.toString();
    }

    /** One line for the log. */
    String summary() {
        NodeRole current = role;
        return (current == NodeRole.ALONE ? "" : current.describe() + "; ")
                + "sealed " + getUnitsSealed() + " units in " + getRecordsSealed() + " records; "
                + "delivered " + getUnitsDelivered() + " units in " + getRecordsDelivered()
                + " records (" + getRecordsDuplicate() + " duplicates); pending "
                + getUnitsPending() + " units in " + getRecordsPending() + " records; parked "
                + getRecordsParked() + (rejected.isEmpty() ? "" : "; rejected "
                + getRecordsRejectedByReason())
                + (lastError.isEmpty() ? "" : "; last error: " + lastError);
    }
}
