package dev.odometer.agent.delivery;

import dev.odometer.agent.store.StoringSink;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.odometer.agent.config.ConfigLoader;
import dev.odometer.agent.config.OdometerConfig;
import dev.odometer.agent.marketplace.MarketplaceClient;
import dev.odometer.agent.marketplace.RecordOutcome;
import dev.odometer.agent.marketplace.SendResult;
import dev.odometer.agent.record.UsageRecord;
import java.lang.management.ManagementFactory;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class DeliveryStageTest {
    /** Accepts everything, without a network. */
    static final class AcceptingClient implements MarketplaceClient {
        @Override
        public SendResult send(List<UsageRecord> batch) {
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
            return "a test marketplace";
        }
    }

    @Test
    void deliveryStatisticsAreAnMBean() throws Exception {
        OdometerConfig config = ConfigLoader.parse(Paths.get("odometer.yaml"), String.join("\n",
                "marketplace: yandex", "product_id: p", "auth: {type: token, token: t}",
                "validate_on_start: false", "skus:", "  email: {sku_id: s}", ""));
        InMemoryPendingStore store = new InMemoryPendingStore(100);
        DeliveryLoop loop = DeliveryStage.start(config, AcceptingClient::new, store,
                Clock.systemUTC());
        try {
            new StoringSink(store, loop).accept(List.of(UsageRecord.seal("email", "s", 7, Instant.now())));

            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName(DeliveryStage.MBEAN_NAME);
            await().atMost(Duration.ofSeconds(10)).until(() -> server.isRegistered(name)
                    && (Long) server.getAttribute(name, "UnitsDelivered") == 7L);
            assertThat(server.getAttribute(name, "RecordsSealed")).isEqualTo(1L);
            assertThat(server.getAttribute(name, "RecordsPending")).isEqualTo(0L);
            assertThat(server.getAttribute(name, "LastError")).isEqualTo("");
        } finally {
            loop.close();
        }
    }
}
