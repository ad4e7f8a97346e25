package dev.odometer.agent.store.postgres;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cluster's view for the {@code status} command: units per SKU alias and per node
 * (delivered, waiting, in doubt, parked), and which node delivers. Read in one transaction.
 */
public final class ClusterStatus {
    /** Units in each state, of one SKU alias or of what one node sealed. */
    public static final class Units {
        public final long delivered;
        public final long waiting;
        public final long inDoubt;
        public final long parked;

        Units(long delivered, long waiting, long inDoubt, long parked) {
            this.delivered = delivered;
            this.waiting = waiting;
            this.inDoubt = inDoubt;
            this.parked = parked;
        }

        Units plusDelivered(long more) {
            return new Units(delivered + more, waiting, inDoubt, parked);
        }
    }

    /** One node: what it sealed, when it was last seen, whether it delivers. */
    public static final class Node {
        public final Units units;
        public final Instant lastSeen;
        public final boolean delivers;

        Node(Units units, Instant lastSeen, boolean delivers) {
            this.units = units;
            this.lastSeen = lastSeen;
            this.delivers = delivers;
        }
    }

    private final Map<String, Units> skus;
    private final Map<String, Node> nodes;
    private final String holder;
    private final Instant leaseExpires;
    private final Instant now;

    private ClusterStatus(Map<String, Units> skus, Map<String, Node> nodes, String holder,
                          Instant leaseExpires, Instant now) {
        this.skus = Collections.unmodifiableMap(skus);
        this.nodes = Collections.unmodifiableMap(nodes);
        this.holder = holder;
        this.leaseExpires = leaseExpires;
        this.now = now;
    }

    /** Per SKU alias (an Azure event of aliases sharing a dimension is "a+b"). */
    public Map<String, Units> skus() {
        return skus;
    }

    /** Per node id, every node that has sealed or been seen. */
    public Map<String, Node> nodes() {
        return nodes;
    }

    /** The node that delivers now, or null when the lease is free. */
    public String holder() {
        return holder;
    }

    /** When the holder's lease runs out unless renewed; null when free. */
    public Instant leaseExpires() {
        return leaseExpires;
    }

    /** The database's clock when this was read. */
    public Instant now() {
        return now;
    }

    /** Reads the cluster's status. */
    public static ClusterStatus read(PostgresDatabase database) {
        String s = database.schema();
        return database.inTransaction(connection -> {
            Map<String, Units> skus = new TreeMap<>();
            try (PreparedStatement query = connection.prepareStatement("SELECT sku_alias, "
                    + sum("state = 'delivered'") + ", "
                    + sum("state = 'pending' AND NOT (attempt_open OR in_doubt)") + ", "
                    + sum("state = 'pending' AND (attempt_open OR in_doubt)") + ", "
                    + sum("state = 'parked'") + " FROM " + s + ".records "
                    + "WHERE state <> 'closed' GROUP BY sku_alias")) {
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        skus.put(rows.getString(1), units(rows));
                    }
                }
            }
            Map<String, Units> sealedBy = new TreeMap<>();
            // what each node sealed; a part rolled into an hour's event is as far as its event
            try (PreparedStatement query = connection.prepareStatement("SELECT r.node_id, "
                    + sum("r.state = 'delivered' OR (r.state = 'closed' AND r.outcome = "
                    + "'ROLLED_UP' AND e.state = 'delivered')", "r.quantity") + ", "
                    + sum("(r.state = 'pending' AND NOT (r.attempt_open OR r.in_doubt)) OR "
                    + "(r.state = 'closed' AND r.outcome = 'ROLLED_UP' AND e.state = 'pending' "
                    + "AND NOT (e.attempt_open OR e.in_doubt))", "r.quantity") + ", "
                    + sum("(r.state = 'pending' AND (r.attempt_open OR r.in_doubt)) OR "
                    + "(r.state = 'closed' AND r.outcome = 'ROLLED_UP' AND e.state = 'pending' "
                    + "AND (e.attempt_open OR e.in_doubt))", "r.quantity") + ", "
                    + sum("r.state = 'parked' OR (r.state = 'closed' AND r.outcome = "
                    + "'ROLLED_UP' AND e.state = 'parked')", "r.quantity")
                    + " FROM " + s + ".records r LEFT JOIN " + s + ".records e "
                    + "ON e.uuid = r.part_of WHERE NOT r.rolled_up GROUP BY r.node_id")) {
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        sealedBy.put(rows.getString(1), units(rows));
                    }
                }
            }
            try (PreparedStatement query = connection.prepareStatement("SELECT sku_alias, "
                    + "node_id, delivered_units FROM " + s + ".totals");
                 ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    long pruned = rows.getLong(3);
                    skus.merge(rows.getString(1), new Units(pruned, 0, 0, 0),
                            (a, b) -> a.plusDelivered(b.delivered));
                    sealedBy.merge(rows.getString(2), new Units(pruned, 0, 0, 0),
                            (a, b) -> a.plusDelivered(b.delivered));
                }
            }
            Map<String, Node> nodes = new LinkedHashMap<>();
            Map<String, Object[]> seen = new TreeMap<>();
            try (PreparedStatement query = connection.prepareStatement("SELECT node_id, "
                    + "last_seen, delivers FROM " + s + ".nodes");
                 ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    seen.put(rows.getString(1), new Object[] {
                        rows.getObject(2, OffsetDateTime.class).toInstant(), rows.getBoolean(3)});
                }
            }
            for (String node : sealedBy.keySet()) {
                seen.putIfAbsent(node, new Object[] {null, false});
            }
            String holder = null;
            Instant expires = null;
            Instant now;
            try (PreparedStatement query = connection.prepareStatement("SELECT now(), "
                    + "(SELECT node_id FROM " + s + ".lease WHERE name = ? AND expires_at > now()),"
                    + " (SELECT expires_at FROM " + s + ".lease WHERE name = ? "
                    + "AND expires_at > now())")) {
                query.setString(1, LeaderLease.NAME);
                query.setString(2, LeaderLease.NAME);
                try (ResultSet rows = query.executeQuery()) {
                    rows.next();
                    now = rows.getObject(1, OffsetDateTime.class).toInstant();
                    holder = rows.getString(2);
                    OffsetDateTime until = rows.getObject(3, OffsetDateTime.class);
                    expires = until == null ? null : until.toInstant();
                }
            }
            for (Map.Entry<String, Object[]> node : seen.entrySet()) {
                Units units = sealedBy.getOrDefault(node.getKey(), new Units(0, 0, 0, 0));
                nodes.put(node.getKey(), new Node(units, (Instant) node.getValue()[0],
                        node.getKey().equals(holder)));
            }
            return new ClusterStatus(skus, nodes, holder, expires, now);
        });
    }

    private static String sum(String condition) {
        return sum(condition, "quantity");
    }

    private static String sum(String condition, String column) {
        return "COALESCE(SUM(" + column + ") FILTER (WHERE " + condition + "), 0)";
    }

    private static Units units(ResultSet rows) throws SQLException {
        return new Units(rows.getLong(2), rows.getLong(3), rows.getLong(4), rows.getLong(5));
    }
}
