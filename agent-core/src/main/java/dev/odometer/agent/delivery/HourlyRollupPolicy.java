package dev.odometer.agent.delivery;

import dev.odometer.agent.store.PendingRecord;
import dev.odometer.agent.store.RecordStore;
import dev.odometer.agent.log.AgentLog;
import dev.odometer.agent.record.UsageRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Azure's rules: one event per resource, dimension and calendar hour (a second is a
 * Duplicate), sent after the hour closes, at most 24 hours old.
 *
 * <p>The records sealed during an hour stay in the journal (the partial hour survives a
 * restart); once the hour has closed they are rolled up, per dimension (whatever SKU alias
 * counted them: aliases may share a dimension), into one record stamped at the hour's start,
 * and only such records are sent. The store remembers, durably, the latest hour rolled up per
 * dimension: a record sealed late for an hour already rolled up (before a restart too) joins
 * the first hour after it instead, and an hour whose event provably never reached Azure for
 * over an hour joins the next hour's event, as Azure's FAQ advises. An event Azure answers
 * Duplicate with another quantity (someone else's event holds the hour) moves to the next
 * hour. An event still in doubt near 24 hours follows the in-doubt policy.
 */
final class HourlyRollupPolicy implements DeliveryPolicy {
    /** Records of an hour are all sealed shortly after it ends; wait that long. */
    static final Duration GRACE = Duration.ofMinutes(1);
    static final Duration WARN_AFTER = Duration.ofHours(20);
    static final Duration SETTLE_AFTER = Duration.ofHours(23);
    private static final Duration HOUR = Duration.ofHours(1);
    private static final AgentLog LOG = AgentLog.forClass(DeliveryLoop.class);

    private final boolean rebillInDoubt;
    private boolean warnedNearLimit;

    HourlyRollupPolicy(boolean rebillInDoubt) {
        this.rebillInDoubt = rebillInDoubt;
    }

    @Override
    public void beforeBatch(RecordStore store, Instant now) {
        Instant open = now.minus(GRACE).truncatedTo(ChronoUnit.HOURS);
        // the parts of closed hours, and the events, which are stamped at their closed hour
        Map<String, List<UsageRecord>> closedParts = new TreeMap<>();
        Map<String, List<UsageRecord>> stalledEvents = new HashMap<>();
        for (PendingRecord candidate : store.pendingBefore(open)) {
            UsageRecord record = candidate.record();
            if (candidate.isRolledUp()) {
                if (!candidate.possiblyReceived()
                        && hourOf(record).plus(Duration.ofHours(2)).isBefore(now)) {
                    stalledEvents.computeIfAbsent(record.skuId(), k -> new ArrayList<>())
                            .add(record);
                }
                continue;
            }
            closedParts.computeIfAbsent(record.skuId(), k -> new ArrayList<>()).add(record);
        }
        for (Map.Entry<String, List<UsageRecord>> dimension : closedParts.entrySet()) {
            rollUp(store, dimension.getKey(), dimension.getValue(), open,
                    stalledEvents.getOrDefault(dimension.getKey(), List.of()));
        }
        settleOld(store, now);
    }

    /**
     * Rolls the closed parts of one dimension up into one event per hour. A part of an hour
     * already rolled up goes to the first hour after the latest one rolled up, once that hour
     * has closed; stalled events join the first event made.
     */
    private void rollUp(RecordStore store, String dimension, List<UsageRecord> parts,
                        Instant open, List<UsageRecord> stalled) {
        Instant done = store.rolledUpThrough(dimension);
        TreeMap<Instant, List<UsageRecord>> byHour = new TreeMap<>();
        for (UsageRecord part : parts) {
            Instant hour = hourOf(part);
            if (done != null && !hour.isAfter(done)) {
                hour = done.plus(HOUR); // an event for that hour is already ours
            }
            if (hour.isBefore(open)) {
                byHour.computeIfAbsent(hour, k -> new ArrayList<>()).add(part);
            }
            // else: late, and the hour after the latest rolled up is still open: it waits
        }
        List<UsageRecord> fold = new ArrayList<>(stalled);
        for (Map.Entry<Instant, List<UsageRecord>> hour : byHour.entrySet()) {
            List<UsageRecord> rolled = new ArrayList<>(hour.getValue());
            rolled.addAll(fold);
            fold.clear();
            long units = 0;
            for (UsageRecord part : rolled) {
                units += part.quantity();
            }
            store.rollUp(rolled, UsageRecord.seal(aliasOf(rolled), dimension, units,
                    hour.getKey()));
        }
    }

    /** The SKU alias of an event: its parts' alias, or theirs joined with '+' when they differ. */
    private static String aliasOf(List<UsageRecord> parts) {
        TreeSet<String> aliases = new TreeSet<>();
        for (UsageRecord part : parts) {
            aliases.addAll(Arrays.asList(part.skuAlias().split("\\+")));
        }
        return String.join("+", aliases);
    }

    private void settleOld(RecordStore store, Instant now) {
        boolean near = false;
        for (PendingRecord old : store.pendingBefore(now.minus(WARN_AFTER))) {
            UsageRecord record = old.record();
            Duration age = Duration.between(hourOf(record), now);
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

    /** Azure takes one event per dimension and hour in a batch, too. */
    @Override
    public Object batchKey(UsageRecord record) {
        return record.skuId() + "@" + hourOf(record);
    }

    /**
     * Azure answered Duplicate for the event, but holds another quantity for its dimension and
     * hour: the event was not stored. Its units become a part of the next hour, which rolls
     * them into that hour's event (or, if that one is rolled up already, the first after it).
     */
    @Override
    public void slotTaken(RecordStore store, UsageRecord event, String why) {
        Instant next = hourOf(event).plus(HOUR);
        UsageRecord part = UsageRecord.seal(event.skuAlias(), event.skuId(), event.quantity(),
                next);
        store.moved(event, part, why);
        LOG.warn("Azure already holds an event of another quantity for dimension '"
                + event.skuId() + "' in the hour " + hourOf(event) + " (" + why + "), so this "
                + "event's " + event.quantity() + " units (SKU '" + event.skuAlias() + "') were not "
                + "billed there: they move to the next hour's event. Another process or replica "
                + "reports for the same resource; the move is listed in the reconciliation file");
    }

    private static Instant hourOf(UsageRecord record) {
        return record.timestamp().truncatedTo(ChronoUnit.HOURS);
    }
}
