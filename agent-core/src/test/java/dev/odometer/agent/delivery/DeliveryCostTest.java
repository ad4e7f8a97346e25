package dev.odometer.agent.delivery;

import dev.odometer.agent.store.RecordStore;
import static org.assertj.core.api.Assertions.assertThat;

import dev.odometer.agent.delivery.backoff.Backoff;
import dev.odometer.agent.journal.Journal;
import dev.odometer.agent.marketplace.MarketplaceClient;
import dev.odometer.agent.marketplace.RecordOutcome;
import dev.odometer.agent.marketplace.SendResult;
import dev.odometer.agent.record.UsageRecord;
import dev.odometer.agent.testing.MutableClock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What one delivery pass costs, counted rather than timed: the forced writes per batch, and
 * how many records the store hands the loop and its policy per pass. Draining a backlog of n
 * records takes n / 25 passes, so a pass that looks at every pending record makes the drain
 * quadratic.
 */
class DeliveryCostTest {
    private static final Instant START = Instant.parse("2026-11-21T10:00:00Z");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(START);
    private Journal journal;

    @AfterEach
    void close() {
        if (journal != null) {
            journal.close();
        }
    }

    /** Accepts every record, without a network. */
    private static final class AcceptingClient implements MarketplaceClient {
        int sends;

        @Override
        public SendResult send(List<UsageRecord> batch) {
            sends++;
            SendResult.Builder result = SendResult.builder(batch);
            batch.forEach(r -> result.outcome(r.uuid(), RecordOutcome.ACCEPTED, null));
            return result.build();
        }

        @Override
        public SendResult validate(List<UsageRecord> batch) {
            return send(batch);
        }

        @Override
        public int maxBatchSize() {
            return 25;
        }

        @Override
        public String describe() {
            return "accepting";
        }
    }

    private DeliveryLoop loop(RecordStore store, MarketplaceClient client, DeliveryPolicy policy) {
        return new DeliveryLoop(() -> client, store, new DeliveryStats(store),
                Backoff.builder().random(new Random(1)).build(), clock,
                new ConfigHints("odometer.yaml", "product_id", "p"), () -> { }, policy);
    }

    private List<UsageRecord> backlog(int count) {
        List<UsageRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(UsageRecord.seal("email", "sku-email", 1, clock.instant()));
        }
        return records;
    }

    @Test
    void aBatchOfTwentyFiveIsForcedToDiskTwiceNotTwentySixTimes() throws Exception {
        journal = Journal.open(dir.resolve("journal"), 64L << 20, clock);
        journal.add(backlog(25));
        DeliveryLoop loop = loop(journal, new AcceptingClient(), new OneHourWindowPolicy(false));
        long before = journal.forcedWrites();

        loop.deliverOnce();

        assertThat(journal.pendingRecords()).isZero();
        // the attempt before the request leaves, and the 25 outcomes together
        assertThat(journal.forcedWrites() - before).isEqualTo(2);
    }

    @Test
    void aPassOverALargeBacklogLooksAtTheBatchNotAtTheWholeBacklog() throws Exception {
        journal = Journal.open(dir.resolve("journal"), 64L << 20, clock);
        for (int i = 0; i < 20; i++) {
            journal.add(backlog(1000));
        }
        CountingStore counting = new CountingStore(journal);
        AcceptingClient client = new AcceptingClient();
        DeliveryLoop loop = loop(counting, client, new OneHourWindowPolicy(false));

        loop.deliverOnce();

        assertThat(client.sends).isEqualTo(1);
        assertThat(journal.pendingRecords()).isEqualTo(20_000 - 25);
        assertThat(counting.handedOut).as("records the store handed out in one pass")
                .isLessThanOrEqualTo(100);
    }
}
