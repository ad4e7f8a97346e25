package dev.odometer.agent.store.postgres;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;

/**
 * Which node delivers: a row in {@code lease} names the holder and until when, by the
 * database's clock. The holder renews it every few seconds; a node takes it only once it has
 * expired, and a node that stops hands it back at once.
 *
 * <p>Why a lease row, not {@code pg_advisory_lock} or row claims: an advisory lock belongs to
 * a session, so it breaks behind a transaction-pooling PgBouncer, outlives a half-dead TCP
 * connection until keepalive notices, and is invisible to {@code status}; the row has an
 * explicit expiry and a visible holder. Row claims ({@code FOR UPDATE SKIP LOCKED}) would let
 * every node send, but Azure's one event per dimension and hour needs one node that sees every
 * node's records of the hour, and one sender is far from the limit of what a node can deliver
 * (see docs/ARCHITECTURE.md).
 *
 * <p>The lease fences sending, not only reading: {@link PostgresStore#attempting} records an
 * attempt only while this node holds the lease with more than {@link #SEND_BOUND} left. An
 * HTTP call is bounded by {@link #SEND_BOUND} (see the marketplace clients), so a request the
 * holder has sent has ended before the lease can pass to another node: no record is ever in
 * flight from two nodes at once, even when the holder stalls (a long GC pause) past its lease.
 */
public final class LeaderLease {
    static final String NAME = "delivery";
    /** How long the HTTP call of a send may take at most (connect + write + read: 30 s) plus margin. */
    static final Duration SEND_BOUND = Duration.ofSeconds(35);
    /** The lease's life: the send bound plus time for ten renewals. */
    public static final Duration TTL = Duration.ofSeconds(45);
    /** Stop reading as holder this long before the lease would expire by the local clock. */
    private static final Duration LOCAL_MARGIN = Duration.ofSeconds(5);

    private final PostgresDatabase database;
    private final String nodeId;
    private final Duration ttl;
    private volatile long heldUntilNanos = System.nanoTime();
    private volatile boolean held;

    public LeaderLease(PostgresDatabase database, String nodeId) {
        this(database, nodeId, TTL);
    }

    LeaderLease(PostgresDatabase database, String nodeId, Duration ttl) {
        this.database = database;
        this.nodeId = nodeId;
        this.ttl = ttl;
    }

    /** This node's id. */
    public String nodeId() {
        return nodeId;
    }

    /**
     * Renews the lease if this node holds it, takes it if it is free or expired; whether this
     * node holds it now.
     */
    public boolean tryAcquireOrRenew() {
        long started = System.nanoTime();
        String s = database.schema();
        boolean ours = database.inTransaction(connection -> {
            try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO " + s
                    + ".lease AS l (name, node_id, epoch, expires_at, renewed_at) "
                    + "VALUES (?, ?, 1, now() + make_interval(secs => ?), now()) "
                    + "ON CONFLICT (name) DO UPDATE SET node_id = EXCLUDED.node_id, "
                    + "epoch = CASE WHEN l.node_id = EXCLUDED.node_id THEN l.epoch "
                    + "ELSE l.epoch + 1 END, expires_at = EXCLUDED.expires_at, renewed_at = now() "
                    + "WHERE l.node_id = EXCLUDED.node_id OR l.expires_at < now() "
                    + "RETURNING node_id")) {
                upsert.setString(1, NAME);
                upsert.setString(2, nodeId);
                upsert.setDouble(3, ttl.toMillis() / 1000.0);
                try (ResultSet rows = upsert.executeQuery()) {
                    return rows.next();
                }
            }
        });
        // counted from before the statement: the database's expiry is later than this
        heldUntilNanos = started + ttl.toNanos() - LOCAL_MARGIN.toNanos();
        held = ours;
        return ours;
    }

    /** Whether this node holds the lease, by its last renewal and its own clock. */
    public boolean held() {
        return held && System.nanoTime() - heldUntilNanos < 0;
    }

    /** Hands the lease back if this node holds it, so another node delivers at once. */
    public void release() {
        if (!held) {
            return;
        }
        held = false;
        String s = database.schema();
        database.inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE " + s
                    + ".lease SET expires_at = now() - interval '1 second' "
                    + "WHERE name = ? AND node_id = ?")) {
                update.setString(1, NAME);
                update.setString(2, nodeId);
                return update.executeUpdate();
            }
        });
    }

    /** Says this node is alive (and whether it delivers), for {@code status}. */
    public void heartbeat() {
        String s = database.schema();
        boolean delivers = held();
        database.inTransaction(connection -> {
            try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO " + s
                    + ".nodes (node_id, started_at, last_seen, delivers) "
                    + "VALUES (?, now(), now(), ?) ON CONFLICT (node_id) DO UPDATE SET "
                    + "last_seen = now(), delivers = EXCLUDED.delivers")) {
                upsert.setString(1, nodeId);
                upsert.setBoolean(2, delivers);
                return upsert.executeUpdate();
            }
        });
    }

    /** The node that holds the lease now, or null when none does. */
    public String holder() {
        String s = database.schema();
        return database.inTransaction(connection -> {
            try (PreparedStatement query = connection.prepareStatement("SELECT node_id FROM " + s
                    + ".lease WHERE name = ? AND expires_at > now()")) {
                query.setString(1, NAME);
                try (ResultSet rows = query.executeQuery()) {
                    return rows.next() ? rows.getString(1) : null;
                }
            }
        });
    }
}
