package dev.odometer.agent.journal;

import dev.odometer.agent.store.PendingRecord;
import dev.odometer.agent.marketplace.RecordOutcome;
import dev.odometer.agent.record.UsageRecord;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * What the journal's entries add up to: the records not yet settled (pending or parked), with
 * whether each may already have reached the marketplace, the units delivered per SKU, and the
 * latest hour rolled up per dimension. Replaying the entries in order rebuilds it after a
 * restart; the running journal keeps it up to date with the same rules ({@link #apply}).
 *
 * <p>Pending records are kept in journal order and indexed by time, so handing out the next
 * batch or the records older than some instant costs what is handed out, not the backlog.
 */
final class JournalState {
    /** A record that is not settled yet. */
    static final class Live {
        final UsageRecord record;
        /** Order of arrival, to break ties in the time index. */
        final long sequence;
        /** An attempt was started and has not been proven to have missed the marketplace. */
        boolean attemptOpen;
        /** Some earlier attempt may have reached the marketplace. */
        boolean inDoubt;
        /** The outcome it was parked with, or null while it is pending. */
        String parkedAs;
        /** Made by rolling other records up (an Azure hour). */
        boolean rolledUp;

        Live(UsageRecord record, long sequence) {
            this.record = record;
            this.sequence = sequence;
        }

        boolean possiblyReceived() {
            return inDoubt || attemptOpen;
        }

        boolean isPending() {
            return parkedAs == null;
        }

        PendingRecord view() {
            return new PendingRecord(record, rolledUp, possiblyReceived());
        }
    }

    /** Units and records delivered for one SKU alias. */
    static final class Delivered {
        long units;
        long records;
    }

    private static final Comparator<Live> BY_TIME = Comparator
            .comparing((Live l) -> l.record.timestamp()).thenComparingLong(l -> l.sequence);

    /** Every record not settled, pending or parked. */
    final Map<UUID, Live> live = new HashMap<>();
    /** The pending ones, in journal order. */
    private final Map<UUID, Live> pending = new LinkedHashMap<>();
    /** The pending ones, by timestamp. */
    private final NavigableSet<Live> pendingByTime = new TreeSet<>(BY_TIME);
    final Map<String, Delivered> delivered = new TreeMap<>();
    /** Per dimension (SKU id), the latest hour rolled up into one event. */
    final Map<String, Instant> rolledThrough = new TreeMap<>();
    private long sequence;
    private long pendingUnits;

    /** Applies one entry's payload; throws when it cannot be decoded. */
    void apply(byte[] payload) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
        byte type = in.readByte();
        switch (type) {
            case Entry.SEALED:
                sealed(Entry.readRecord(in));
                break;
            case Entry.ATTEMPT:
                for (UUID uuid : Entry.readUuids(in)) {
                    attempting(uuid);
                }
                break;
            case Entry.NOT_RECEIVED:
                for (UUID uuid : Entry.readUuids(in)) {
                    notReceived(uuid);
                }
                break;
            case Entry.OUTCOME:
                outcome(Entry.readUuid(in), in.readUTF());
                break;
            case Entry.OUTCOMES:
                int answers = Entry.readCount(in);
                for (int i = 0; i < answers; i++) {
                    outcome(Entry.readUuid(in), in.readUTF());
                }
                break;
            case Entry.REPLACED:
                UUID old = Entry.readUuid(in);
                Entry.readUuid(in); // the replacement has a SEALED entry of its own
                remove(old);
                break;
            case Entry.EXPIRED_IN_DOUBT:
                remove(Entry.readUuid(in));
                break;
            case Entry.TOTALS:
                int count = in.readInt();
                for (int i = 0; i < count; i++) {
                    Delivered d = delivered.computeIfAbsent(in.readUTF(), k -> new Delivered());
                    d.units += in.readLong();
                    d.records += in.readLong();
                }
                break;
            case Entry.SNAPSHOT:
                put(readLive(in));
                break;
            case Entry.ADOPTED:
                in.readUTF(); // the source, for people reading a dump
                int adopted = Entry.readCount(in);
                for (int i = 0; i < adopted; i++) {
                    adopt(readLive(in));
                }
                break;
            case Entry.ROLLED_UP:
                UUID whole = Entry.readUuid(in);
                for (UUID part : Entry.readUuids(in)) {
                    remove(part);
                }
                Live rolled = live.get(whole);
                if (rolled != null) {
                    rolled.rolledUp = true;
                    watermark(rolled.record);
                }
                break;
            case Entry.RENEWED:
                renewed(Entry.readUuid(in), Entry.readRecord(in));
                break;
            case Entry.ROLLED_UP_INTO:
                UsageRecord event = Entry.readRecord(in);
                rolledUp(Entry.readUuids(in), event);
                break;
            case Entry.SETTLED_IN_DOUBT:
                UUID settled = Entry.readUuid(in);
                settledInDoubt(settled, in.readBoolean() ? Entry.readRecord(in) : null);
                break;
            case Entry.WATERMARKS:
                int dimensions = Entry.readCount(in);
                for (int i = 0; i < dimensions; i++) {
                    String dimension = in.readUTF();
                    rolledThrough.merge(dimension, Instant.ofEpochSecond(in.readLong()),
                            JournalState::later);
                }
                break;
            default:
                throw new IOException("unknown entry type " + type);
        }
    }

    private Live readLive(DataInputStream in) throws IOException {
        Live l = new Live(Entry.readRecord(in), sequence++);
        l.inDoubt = in.readBoolean();
        String parked = in.readUTF();
        l.parkedAs = parked.isEmpty() ? null : parked;
        l.rolledUp = in.readBoolean();
        return l;
    }

    /** Takes over a record from another journal, unless it is here already. */
    boolean adopt(Live other) {
        if (live.containsKey(other.record.uuid())) {
            return false;
        }
        Live l = new Live(other.record, sequence++);
        l.inDoubt = other.possiblyReceived();
        l.parkedAs = other.parkedAs;
        l.rolledUp = other.rolledUp;
        put(l);
        return true;
    }

    void sealed(UsageRecord record) {
        if (!live.containsKey(record.uuid())) {
            put(new Live(record, sequence++));
        }
    }

    void renewed(UUID old, UsageRecord fresh) {
        remove(old);
        sealed(fresh);
    }

    void rolledUp(List<UUID> parts, UsageRecord whole) {
        for (UUID part : parts) {
            remove(part);
        }
        sealed(whole);
        live.get(whole.uuid()).rolledUp = true;
        watermark(whole);
    }

    void settledInDoubt(UUID uuid, UsageRecord rebilledAs) {
        remove(uuid);
        if (rebilledAs != null) {
            sealed(rebilledAs);
        }
    }

    void attempting(UUID uuid) {
        Live l = live.get(uuid);
        if (l != null) {
            if (l.attemptOpen) {
                l.inDoubt = true; // the previous attempt never learnt its fate
            }
            l.attemptOpen = true;
        }
    }

    void notReceived(UUID uuid) {
        Live l = live.get(uuid);
        if (l != null) {
            l.attemptOpen = false;
        }
    }

    /** Applies an answer; returns the record when it is now delivered. */
    Live outcome(UUID uuid, String outcomeName) {
        Live l = live.get(uuid);
        if (l == null) {
            return null;
        }
        RecordOutcome outcome = outcomeOf(outcomeName);
        if (outcome != null && outcome.isDelivered()) {
            remove(uuid);
            Delivered d = delivered.computeIfAbsent(l.record.skuAlias(), k -> new Delivered());
            d.units += l.record.quantity();
            d.records++;
            return l;
        }
        if (outcome != null && outcome.isSlotTaken()) {
            l.attemptOpen = false; // provably not stored; the policy moves its units
            return null;
        }
        if (outcome != null && outcome.isRetryable()) {
            if (outcome.possiblyStored() && l.attemptOpen) {
                l.inDoubt = true;
            }
            l.attemptOpen = false;
            return null;
        }
        l.attemptOpen = false;
        park(l, outcomeName);
        return null;
    }

    /** Up to {@code max} pending records {@code wanted} accepts, in journal order. */
    List<PendingRecord> pending(int max, Predicate<PendingRecord> wanted) {
        List<PendingRecord> batch = new ArrayList<>(Math.min(max, 32));
        for (Live l : pending.values()) {
            if (batch.size() >= max) {
                break;
            }
            PendingRecord view = l.view();
            if (wanted.test(view)) {
                batch.add(view);
            }
        }
        return batch;
    }

    /** The pending records stamped before {@code instant}, oldest first. */
    List<PendingRecord> pendingBefore(Instant instant) {
        List<PendingRecord> old = new ArrayList<>();
        for (Live l : pendingByTime) {
            if (!l.record.timestamp().isBefore(instant)) {
                break;
            }
            old.add(l.view());
        }
        return old;
    }

    int pendingRecords() {
        return pending.size();
    }

    long pendingUnits() {
        return pendingUnits;
    }

    int parkedRecords() {
        return live.size() - pending.size();
    }

    Collection<Live> lives() {
        return Collections.unmodifiableCollection(live.values());
    }

    /** Every live record, pending ones in journal order first, then the parked ones. */
    List<Live> livesInOrder() {
        List<Live> all = new ArrayList<>(pending.values());
        for (Live l : live.values()) {
            if (!l.isPending()) {
                all.add(l);
            }
        }
        return all;
    }

    Live get(UUID uuid) {
        return live.get(uuid);
    }

    /** Parks a live record with an outcome (or the name of one this version does not know). */
    void park(Live l, String outcomeName) {
        if (l.isPending()) {
            pending.remove(l.record.uuid());
            pendingByTime.remove(l);
            pendingUnits -= l.record.quantity();
        }
        l.parkedAs = outcomeName;
    }

    void remove(UUID uuid) {
        Live l = live.remove(uuid);
        if (l != null && l.isPending()) {
            pending.remove(uuid);
            pendingByTime.remove(l);
            pendingUnits -= l.record.quantity();
        }
    }

    private void put(Live l) {
        Live previous = live.put(l.record.uuid(), l);
        if (previous != null && previous.isPending()) {
            pending.remove(previous.record.uuid());
            pendingByTime.remove(previous);
            pendingUnits -= previous.record.quantity();
        }
        if (l.isPending()) {
            pending.put(l.record.uuid(), l);
            pendingByTime.add(l);
            pendingUnits += l.record.quantity();
        }
    }

    private void watermark(UsageRecord event) {
        rolledThrough.merge(event.skuId(), event.timestamp().truncatedTo(ChronoUnit.HOURS),
                JournalState::later);
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    static RecordOutcome outcomeOf(String name) {
        try {
            return RecordOutcome.valueOf(name);
        } catch (IllegalArgumentException unknown) {
            return null;
        }
    }
}
