package dev.odometer.agent.store.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;

/** One real PostgreSQL per test JVM, started on first use; each caller gets a schema of its own. */
final class TestDatabase {
    private static final AtomicInteger SCHEMAS = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    private TestDatabase() {
    }

    static synchronized EmbeddedPostgres server() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException ignored) {
                    // the JVM ends anyway
                }
            }));
        }
        return postgres;
    }

    static String url() {
        return "jdbc:postgresql://127.0.0.1:" + server().getPort() + "/postgres";
    }

    static String freshSchema() {
        return "test_" + SCHEMAS.incrementAndGet();
    }

    /**
     * A plain connection for the test's own checks, made with the driver directly: the store
     * takes the driver out of DriverManager (as it must in a host), so DataSources fail here.
     */
    static java.sql.Connection admin() throws java.sql.SQLException {
        java.util.Properties properties = new java.util.Properties();
        properties.setProperty("user", "postgres");
        return new org.postgresql.Driver().connect(url(), properties);
    }

    static PostgresDatabase connect(String schema) {
        return new PostgresDatabase(url(), "postgres", null, schema);
    }
}
