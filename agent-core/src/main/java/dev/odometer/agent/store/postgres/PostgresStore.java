package dev.odometer.agent.store.postgres;

import dev.odometer.agent.marketplace.RecordOutcome;
import dev.odometer.agent.record.UsageRecord;
import dev.odometer.agent.store.PendingRecord;
import dev.odometer.agent.store.RecordStore;
import dev.odometer.agent.store.SkuIdsNow;
import dev.odometer.agent.store.StoreUnavailableException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The cluster's record store: every node's sealed records in one PostgreSQL table, delivered
 * by the node that holds the {@link LeaderLease}.
 *
 * <p>Records arrive from each node's forwarder ({@link #add}: insert, or nothing if the uuid is
 * there, so forwarding twice stores once). Every change is one transaction and conditional on
 * the rows still being what the step expects (pending, not rolled up yet), so two nodes that
 * both believe they deliver can never turn one unit into two: the second step finds the rows
 * changed, changes nothing and fails. The attempt written before a send is, in addition, fenced
 * by the lease (see {@link LeaderLease}). A node that dies with a request in flight leaves its
 * attempt open: the record is in doubt, and the next holder sends it again under its uuid.
 */
public final class PostgresStore implements RecordStore {
    /** Settled rows are kept this long (for status and for a late answer), then pruned. */
    static final Duration RETENTION = Duration.ofDays(2);
    private static final Duration PRUNE_EVERY = Duration.ofMinutes(1);
    private static final int PAGE = 200;
    private static final String COLUMNS =
            "uuid, sku_alias, sku_id, quantity, ts, rolled_up, attempt_open OR in_doubt, seq";

    private final PostgresDatabase database;
    private final String nodeId;
    private final LeaderLease lease;
    private final String s;
    private long nextPruneNanos = System.nanoTime();

    /**
     * @param database the connection this store's caller (one thread) uses
     * @param nodeId   this node: records it adds are attributed to it
     * @param lease    fences the attempts this node writes
     */
    public PostgresStore(PostgresDatabase database, String nodeId, LeaderLease lease) {
        this.database = database;
        this.nodeId = nodeId;
        this.lease = lease;
        this.s = database.schema();
    }

    @Override
    public void add(List<UsageRecord> records) {
        add(records, nodeId);
    }

    /** Stores records sealed by {@code sealedBy}; a uuid already stored is left as it is. */
    public void add(List<UsageRecord> records, String sealedBy) {
        if (records.isEmpty()) {
            return;
        }
        database.inTransaction(connection -> {
            insert(connection, records, sealedBy, false);
            return null;
        });
    }

    /**
     * Stores records a journal held, as the journal knew them: an hour's event stays an event
     * (never rolled up again) and a record an attempt may have reached stays in doubt (sent
     * again only under its uuid). What a journal of an earlier, unclustered run left.
     */
    public void adopt(List<PendingRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        database.inTransaction(connection -> {
            insert(connection, records, nodeId);
            return null;
        });
    }

    private void insert(Connection connection, Collection<UsageRecord> records, String sealedBy,
                        boolean rolledUp) throws SQLException {
        List<PendingRecord> fresh = new ArrayList<>(records.size());
        for (UsageRecord record : records) {
            fresh.add(new PendingRecord(record, rolledUp, false));
        }
        insert(connection, fresh, sealedBy);
    }

    private void insert(Connection connection, List<PendingRecord> records, String sealedBy)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + s
                + ".records (uuid, sku_alias, sku_id, quantity, ts, node_id, rolled_up, "
                + "in_doubt) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (uuid) DO NOTHING")) {
            for (PendingRecord pending : records) {
                UsageRecord record = pending.record();
                insert.setObject(1, record.uuid());
                insert.setString(2, record.skuAlias());
                insert.setString(3, record.skuId());
                insert.setLong(4, record.quantity());
                insert.setObject(5, time(record.timestamp()));
                insert.setString(6, sealedBy);
                insert.setBoolean(7, pending.isRolledUp());
                insert.setBoolean(8, pending.possiblyReceived());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    @Override
    public List<PendingRecord> nextBatch(int max, Predicate<PendingRecord> wanted) {
        List<PendingRecord> batch = new ArrayList<>();
        if (!lease.held() || max <= 0) {
            return batch;
        }
        long after = Long.MIN_VALUE;
        while (batch.size() < max) {
            long from = after;
            List<long[]> seqs = new ArrayList<>();
            List<PendingRecord> page = database.inTransaction(connection -> {
                try (PreparedStatement query = connection.prepareStatement("SELECT " + COLUMNS
                        + " FROM " + s + ".records WHERE state = 'pending' AND seq > ? "
                        + "ORDER BY seq LIMIT " + PAGE)) {
                    query.setLong(1, from);
                    return read(query, seqs);
                }
            });
            for (PendingRecord candidate : page) {
                if (batch.size() < max && wanted.test(candidate)) {
                    batch.add(candidate);
                }
            }
            if (page.size() < PAGE) {
                break;
            }
            after = seqs.get(seqs.size() - 1)[0];
        }
        return batch;
    }

    @Override
    public List<PendingRecord> pendingBefore(Instant instant) {
        if (!lease.held()) {
            return new ArrayList<>();
        }
        return database.inTransaction(connection -> {
            try (PreparedStatement query = connection.prepareStatement("SELECT " + COLUMNS
                    + " FROM " + s + ".records WHERE state = 'pending' AND ts < ? ORDER BY seq")) {
                query.setObject(1, time(instant));
                return read(query, null);
            }
        });
    }

    private static List<PendingRecord> read(PreparedStatement query, List<long[]> seqs)
            throws SQLException {
        List<PendingRecord> records = new ArrayList<>();
        try (ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                UsageRecord record = new UsageRecord(rows.getObject(1, UUID.class),
                        rows.getString(2), rows.getString(3), rows.getLong(4),
                        rows.getObject(5, OffsetDateTime.class).toInstant());
                records.add(new PendingRecord(record, rows.getBoolean(6), rows.getBoolean(7)));
                if (seqs != null) {
                    seqs.add(new long[] {rows.getLong(8)});
                }
            }
        }
        return records;
    }

    /**
     * Writes the attempt before the send, only while this node holds the lease with more than
     * a send's bound left by the database's clock; otherwise changes nothing and throws.
     */
    @Override
    public void attempting(List<UsageRecord> records) {
        database.inTransaction(connection -> {
            int updated;
            try (PreparedStatement update = connection.prepareStatement("UPDATE " + s
                    + ".records SET in_doubt = in_doubt OR attempt_open, attempt_open = true, "
                    + "attempts = attempts + 1 WHERE uuid = ANY (?) AND state = 'pending' "
                    + "AND EXISTS (SELECT 1 FROM " + s + ".lease WHERE name = ? AND node_id = ? "
                    + "AND expires_at > now() + make_interval(secs => ?))")) {
                update.setArray(1, uuids(connection, records));
                update.setString(2, LeaderLease.NAME);
                update.setString(3, nodeId);
                update.setDouble(4, LeaderLease.SEND_BOUND.getSeconds());
                updated = update.executeUpdate();
            }
            if (updated != records.size()) {
                connection.rollback();
                throw new StoreUnavailableException(updated == 0
                        ? "node " + nodeId + " no longer holds the delivery lease (or not long "
                        + "enough for a send), so it sends nothing"
                        : "another node changed " + (records.size() - updated) + " of the "
                        + records.size() + " records about to be sent; the batch is made again");
            }
            return null;
        });
    }

    @Override
    public void attemptFailed(List<UsageRecord> records, boolean possiblyReceived) {
        if (possiblyReceived) {
            return; // the attempt stays open: in doubt
        }
        database.inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE " + s
                    + ".records SET attempt_open = false WHERE uuid = ANY (?) "
                    + "AND state = 'pending'")) {
                update.setArray(1, uuids(connection, records));
                return update.executeUpdate();
            }
        });
    }

    @Override
    public void answered(Map<UsageRecord, RecordOutcome> outcomes) {
        if (outcomes.isEmpty()) {
            return;
        }
        database.inTransaction(connection -> {
            try (PreparedStatement settle = connection.prepareStatement("UPDATE " + s
                    + ".records SET state = ?, outcome = ?, attempt_open = false, "
                    + "settled_at = now() WHERE uuid = ? AND state = 'pending'");
                 PreparedStatement retry = connection.prepareStatement("UPDATE " + s
                    + ".records SET in_doubt = in_doubt OR (attempt_open AND ?), "
                    + "attempt_open = false, outcome = ? WHERE uuid = ? AND state = 'pending'")) {
                for (Map.Entry<UsageRecord, RecordOutcome> answer : outcomes.entrySet()) {
                    RecordOutcome outcome = answer.getValue();
                    UUID uuid = answer.getKey().uuid();
                    if (outcome.isDelivered() || !(outcome.isRetryable()
                            || outcome.isSlotTaken())) {
                        settle.setString(1, outcome.isDelivered() ? "delivered" : "parked");
                        settle.setString(2, outcome.name());
                        settle.setObject(3, uuid);
                        settle.addBatch();
                    } else {
                        retry.setBoolean(1, outcome.possiblyStored());
                        retry.setString(2, outcome.name());
                        retry.setObject(3, uuid);
                        retry.addBatch();
                    }
                }
                settle.executeBatch();
                retry.executeBatch();
            }
            return null;
        });
    }

    @Override
    public void replace(UsageRecord old, UsageRecord fresh) {
        database.inTransaction(connection -> {
            close(connection, List.of(old), "REPLACED", null);
            insert(connection, List.of(fresh), sealedBy(connection, old), false);
            return null;
        });
    }

    @Override
    public void rollUp(List<UsageRecord> parts, UsageRecord whole) {
        database.inTransaction(connection -> {
            close(connection, parts, "ROLLED_UP", whole.uuid());
            insert(connection, List.of(whole), nodeId, true);
            try (PreparedStatement through = connection.prepareStatement("INSERT INTO " + s
                    + ".rolled_up_through AS r (dimension, hour) VALUES (?, ?) "
                    + "ON CONFLICT (dimension) DO UPDATE SET hour = GREATEST(r.hour, "
                    + "EXCLUDED.hour)")) {
                through.setString(1, whole.skuId());
                through.setObject(2, time(whole.timestamp().truncatedTo(ChronoUnit.HOURS)));
                through.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Instant rolledUpThrough(String dimension) {
        return database.inTransaction(connection -> {
            try (PreparedStatement query = connection.prepareStatement("SELECT hour FROM " + s
                    + ".rolled_up_through WHERE dimension = ?")) {
                query.setString(1, dimension);
                try (ResultSet rows = query.executeQuery()) {
                    return rows.next() ? rows.getObject(1, OffsetDateTime.class).toInstant()
                            : null;
                }
            }
        });
    }

    @Override
    public void moved(UsageRecord old, UsageRecord fresh, String why) {
        database.inTransaction(connection -> {
            String sealedBy = sealedBy(connection, old);
            close(connection, List.of(old), "MOVED", fresh.uuid());
            insert(connection, List.of(fresh), sealedBy, false);
            reconcile(connection, old, "moved", fresh, why);
            return null;
        });
    }

    @Override
    public void expiredInDoubt(UsageRecord record, UsageRecord rebilledAs) {
        database.inTransaction(connection -> {
            String sealedBy = sealedBy(connection, record);
            close(connection, List.of(record), "EXPIRED_IN_DOUBT",
                    rebilledAs == null ? null : rebilledAs.uuid());
            if (rebilledAs != null) {
                insert(connection, List.of(rebilledAs), sealedBy, false);
            }
            reconcile(connection, record, rebilledAs == null ? "dropped" : "rebilled",
                    rebilledAs, null);
            return null;
        });
    }

    /**
     * Seals again, under new uuids and the SKU ids {@code skuIds} now gives, the records parked
     * for a configuration error (or refused as a whole request): they were refused, so never
     * stored, and a fixed config is how they get billed. What the journal does at a restart;
     * the cluster does it when a node takes the lease.
     *
     * @return how many records were sealed again
     */
    public int reopenParkedForConfigErrors(Map<String, String> skuIds, Instant now) {
        return database.inTransaction(connection -> {
            List<Object[]> parked = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement("SELECT uuid, sku_alias, "
                    + "quantity, outcome, node_id FROM " + s + ".records WHERE state = 'parked' "
                    + "ORDER BY seq")) {
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        parked.add(new Object[] {rows.getObject(1, UUID.class), rows.getString(2),
                            rows.getLong(3), rows.getString(4), rows.getString(5)});
                    }
                }
            }
            int reopened = 0;
            for (Object[] row : parked) {
                String alias = (String) row[1];
                String skuId = SkuIdsNow.of(alias, skuIds);
                RecordOutcome outcome = outcomeOf((String) row[3]);
                if (skuId == null || outcome == null || !outcome.isTriedAgainAfterRestart()) {
                    continue;
                }
                UsageRecord fresh = UsageRecord.seal(alias, skuId, (Long) row[2], now);
                try (PreparedStatement close = connection.prepareStatement("UPDATE " + s
                        + ".records SET state = 'closed', outcome = 'REOPENED', part_of = ?, "
                        + "settled_at = now() WHERE uuid = ? AND state = 'parked'")) {
                    close.setObject(1, fresh.uuid());
                    close.setObject(2, row[0]);
                    if (close.executeUpdate() != 1) {
                        continue; // another node reopened it
                    }
                }
                insert(connection, List.of(fresh), (String) row[4], false);
                reopened++;
            }
            return reopened;
        });
    }

    private static RecordOutcome outcomeOf(String name) {
        try {
            return name == null ? null : RecordOutcome.valueOf(name);
        } catch (IllegalArgumentException unknown) {
            return null; // written by another version
        }
    }

    /** Closes pending rows, all of them or none (another node got there first). */
    private void close(Connection connection, List<UsageRecord> records, String outcome,
                       UUID into) throws SQLException {
        int updated;
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + s
                + ".records SET state = 'closed', outcome = ?, part_of = ?, attempt_open = false, "
                + "settled_at = now() WHERE uuid = ANY (?) AND state = 'pending'")) {
            update.setString(1, outcome);
            update.setObject(2, into);
            update.setArray(3, uuids(connection, records));
            updated = update.executeUpdate();
        }
        if (updated != records.size()) {
            connection.rollback();
            throw new StoreUnavailableException("another node changed " + (records.size()
                    - updated) + " of " + records.size() + " records first; nothing was "
                    + "changed here");
        }
    }

    private String sealedBy(Connection connection, UsageRecord record) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT node_id FROM " + s
                + ".records WHERE uuid = ?")) {
            query.setObject(1, record.uuid());
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? rows.getString(1) : nodeId;
            }
        }
    }

    private void reconcile(Connection connection, UsageRecord record, String decision,
                           UsageRecord replacement, String why) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + s
                + ".reconciliation (uuid, sku_alias, sku_id, quantity, ts, decision, "
                + "replacement, why, node_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setObject(1, record.uuid());
            insert.setString(2, record.skuAlias());
            insert.setString(3, record.skuId());
            insert.setLong(4, record.quantity());
            insert.setObject(5, time(record.timestamp()));
            insert.setString(6, decision);
            insert.setObject(7, replacement == null ? null : replacement.uuid());
            insert.setString(8, why);
            insert.setString(9, nodeId);
            insert.executeUpdate();
        }
    }

    /**
     * Prunes settled rows older than {@link #RETENTION} (at most once a minute), adding what
     * was delivered to the per SKU and node totals first, so the table stays bounded by what
     * waits plus two days of traffic; then refreshes the table's statistics.
     */
    @Override
    public void maintain() {
        if (System.nanoTime() - nextPruneNanos < 0) {
            return;
        }
        nextPruneNanos = System.nanoTime() + PRUNE_EVERY.toNanos();
        database.inTransaction(connection -> {
            OffsetDateTime cutoff = OffsetDateTime.now(ZoneOffset.UTC).minus(RETENTION);
            try (PreparedStatement fold = connection.prepareStatement("INSERT INTO " + s
                    + ".totals AS t (sku_alias, node_id, delivered_records, delivered_units) "
                    + "SELECT sku_alias, node_id, count(*), sum(quantity) FROM " + s
                    + ".records WHERE state = 'delivered' AND settled_at < ? "
                    + "GROUP BY sku_alias, node_id ON CONFLICT (sku_alias, node_id) DO UPDATE SET "
                    + "delivered_records = t.delivered_records + EXCLUDED.delivered_records, "
                    + "delivered_units = t.delivered_units + EXCLUDED.delivered_units");
                 PreparedStatement prune = connection.prepareStatement("DELETE FROM " + s
                    + ".records WHERE state IN ('delivered', 'closed') AND settled_at < ?")) {
                fold.setObject(1, cutoff);
                fold.executeUpdate();
                prune.setObject(1, cutoff);
                return prune.executeUpdate();
            }
        });
        // fresh statistics: after a burst (an outage's backlog arriving) the planner would
        // otherwise sort every pending row for each batch instead of reading the index in order
        database.inTransaction(connection -> {
            try (java.sql.Statement analyze = connection.createStatement()) {
                analyze.execute("ANALYZE " + s + ".records");
            }
            return null;
        });
    }

    @Override
    public int pendingRecords() {
        return (int) counts()[0];
    }

    @Override
    public long pendingUnits() {
        return counts()[1];
    }

    @Override
    public int parkedRecords() {
        return (int) counts()[2];
    }

    /** Pending records, pending units, parked records: one query. */
    public long[] counts() {
        return database.inTransaction(connection -> {
            try (PreparedStatement query = connection.prepareStatement("SELECT "
                    + "count(*) FILTER (WHERE state = 'pending'), "
                    + "COALESCE(sum(quantity) FILTER (WHERE state = 'pending'), 0), "
                    + "count(*) FILTER (WHERE state = 'parked') FROM " + s + ".records "
                    + "WHERE state IN ('pending', 'parked')");
                 ResultSet rows = query.executeQuery()) {
                rows.next();
                return new long[] {rows.getLong(1), rows.getLong(2), rows.getLong(3)};
            }
        });
    }

    private static Array uuids(Connection connection, Collection<UsageRecord> records)
            throws SQLException {
        UUID[] uuids = new UUID[records.size()];
        int i = 0;
        for (UsageRecord record : records) {
            uuids[i++] = record.uuid();
        }
        return connection.createArrayOf("uuid", uuids);
    }

    /** PostgreSQL keeps microseconds; so does the record from the moment it is stored. */
    private static OffsetDateTime time(Instant instant) {
        return OffsetDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    }
}
