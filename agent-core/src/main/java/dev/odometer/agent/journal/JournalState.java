package dev.odometer.agent.journal;

import dev.odometer.agent.marketplace.RecordOutcome;
import dev.odometer.agent.record.UsageRecord;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * What the journal's entries add up to: the records not yet settled (pending or parked), with
 * whether each may already have reached the marketplace, and the units delivered per SKU.
 * Replaying the entries in order rebuilds it after a restart; the running journal keeps it up
 * to date with the same rules ({@link #apply}).
 */
final class JournalState {
    /** A record that is not settled yet. */
    static final class Live {
        final UsageRecord record;
        /** An attempt was started and has not been proven to have missed the marketplace. */
        boolean attemptOpen;
        /** Some earlier attempt may have reached the marketplace. */
        boolean inDoubt;
        /** The outcome it was parked with, or null while it is pending. */
        String parkedAs;
        /** Made by rolling other records up (an Azure hour). */
        boolean rolledUp;

        Live(UsageRecord record) {
            this.record = record;
        }

        boolean possiblyReceived() {
            return inDoubt || attemptOpen;
        }

        boolean isPending() {
            return parkedAs == null;
        }
    }

    /** Units and records delivered for one SKU alias. */
    static final class Delivered {
        long units;
        long records;
    }

    final Map<UUID, Live> live = new LinkedHashMap<>();
    final Map<String, Delivered> delivered = new TreeMap<>();

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
            case Entry.REPLACED:
                UUID old = Entry.readUuid(in);
                Entry.readUuid(in); // the replacement has a SEALED entry of its own
                live.remove(old);
                break;
            case Entry.EXPIRED_IN_DOUBT:
                live.remove(Entry.readUuid(in));
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
                Live snapshot = new Live(Entry.readRecord(in));
                snapshot.inDoubt = in.readBoolean();
                String parked = in.readUTF();
                snapshot.parkedAs = parked.isEmpty() ? null : parked;
                snapshot.rolledUp = in.readBoolean();
                live.put(snapshot.record.uuid(), snapshot);
                break;
            case Entry.ROLLED_UP:
                UUID whole = Entry.readUuid(in);
                for (UUID part : Entry.readUuids(in)) {
                    live.remove(part);
                }
                Live rolled = live.get(whole);
                if (rolled != null) {
                    rolled.rolledUp = true;
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
            default:
                throw new IOException("unknown entry type " + type);
        }
    }

    void sealed(UsageRecord record) {
        live.putIfAbsent(record.uuid(), new Live(record));
    }

    void renewed(UUID old, UsageRecord fresh) {
        live.remove(old);
        sealed(fresh);
    }

    void rolledUp(List<UUID> parts, UsageRecord whole) {
        for (UUID part : parts) {
            live.remove(part);
        }
        sealed(whole);
        live.get(whole.uuid()).rolledUp = true;
    }

    void settledInDoubt(UUID uuid, UsageRecord rebilledAs) {
        live.remove(uuid);
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
            live.remove(uuid);
            Delivered d = delivered.computeIfAbsent(l.record.skuAlias(), k -> new Delivered());
            d.units += l.record.quantity();
            d.records++;
            return l;
        }
        if (outcome == null || !outcome.isRetryable()) {
            l.parkedAs = outcomeName;
        }
        l.attemptOpen = false;
        return null;
    }

    /** Records to send, oldest first. */
    List<UsageRecord> pending(int max) {
        List<UsageRecord> batch = new ArrayList<>();
        for (Live l : live.values()) {
            if (batch.size() >= max) {
                break;
            }
            if (l.isPending()) {
                batch.add(l.record);
            }
        }
        return batch;
    }

    Collection<Live> lives() {
        return live.values();
    }

    static RecordOutcome outcomeOf(String name) {
        try {
            return RecordOutcome.valueOf(name);
        } catch (IllegalArgumentException unknown) {
            return null;
        }
    }
}
