package dev.odometer.agent.store.postgres;

import dev.odometer.agent.store.StoreUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One connection to the cluster's PostgreSQL database, made with the agent's own (relocated)
 * driver, never through {@link java.sql.DriverManager}: the host's JDBC code never sees it. The
 * connection is opened on first use, checks the schema once ({@link Schema}), and is dropped
 * after a failure and opened again on the next use. Every step is one transaction; a step that
 * fails changes nothing and surfaces as a {@link StoreUnavailableException} whose message says
 * what to check, and never holds the password.
 *
 * <p>Thread-safe: steps are serialized on the one connection. The agent gives the cluster
 * thread and the delivery thread one database each, so neither waits for the other.
 */
public final class PostgresDatabase implements AutoCloseable {
    static final int CONNECT_TIMEOUT_SECONDS = 5;
    /** The agent's statements are small: a database that stops answering for this long is down
     *  (and a shutdown never waits longer for it). */
    static final int SOCKET_TIMEOUT_SECONDS = 10;
    private static final AtomicBoolean DRIVER_HIDDEN = new AtomicBoolean();

    /** A step run in one transaction. */
    public interface Step<T> {
        T run(Connection connection) throws SQLException;
    }

    private final String url;
    private final String user;
    private final String password;
    private final String schema;
    private Connection connection;

    /**
     * @param url      {@code jdbc:postgresql://...}
     * @param password may be null or empty (trust or peer authentication)
     * @param schema   a plain lower-case identifier (validated by the config)
     */
    public PostgresDatabase(String url, String user, String password, String schema) {
        this.url = url;
        this.user = user;
        this.password = password == null ? "" : password;
        this.schema = schema;
    }

    /** The schema the agent's tables are in. */
    public String schema() {
        return schema;
    }

    /** Runs {@code step} in one transaction, connecting first if needed. */
    public synchronized <T> T inTransaction(Step<T> step) {
        Connection current = connection();
        try {
            T result = step.run(current);
            current.commit();
            return result;
        } catch (SQLException e) {
            rollback(current);
            if (broken(e, current)) {
                drop();
            }
            throw unavailable(e);
        } catch (RuntimeException e) {
            rollback(current);
            throw e;
        }
    }

    private Connection connection() {
        if (connection != null) {
            return connection;
        }
        Connection fresh;
        try {
            fresh = driver().connect(url, properties());
            if (fresh == null) {
                throw new StoreUnavailableException("cluster.postgres.url '" + url + "' is not a "
                        + "URL the PostgreSQL driver takes");
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
        try {
            fresh.setAutoCommit(false);
            Schema.ensure(fresh, schema);
        } catch (SQLException e) {
            rollback(fresh);
            closeQuietly(fresh);
            throw unavailable(e);
        } catch (RuntimeException e) {
            rollback(fresh);
            closeQuietly(fresh);
            throw e;
        }
        connection = fresh;
        return fresh;
    }

    /** The relocated driver, taken back out of DriverManager, where its loading put it. */
    private static java.sql.Driver driver() throws SQLException {
        org.postgresql.Driver driver = new org.postgresql.Driver();
        if (DRIVER_HIDDEN.compareAndSet(false, true) && org.postgresql.Driver.isRegistered()) {
            org.postgresql.Driver.deregister();
        }
        return driver;
    }

    private Properties properties() {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        if (!password.isEmpty()) {
            properties.setProperty("password", password);
        }
        properties.setProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS));
        properties.setProperty("loginTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS));
        properties.setProperty("socketTimeout", String.valueOf(SOCKET_TIMEOUT_SECONDS));
        properties.setProperty("tcpKeepAlive", "true");
        properties.setProperty("ApplicationName", "odometer-agent");
        return properties;
    }

    /** What the user reads: where, what failed, what to check; never the password. */
    StoreUnavailableException unavailable(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String hint;
        if (state.startsWith("08") || state.isEmpty()) {
            hint = "is the database running and reachable from this host (cluster.postgres.url)?";
        } else if (state.startsWith("28")) {
            hint = "check the user and password (cluster.postgres.user_env / password_env)";
        } else if (state.equals("3D000")) {
            hint = "the database in cluster.postgres.url does not exist";
        } else if (state.equals("42501")) {
            hint = "the user may not create or use schema '" + schema + "': grant it (GRANT "
                    + "CREATE ON DATABASE ..., or create the schema for it), or name another "
                    + "with cluster.postgres.schema";
        } else if (state.startsWith("53")) {
            hint = "the database is short of resources (connections, disk or memory)";
        } else {
            hint = "SQLState " + state;
        }
        String message = "the cluster's database " + url + " (user " + user + ", schema "
                + schema + ") failed: " + firstLine(e.getMessage()) + " [" + state + "]; "
                + hint;
        if (!password.isEmpty()) {
            message = message.replace(password, "[redacted]");
        }
        return new StoreUnavailableException(message);
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "no message";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    private static boolean broken(SQLException e, Connection current) {
        String state = e.getSQLState();
        if (state == null || state.startsWith("08") || state.startsWith("57")) {
            return true;
        }
        try {
            return current.isClosed();
        } catch (SQLException closed) {
            return true;
        }
    }

    private static void rollback(Connection current) {
        try {
            current.rollback();
        } catch (SQLException ignored) {
            // the connection is broken: it is dropped
        }
    }

    private void drop() {
        if (connection != null) {
            closeQuietly(connection);
            connection = null;
        }
    }

    private static void closeQuietly(Connection current) {
        try {
            current.close();
        } catch (SQLException ignored) {
            // closing a broken connection
        }
    }

    @Override
    public synchronized void close() {
        drop();
    }

    @Override
    public String toString() {
        return "PostgresDatabase{" + url + ", user " + user + ", schema " + schema + '}';
    }
}
