package dev.odometer.agent.delivery;

import dev.odometer.agent.log.AgentLog;
import dev.odometer.agent.record.UsageRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Azure's rules: one event per resource, dimension and calendar hour (a second is a
 * Duplicate), sent after the hour closes, at most 24 hours old.
 *
 * <p>The records sealed during an hour stay in the journal (the partial hour survives a
 * restart); once the hour has closed they are rolled up, per dimension, into one record
 * stamped at the hour's start, and only such records are sent. A record sealed late for an
 * hour this process already rolled up joins the next hour instead, and an hour whose event
 * provably never reached Azure for over an hour joins the next hour's event, as Azure's FAQ
 * advises. An event still in doubt near 24 hours follows the in-doubt policy.
 */
final class HourlyRollupPolicy implements DeliveryPolicy {
    /** Records of an hour are all sealed shortly after it ends; wait that long. */
    static final Duration GRACE = Duration.ofMinutes(1);
    static final Duration WARN_AFTER = Duration.ofHours(20);
    static final Duration SETTLE_AFTER = Duration.ofHours(23);
    private static final AgentLog LOG = AgentLog.forClass(DeliveryLoop.class);

    private final boolean rebillInDoubt;
    /** The latest hour rolled up per SKU alias by this process. */
    private final Map<String, Instant> rolledThrough = new HashMap<>();
    private boolean warnedNearLimit;

    HourlyRollupPolicy(boolean rebillInDoubt) {
        this.rebillInDoubt = rebillInDoubt;
    }

    @Override
    public void beforeBatch(PendingStore store, Instant now) {
        Instant open = now.minus(GRACE).truncatedTo(ChronoUnit.HOURS);
        // records of closed hours, and the events, which are stamped at their closed hour
        List<PendingRecord> pending = store.pendingBefore(open);
        Map<String, TreeMap<Instant, List<UsageRecord>>> closed = new TreeMap<>();
        Map<String, List<UsageRecord>> stalledEvents = new HashMap<>();
        for (PendingRecord candidate : pending) {
            UsageRecord record = candidate.record();
            Instant hour = record.timestamp().truncatedTo(ChronoUnit.HOURS);
            if (candidate.isRolledUp()) {
                rolledThrough.merge(record.skuAlias(), hour, HourlyRollupPolicy::later);
                if (!candidate.possiblyReceived() && hour.plus(Duration.ofHours(2))
                        .isBefore(now)) {
                    stalledEvents.computeIfAbsent(record.skuAlias(), k -> new ArrayList<>())
                            .add(record);
                }
                continue;
            }
            if (hour.isBefore(open)) {
                closed.computeIfAbsent(record.skuAlias(), k -> new TreeMap<>())
                        .computeIfAbsent(hour, k -> new ArrayList<>()).add(record);
            }
        }
        for (Map.Entry<String, TreeMap<Instant, List<UsageRecord>>> sku : closed.entrySet()) {
            rollUp(store, sku.getKey(), sku.getValue(),
                    stalledEvents.getOrDefault(sku.getKey(), List.of()));
        }
        settleOld(store, now);
    }

    private void rollUp(PendingStore store, String alias, TreeMap<Instant, List<UsageRecord>> hours,
                        List<UsageRecord> stalled) {
        Instant done = rolledThrough.get(alias);
        List<UsageRecord> late = new ArrayList<>();
        List<UsageRecord> fold = new ArrayList<>(stalled);
        for (Map.Entry<Instant, List<UsageRecord>> hour : hours.entrySet()) {
            if (done != null && !hour.getKey().isAfter(done)) {
                late.addAll(hour.getValue()); // an event for that hour is already ours
                continue;
            }
            List<UsageRecord> parts = new ArrayList<>(hour.getValue());
            parts.addAll(late);
            parts.addAll(fold);
            late.clear();
            fold.clear();
            long units = 0;
            for (UsageRecord part : parts) {
                units += part.quantity();
            }
            UsageRecord event = UsageRecord.seal(alias, parts.get(0).skuId(), units,
                    hour.getKey());
            store.rollUp(parts, event);
            done = hour.getKey();
            rolledThrough.put(alias, done);
        }
        // late records with no later closed hour yet wait for the next one to close
    }

    private void settleOld(PendingStore store, Instant now) {
        boolean near = false;
        for (PendingRecord old : store.pendingBefore(now.minus(WARN_AFTER))) {
            UsageRecord record = old.record();
            Instant hour = record.timestamp().truncatedTo(ChronoUnit.HOURS);
            Duration age = Duration.between(hour, now);
            if (age.compareTo(WARN_AFTER) > 0) {
                near = true;
            }
            if (old.isRolledUp() && old.possiblyReceived()
                    && age.compareTo(SETTLE_AFTER) > 0) {
                OneHourWindowPolicy.settleInDoubt(store, record, now, rebillInDoubt,
                        "resend within Azure's 24-hour limit");
            }
        }
        if (near && !warnedNearLimit) {
            LOG.error("usage more than " + WARN_AFTER.toHours() + " hours old is still not "
                    + "delivered to Azure, which refuses events older than 24 hours: check the "
                    + "delivery errors above; the status command shows what waits");
        }
        warnedNearLimit = near;
    }

    @Override
    public boolean sendable(PendingRecord record) {
        return record.isRolledUp();
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
