package dev.odometer.agent.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.odometer.agent.marketplace.RecordOutcome;
import dev.odometer.agent.record.UsageRecord;
import dev.odometer.agent.store.PendingRecord;
import dev.odometer.agent.store.StoreUnavailableException;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PostgresStoreTest {
    private static final Instant HOUR = Instant.parse("2026-12-03T10:00:00Z");

    private String schema;
    private final List<PostgresDatabase> opened = new ArrayList<>();
    private LeaderLease lease;
    private PostgresStore store;

    @BeforeEach
    void connect() {
        schema = TestDatabase.freshSchema();
        lease = new LeaderLease(database(), "n1");
        store = new PostgresStore(database(), "n1", lease);
        assertThat(lease.tryAcquireOrRenew()).isTrue();
    }

    @AfterEach
    void close() {
        opened.forEach(PostgresDatabase::close);
    }

    private PostgresDatabase database() {
        PostgresDatabase database = TestDatabase.connect(schema);
        opened.add(database);
        return database;
    }

    private static UsageRecord record(String alias, long quantity, Instant at) {
        return UsageRecord.seal(alias, "sku-" + alias, quantity, at);
    }

    private List<UsageRecord> pending() {
        return store.nextBatch(1000).stream().map(PendingRecord::record)
                .collect(Collectors.toList());
    }

    @Test
    void aRecordForwardedTwiceIsStoredOnceAndComesBackAsSealed() {
        UsageRecord a = record("email", 3, HOUR.plusNanos(1_234_567));
        UsageRecord b = record("email", 4, HOUR.plusSeconds(1));
        store.add(List.of(a, b));
        store.add(List.of(a), "n2");

        List<UsageRecord> back = pending();
        assertThat(back).extracting(UsageRecord::uuid).containsExactly(a.uuid(), b.uuid());
        assertThat(back.get(0).timestamp()).isEqualTo(HOUR.plusNanos(1_234_000));
        assertThat(store.pendingRecords()).isEqualTo(2);
        assertThat(store.pendingUnits()).isEqualTo(7);
    }

    @Test
    void whatAJournalKnewOfARecordSurvivesItsForwarding() {
        UsageRecord event = UsageRecord.seal("email", "sku-email", 40, HOUR);
        UsageRecord inDoubt = record("email", 2, HOUR);
        store.adopt(List.of(new PendingRecord(event, true, false),
                new PendingRecord(inDoubt, false, true)));

        List<PendingRecord> back = store.nextBatch(10);
        assertThat(back.get(0).isRolledUp()).isTrue();
        assertThat(back.get(1).possiblyReceived()).isTrue();
    }

    @Test
    void nextBatchPagesInOrderAndAsksThePredicate() {
        List<UsageRecord> sealed = new ArrayList<>();
        for (int i = 0; i < 450; i++) {
            sealed.add(record(i % 2 == 0 ? "even" : "odd", 1, HOUR.plusSeconds(i)));
        }
        store.add(sealed);

        List<PendingRecord> odd = store.nextBatch(300, r -> r.record().skuAlias().equals("odd"));

        assertThat(odd).hasSize(225);
        assertThat(odd.get(0).record().uuid()).isEqualTo(sealed.get(1).uuid());
        assertThat(odd.get(224).record().uuid()).isEqualTo(sealed.get(449).uuid());
        assertThat(store.nextBatch(25)).hasSize(25);
    }

    @Test
    void anOpenAttemptIsInDoubtAndAnswersSettleIt() {
        UsageRecord a = record("email", 1, HOUR);
        UsageRecord b = record("email", 2, HOUR);
        UsageRecord c = record("email", 5, HOUR);
        store.add(List.of(a, b, c));

        store.attempting(List.of(a, b, c));
        assertThat(store.nextBatch(10)).allMatch(PendingRecord::possiblyReceived);

        Map<UsageRecord, RecordOutcome> answers = new LinkedHashMap<>();
        answers.put(a, RecordOutcome.ACCEPTED);
        answers.put(b, RecordOutcome.INVALID_SKU_ID);
        answers.put(c, RecordOutcome.MISSING);
        store.answered(answers);

        assertThat(pending()).containsExactly(c);
        assertThat(store.nextBatch(10).get(0).possiblyReceived()).isTrue();
        assertThat(store.parkedRecords()).isEqualTo(1);
    }

    @Test
    void recordsParkedForAConfigErrorAreSealedAgainWithTheFixedSkuId() {
        UsageRecord wrongSku = record("email", 4, HOUR);
        UsageRecord expired = record("email", 2, HOUR);
        store.add(List.of(wrongSku, expired), "n2");
        Map<UsageRecord, RecordOutcome> answers = new LinkedHashMap<>();
        answers.put(wrongSku, RecordOutcome.INVALID_SKU_ID);
        answers.put(expired, RecordOutcome.EXPIRED);
        store.answered(answers);

        int reopened = store.reopenParkedForConfigErrors(Map.of("email", "sku-fixed"),
                HOUR.plusSeconds(600));

        assertThat(reopened).isEqualTo(1);
        List<UsageRecord> again = pending();
        assertThat(again).hasSize(1);
        assertThat(again.get(0).skuId()).isEqualTo("sku-fixed");
        assertThat(again.get(0).quantity()).isEqualTo(4);
        assertThat(again.get(0).uuid()).isNotEqualTo(wrongSku.uuid());
        assertThat(store.parkedRecords()).as("EXPIRED stays parked").isEqualTo(1);
        assertThat(store.reopenParkedForConfigErrors(Map.of("email", "sku-fixed"),
                HOUR.plusSeconds(700))).as("once").isZero();
    }

    @Test
    void aFailedSendThatProvablyNeverArrivedIsNotInDoubt() {
        UsageRecord a = record("email", 1, HOUR);
        store.add(List.of(a));
        store.attempting(List.of(a));
        store.attemptFailed(List.of(a), false);

        assertThat(store.nextBatch(10).get(0).possiblyReceived()).isFalse();
    }

    @Test
    void onlyTheLeaseHolderWithTimeLeftMayWriteAnAttempt() throws Exception {
        LeaderLease other = new LeaderLease(database(), "n2");
        PostgresStore otherStore = new PostgresStore(database(), "n2", other);
        UsageRecord a = record("email", 1, HOUR);
        store.add(List.of(a));

        assertThat(other.tryAcquireOrRenew()).as("held by n1").isFalse();
        assertThat(otherStore.nextBatch(10)).as("n2 sees nothing to send").isEmpty();
        assertThatThrownBy(() -> otherStore.attempting(List.of(a)))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("no longer holds the delivery lease");

        // n1's lease has less time left than a send may take: n1 may not send either
        expireIn(Duration.ofSeconds(20));
        assertThatThrownBy(() -> store.attempting(List.of(a)))
                .isInstanceOf(StoreUnavailableException.class);
        assertThat(store.nextBatch(10).get(0).possiblyReceived()).as("nothing changed").isFalse();

        expireIn(Duration.ofSeconds(-1));
        assertThat(other.tryAcquireOrRenew()).as("expired: n2 takes it").isTrue();
        assertThat(other.holder()).isEqualTo("n2");
        assertThat(lease.tryAcquireOrRenew()).isFalse();
        otherStore.attempting(List.of(a));
    }

    @Test
    void aStoppingHolderHandsTheLeaseOverAtOnce() {
        LeaderLease other = new LeaderLease(database(), "n2");
        assertThat(other.tryAcquireOrRenew()).isFalse();

        lease.release();

        assertThat(lease.held()).isFalse();
        assertThat(other.tryAcquireOrRenew()).isTrue();
    }

    private void expireIn(Duration left) throws Exception {
        try (java.sql.Connection c = TestDatabase.admin();
             PreparedStatement update = c.prepareStatement("UPDATE " + schema
                     + ".lease SET expires_at = now() + make_interval(secs => ?)")) {
            update.setDouble(1, left.getSeconds());
            update.executeUpdate();
        }
    }

    @Test
    void partsOfThreeNodesRollUpIntoOneEventOnceAndOnlyOnce() {
        List<UsageRecord> parts = new ArrayList<>();
        for (String node : List.of("n1", "n2", "n3")) {
            List<UsageRecord> sealed = List.of(record("email", 10, HOUR.plusSeconds(60)),
                    record("email", 5, HOUR.plusSeconds(120)));
            store.add(sealed, node);
            parts.addAll(sealed);
        }
        UsageRecord event = UsageRecord.seal("email", "sku-email", 45, HOUR);

        store.rollUp(parts, event);

        List<PendingRecord> left = store.nextBatch(10);
        assertThat(left).hasSize(1);
        assertThat(left.get(0).record()).isEqualTo(event);
        assertThat(left.get(0).isRolledUp()).isTrue();
        assertThat(store.rolledUpThrough("sku-email")).isEqualTo(HOUR);
        // a second node rolling the same parts up (it thought it delivered) changes nothing
        UsageRecord second = UsageRecord.seal("email", "sku-email", 45, HOUR);
        assertThatThrownBy(() -> store.rollUp(parts, second))
                .isInstanceOf(StoreUnavailableException.class);
        assertThat(pending()).containsExactly(event);
    }

    @Test
    void replaceMoveAndSettleInDoubtCloseTheOldAndKeepTheUnits() {
        UsageRecord old = record("email", 7, HOUR);
        UsageRecord inDoubt = record("email", 2, HOUR);
        store.add(List.of(old, inDoubt), "n3");
        UsageRecord fresh = record("email", 7, HOUR.plusSeconds(3000));
        store.replace(old, fresh);
        UsageRecord moved = record("email", 7, HOUR.plusSeconds(3600));
        store.moved(fresh, moved, "Duplicate with another quantity");
        UsageRecord rebilled = record("email", 2, HOUR.plusSeconds(3600));
        store.expiredInDoubt(inDoubt, rebilled);

        assertThat(pending()).containsExactly(moved, rebilled);
        assertThatThrownBy(() -> store.replace(old, record("email", 7, HOUR)))
                .as("already replaced").isInstanceOf(StoreUnavailableException.class);
        assertThat(store.pendingUnits()).isEqualTo(9);
    }

    @Test
    void anUnreachableDatabaseSaysWhereAndWhatToCheckWithoutThePassword() throws Exception {
        int closedPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        PostgresDatabase nowhere = new PostgresDatabase("jdbc:postgresql://127.0.0.1:"
                + closedPort + "/app", "billing", "pg-s3cret-pw", "odometer");
        PostgresStore unreachable = new PostgresStore(nowhere, "n1", lease);

        assertThatThrownBy(() -> unreachable.add(List.of(record("email", 1, HOUR))))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("127.0.0.1:" + closedPort)
                .hasMessageContaining("reachable")
                .hasMessageNotContaining("pg-s3cret-pw");
        nowhere.close();
    }

    @Test
    void aRefusedLoginNamesTheKeysToCheckAndNeverEchoesThePassword() {
        PostgresDatabase database = new PostgresDatabase(TestDatabase.url(), "billing",
                "wr0ng-pw", "odometer");
        // what a server answers a bad login with (the embedded one trusts loopback), and a
        // driver message that would echo the password
        String message = database.unavailable(new java.sql.SQLException("FATAL: password "
                + "authentication failed for user \"billing\" (tried wr0ng-pw)", "28P01"))
                .getMessage();

        assertThat(message).contains("user billing", "28P01",
                "check the user and password (cluster.postgres.user_env / password_env)")
                .doesNotContain("wr0ng-pw");
    }

    @Test
    void theDriverIsNeverLeftInTheHostsDriverManager() {
        store.add(List.of(record("email", 1, HOUR)));

        assertThat(Collections.list(DriverManager.getDrivers()))
                .noneMatch(driver -> driver.getClass() == org.postgresql.Driver.class);
    }

    @Test
    void aSchemaFromANewerAgentIsRefusedAndLeftAlone() throws Exception {
        try (java.sql.Connection c = TestDatabase.admin()) {
            c.createStatement().execute("INSERT INTO " + schema + ".schema_version VALUES (99)");
        }
        PostgresDatabase newer = database();

        assertThatThrownBy(() -> new PostgresStore(newer, "n1", lease).counts())
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("newer Odometer agent (schema version 99");
    }

    @Test
    void settledRowsArePrunedIntoTotals() throws Exception {
        UsageRecord a = record("email", 3, HOUR);
        store.add(List.of(a));
        store.answered(Map.of(a, RecordOutcome.ACCEPTED));
        try (java.sql.Connection c = TestDatabase.admin()) {
            c.createStatement().execute("UPDATE " + schema
                    + ".records SET settled_at = now() - interval '3 days'");
        }

        store.maintain();

        try (java.sql.Connection c = TestDatabase.admin();
             java.sql.ResultSet rows = c.createStatement().executeQuery("SELECT "
                     + "(SELECT count(*) FROM " + schema + ".records), "
                     + "(SELECT delivered_units FROM " + schema + ".totals)")) {
            rows.next();
            assertThat(rows.getLong(1)).isZero();
            assertThat(rows.getLong(2)).isEqualTo(3);
        }
    }
}
