package dev.odometer.agent.journal;

import dev.odometer.agent.record.UsageRecord;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The journal's entries and their binary form. Each is one type byte and its fields, written
 * with {@link DataOutputStream}; the framing (length, checksum) is {@link JournalFile}'s job.
 */
final class Entry {
    static final byte SEALED = 1;
    static final byte ATTEMPT = 2;
    static final byte NOT_RECEIVED = 3;
    static final byte OUTCOME = 4;
    static final byte REPLACED = 5;
    static final byte EXPIRED_IN_DOUBT = 6;
    static final byte TOTALS = 7;
    static final byte SNAPSHOT = 8;
    static final byte ROLLED_UP = 9;
    static final byte RENEWED = 10;
    static final byte ROLLED_UP_INTO = 11;
    static final byte SETTLED_IN_DOUBT = 12;
    static final byte OUTCOMES = 13;
    static final byte WATERMARKS = 14;
    static final byte ADOPTED = 15;

    private Entry() {
    }

    /** A record was sealed (or renewed): it must be delivered. */
    static byte[] sealed(UsageRecord record) {
        return write(out -> {
            out.writeByte(SEALED);
            writeRecord(out, record);
        });
    }

    /** These records are about to be sent. */
    static byte[] attempt(List<UsageRecord> records) {
        return uuids(ATTEMPT, records);
    }

    /** The last attempt for these records provably did not reach the marketplace. */
    static byte[] notReceived(List<UsageRecord> records) {
        return uuids(NOT_RECEIVED, records);
    }

    /** The marketplace answered for the record (delivered or parked, by outcome). */
    static byte[] outcome(UUID uuid, String outcome) {
        return write(out -> {
            out.writeByte(OUTCOME);
            writeUuid(out, uuid);
            out.writeUTF(outcome);
        });
    }

    /*
     * A step that changes more than one record is one entry, so replay applies it whole or, if
     * the entry is torn or damaged, not at all. (Journals of earlier versions wrote such steps
     * as a SEALED entry and a link entry, REPLACED, ROLLED_UP or EXPIRED_IN_DOUBT; those are
     * still read.)
     */

    /** A record never received was sealed again as {@code fresh}, a new uuid: one step. */
    static byte[] renewed(UUID old, UsageRecord fresh) {
        return write(out -> {
            out.writeByte(RENEWED);
            writeUuid(out, old);
            writeRecord(out, fresh);
        });
    }

    /**
     * A record still in doubt expired: dropped, or billed again as {@code rebilledAs} (sealed
     * by this same entry): one step.
     */
    static byte[] settledInDoubt(UUID uuid, UsageRecord rebilledAs) {
        return write(out -> {
            out.writeByte(SETTLED_IN_DOUBT);
            writeUuid(out, uuid);
            out.writeBoolean(rebilledAs != null);
            if (rebilledAs != null) {
                writeRecord(out, rebilledAs);
            }
        });
    }

    /** {@code parts} were replaced by {@code whole}, sealed by this same entry: one step. */
    static byte[] rolledUpInto(UsageRecord whole, List<UsageRecord> parts) {
        return write(out -> {
            out.writeByte(ROLLED_UP_INTO);
            writeRecord(out, whole);
            out.writeInt(parts.size());
            for (UsageRecord part : parts) {
                writeUuid(out, part.uuid());
            }
        });
    }

    /**
     * The marketplace's answers to one batch, record by record (delivered, parked, or to be
     * resent), written as one entry so a batch costs one forced write.
     */
    static byte[] outcomes(Map<UUID, String> outcomes) {
        return write(out -> {
            out.writeByte(OUTCOMES);
            out.writeInt(outcomes.size());
            for (Map.Entry<UUID, String> e : outcomes.entrySet()) {
                writeUuid(out, e.getKey());
                out.writeUTF(e.getValue());
            }
        });
    }

    /** The latest hour rolled up per dimension, carried over by compaction. */
    static byte[] watermarks(Map<String, Instant> rolledThrough) {
        return write(out -> {
            out.writeByte(WATERMARKS);
            out.writeInt(rolledThrough.size());
            for (Map.Entry<String, Instant> e : rolledThrough.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeLong(e.getValue().getEpochSecond());
            }
        });
    }

    /** Delivered totals per SKU alias, carried over by compaction. */
    static byte[] totals(Map<String, JournalState.Delivered> delivered) {
        return write(out -> {
            out.writeByte(TOTALS);
            out.writeInt(delivered.size());
            for (Map.Entry<String, JournalState.Delivered> e : delivered.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeLong(e.getValue().units);
                out.writeLong(e.getValue().records);
            }
        });
    }

    /** A live record's whole state, as compaction writes it. */
    static byte[] snapshot(JournalState.Live live) {
        return write(out -> {
            out.writeByte(SNAPSHOT);
            writeLive(out, live);
        });
    }

    /**
     * Live records taken over from the journal of a process that is gone ({@code source}),
     * with their whole state; replay adds those it does not have yet, so a takeover cut short
     * by a crash is completed, not doubled, by the next one.
     */
    static byte[] adopted(String source, List<JournalState.Live> lives) {
        return write(out -> {
            out.writeByte(ADOPTED);
            out.writeUTF(source);
            out.writeInt(lives.size());
            for (JournalState.Live live : lives) {
                writeLive(out, live);
            }
        });
    }

    /** The size {@link #adopted} takes for one record, roughly, to cut takeovers in chunks. */
    static int adoptedSize(JournalState.Live live) {
        return 64 + live.record.skuAlias().length() * 3 + live.record.skuId().length() * 3
                + (live.parkedAs == null ? 0 : live.parkedAs.length());
    }

    private static void writeLive(DataOutputStream out, JournalState.Live live)
            throws IOException {
        writeRecord(out, live.record);
        out.writeBoolean(live.possiblyReceived());
        out.writeUTF(live.parkedAs == null ? "" : live.parkedAs);
        out.writeBoolean(live.rolledUp);
    }

    static void writeRecord(DataOutputStream out, UsageRecord record) throws IOException {
        writeUuid(out, record.uuid());
        out.writeUTF(record.skuAlias());
        out.writeUTF(record.skuId());
        out.writeLong(record.quantity());
        out.writeLong(record.timestamp().getEpochSecond());
        out.writeInt(record.timestamp().getNano());
    }

    static UsageRecord readRecord(DataInputStream in) throws IOException {
        UUID uuid = readUuid(in);
        String alias = in.readUTF();
        String skuId = in.readUTF();
        long quantity = in.readLong();
        Instant timestamp = Instant.ofEpochSecond(in.readLong(), in.readInt());
        return new UsageRecord(uuid, alias, skuId, quantity, timestamp);
    }

    /** A count of what follows in an entry, checked against the entry size limit. */
    static int readCount(DataInputStream in) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > JournalFile.MAX_ENTRY / 16) {
            throw new IOException("implausible count " + count);
        }
        return count;
    }

    static List<UUID> readUuids(DataInputStream in) throws IOException {
        int count = readCount(in);
        List<UUID> uuids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            uuids.add(readUuid(in));
        }
        return uuids;
    }

    static UUID readUuid(DataInputStream in) throws IOException {
        return new UUID(in.readLong(), in.readLong());
    }

    private static void writeUuid(DataOutputStream out, UUID uuid) throws IOException {
        out.writeLong(uuid.getMostSignificantBits());
        out.writeLong(uuid.getLeastSignificantBits());
    }

    private static byte[] uuids(byte type, List<UsageRecord> records) {
        return write(out -> {
            out.writeByte(type);
            out.writeInt(records.size());
            for (UsageRecord record : records) {
                writeUuid(out, record.uuid());
            }
        });
    }

    private interface Writer {
        void to(DataOutputStream out) throws IOException;
    }

    private static byte[] write(Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writer.to(out);
        } catch (IOException impossible) {
            throw new IllegalStateException(impossible);
        }
        return bytes.toByteArray();
    }
}
