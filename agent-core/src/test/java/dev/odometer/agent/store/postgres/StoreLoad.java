package dev.odometer.agent.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.odometer.agent.marketplace.RecordOutcome;
import dev.odometer.agent.record.UsageRecord;
import dev.odometer.agent.store.PendingRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The cluster store under load, measured, not asserted on time: not part of the suite (no
 * "Test" in the name); run it with
 * {@code mvn -o -pl agent-core test -Dtest=StoreLoad -Dsurefire.failIfNoSpecifiedTests=false}.
 *
 * <p>Writes: {@value #NODES} simulated nodes, each forwarding what one flush seals (one record
 * per SKU, {@value #SKUS} SKUs) as one transaction, the way a node's forwarder does, spread
 * over {@value #WRITERS} connections, for 20 s (-Dseconds=N). Delivery: one node's loop
 * against the same database, each cycle one batch of 25 (read, attempt written, answers
 * written), the marketplace answering at once.
 */
class StoreLoad {
    static final int NODES = 300;
    static final int SKUS = 3;
    static final int WRITERS = 16;
    static final int SECONDS = Integer.getInteger("seconds", 20);

    @Test
    void recordsPerMinuteTheStoreTakesAndOneNodeDelivers() throws Exception {
        String schema = TestDatabase.freshSchema();
        List<PostgresDatabase> databases = new ArrayList<>();
        LeaderLease lease = new LeaderLease(TestDatabase.connect(schema), "leader");
        assertThat(lease.tryAcquireOrRenew()).isTrue();

        AtomicLong written = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
        ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
        for (int w = 0; w < WRITERS; w++) {
            PostgresDatabase database = TestDatabase.connect(schema);
            databases.add(database);
            PostgresStore store = new PostgresStore(database, "writer-" + w, lease);
            int writer = w;
            writers.submit(() -> {
                for (int flush = 0; System.nanoTime() < end; flush++) {
                    String node = "node-" + ((flush * WRITERS + writer) % NODES);
                    List<UsageRecord> sealed = new ArrayList<>(SKUS);
                    for (int sku = 0; sku < SKUS; sku++) {
                        sealed.add(UsageRecord.seal("sku" + sku, "sku-" + sku, 1 + flush % 7,
                                Instant.now()));
                    }
                    store.add(sealed, node);
                    written.addAndGet(sealed.size());
                }
                return null;
            });
        }
        writers.shutdown();
        assertThat(writers.awaitTermination(SECONDS + 60, TimeUnit.SECONDS)).isTrue();
        double perMinute = written.get() * 60.0 / SECONDS;
        System.out.printf("[store-load] %d nodes on %d connections: %d records in %d s = %.0f "
                + "records/min (%.0f forwarder transactions/s)%n", NODES, WRITERS, written.get(),
                SECONDS, perMinute, written.get() / (double) SKUS / SECONDS);

        if (Boolean.getBoolean("explain")) {
            try (java.sql.Connection c = TestDatabase.admin();
                 java.sql.ResultSet rows = c.createStatement().executeQuery("EXPLAIN ANALYZE "
                         + "SELECT uuid FROM " + schema + ".records WHERE state = 'pending' AND "
                         + "seq > -9223372036854775808 ORDER BY seq LIMIT 200")) {
                while (rows.next()) {
                    System.out.println("[explain] " + rows.getString(1));
                }
            }
        }
        PostgresStore leader = new PostgresStore(TestDatabase.connect(schema), "leader", lease);
        leader.maintain(); // as the delivery loop does between batches, once a minute
        long delivered = 0;
        long readNanos = 0;
        long attemptNanos = 0;
        long answerNanos = 0;
        assertThat(lease.tryAcquireOrRenew()).isTrue();
        long renewed = System.nanoTime();
        long started = System.nanoTime();
        long stop = started + TimeUnit.SECONDS.toNanos(SECONDS);
        while (System.nanoTime() < stop) {
            long t0 = System.nanoTime();
            List<PendingRecord> batch = leader.nextBatch(25);
            readNanos += System.nanoTime() - t0;
            if (batch.isEmpty()) {
                break;
            }
            List<UsageRecord> records = new ArrayList<>(batch.size());
            Map<UsageRecord, RecordOutcome> answers = new LinkedHashMap<>();
            for (PendingRecord pending : batch) {
                records.add(pending.record());
                answers.put(pending.record(), RecordOutcome.ACCEPTED);
            }
            long t1 = System.nanoTime();
            leader.attempting(records);
            attemptNanos += System.nanoTime() - t1;
            long t2 = System.nanoTime();
            leader.answered(answers);
            answerNanos += System.nanoTime() - t2;
            delivered += records.size();
            if (System.nanoTime() - renewed > TimeUnit.SECONDS.toNanos(5)) {
                lease.tryAcquireOrRenew(); // as the cluster thread does
                renewed = System.nanoTime();
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("[store-load] one delivering node, store side only: %d records in "
                + "%.1f s = %.0f records/min (%.1f batches of 25 a second)%n", delivered, seconds,
                delivered * 60 / seconds, delivered / 25.0 / seconds);
        long batches = Math.max(1, delivered / 25);
        System.out.printf("[store-load] per batch: read %.1f ms, attempt %.1f ms, answers "
                + "%.1f ms%n", readNanos / 1e6 / batches, attemptNanos / 1e6 / batches,
                answerNanos / 1e6 / batches);
        databases.forEach(PostgresDatabase::close);
    }
}
