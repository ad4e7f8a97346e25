package dev.odometer.agent.store.postgres;

import dev.odometer.agent.store.StoreUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The agent's tables, versioned: the first node that connects creates them (and later versions
 * upgrade them) under a transaction-scoped advisory lock, so nodes starting together do not
 * race; a schema written by a newer agent is refused with a clear message, never changed.
 *
 * <ul>
 *   <li>{@code records}: every sealed record of every node, by uuid, with its state
 *       ({@code pending}, {@code delivered}, {@code parked}, {@code closed}: replaced, rolled
 *       into an event, or settled in doubt), whether an attempt is open or may have reached the
 *       marketplace, and the node that sealed it;
 *   <li>{@code rolled_up_through}: per dimension, the latest hour rolled up into an event;
 *   <li>{@code lease}: which node delivers, until when (the database's clock);
 *   <li>{@code nodes}: every node, when it was last seen, whether it delivers;
 *   <li>{@code reconciliation}: records moved or settled in doubt, for a person to check;
 *   <li>{@code totals}: what was delivered, per SKU alias and node, of rows already pruned.
 * </ul>
 */
final class Schema {
    /** The version this agent writes; a database at a higher one is refused. */
    static final int VERSION = 1;

    private Schema() {
    }

    static void ensure(Connection connection, String schema) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_advisory_xact_lock(hashtext('odometer-schema:"
                    + schema + "'))");
            if (!exists(connection, schema)) {
                statement.execute("CREATE SCHEMA " + schema);
            }
            statement.execute("CREATE TABLE IF NOT EXISTS " + schema
                    + ".schema_version (version int NOT NULL)");
            int version = version(connection, schema);
            if (version > VERSION) {
                connection.rollback();
                throw new StoreUnavailableException("schema '" + schema + "' was written by a "
                        + "newer Odometer agent (schema version " + version + "; this agent knows "
                        + "up to " + VERSION + "): run the same agent version on every node, or "
                        + "give this one another cluster.postgres.schema");
            }
            if (version < 1) {
                createVersion1(statement, schema);
            }
        }
        connection.commit();
    }

    private static boolean exists(Connection connection, String schema) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
            query.setString(1, schema);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }

    private static int version(Connection connection, String schema) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT max(version) FROM " + schema
                     + ".schema_version")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private static void createVersion1(Statement statement, String s) throws SQLException {
        statement.execute("CREATE TABLE " + s + ".records ("
                + "uuid uuid PRIMARY KEY, "
                + "seq bigserial NOT NULL, "
                + "sku_alias text NOT NULL, "
                + "sku_id text NOT NULL, "
                + "quantity bigint NOT NULL CHECK (quantity > 0), "
                + "ts timestamptz NOT NULL, "
                + "node_id text NOT NULL, "
                + "state text NOT NULL DEFAULT 'pending', "
                + "rolled_up boolean NOT NULL DEFAULT false, "
                + "attempt_open boolean NOT NULL DEFAULT false, "
                + "in_doubt boolean NOT NULL DEFAULT false, "
                + "attempts int NOT NULL DEFAULT 0, "
                + "outcome text, "
                + "part_of uuid, "
                + "stored_at timestamptz NOT NULL DEFAULT now(), "
                + "settled_at timestamptz)");
        statement.execute("CREATE INDEX records_pending ON " + s
                + ".records (seq) WHERE state = 'pending'");
        statement.execute("CREATE INDEX records_settled ON " + s
                + ".records (settled_at) WHERE state <> 'pending'");
        statement.execute("CREATE TABLE " + s + ".rolled_up_through ("
                + "dimension text PRIMARY KEY, hour timestamptz NOT NULL)");
        statement.execute("CREATE TABLE " + s + ".lease ("
                + "name text PRIMARY KEY, node_id text NOT NULL, epoch bigint NOT NULL, "
                + "expires_at timestamptz NOT NULL, renewed_at timestamptz NOT NULL)");
        statement.execute("CREATE TABLE " + s + ".nodes ("
                + "node_id text PRIMARY KEY, started_at timestamptz NOT NULL, "
                + "last_seen timestamptz NOT NULL, delivers boolean NOT NULL)");
        statement.execute("CREATE TABLE " + s + ".reconciliation ("
                + "at timestamptz NOT NULL DEFAULT now(), uuid uuid NOT NULL, "
                + "sku_alias text NOT NULL, sku_id text NOT NULL, quantity bigint NOT NULL, "
                + "ts timestamptz NOT NULL, decision text NOT NULL, replacement uuid, "
                + "why text, node_id text NOT NULL)");
        statement.execute("CREATE TABLE " + s + ".totals ("
                + "sku_alias text NOT NULL, node_id text NOT NULL, "
                + "delivered_records bigint NOT NULL, delivered_units bigint NOT NULL, "
                + "PRIMARY KEY (sku_alias, node_id))");
        statement.execute("INSERT INTO " + s + ".schema_version VALUES (1)");
    }
}
