package dev.odometer.agent.delivery;

import dev.odometer.agent.store.RecordStore;
import dev.odometer.agent.config.InDoubtPolicy;
import dev.odometer.agent.config.Marketplace;
import dev.odometer.agent.config.OdometerConfig;
import dev.odometer.agent.config.SkuConfig;
import dev.odometer.agent.delivery.backoff.Backoff;
import dev.odometer.agent.log.AgentLog;
import dev.odometer.agent.marketplace.MarketplaceClient;
import dev.odometer.agent.marketplace.SkuValidation;
import dev.odometer.agent.marketplace.ValidationReport;
import dev.odometer.agent.marketplace.azure.AzureSkuValidation;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** Assembles and starts the delivery stage for a config. */
public final class DeliveryStage {
    /** The JMX name of the delivery statistics. */
    public static final String MBEAN_NAME = "dev.odometer:type=Delivery";
    private static final AgentLog LOG = AgentLog.forClass(DeliveryStage.class);

    private DeliveryStage() {
    }

    /**
     * Starts the delivery thread over {@code store} (the journal); the returned loop is the
     * accumulator's sink.
     */
    public static DeliveryLoop start(OdometerConfig config, Supplier<MarketplaceClient> client,
                                     RecordStore store, Clock clock) {
        return start(config, client, store, clock, NodeRole.ALONE);
    }

    /**
     * Starts the delivery thread over {@code store}; {@code role} says whether this process
     * delivers (in a cluster, the store itself holds back what this node may not send).
     */
    public static DeliveryLoop start(OdometerConfig config, Supplier<MarketplaceClient> client,
                                     RecordStore store, Clock clock, NodeRole role) {
        DeliveryStats stats = new DeliveryStats(store);
        stats.role(role);
        ConfigHints hints = ConfigHints.forConfig(config);
        boolean rebill = config.inDoubtPolicy() == InDoubtPolicy.REBILL;
        DeliveryPolicy policy = config.marketplace() == Marketplace.AZURE
                ? new HourlyRollupPolicy(rebill) : new OneHourWindowPolicy(rebill);
        DeliveryLoop[] self = new DeliveryLoop[1];
        DeliveryLoop loop = new DeliveryLoop(client, store, stats, Backoff.builder().build(),
                clock, hints, () -> {
                    register(stats);
                    if (config.validateOnStart()) {
                        validate(self[0].client(), config);
                    }
                }, policy);
        self[0] = loop;
        loop.start();
        return loop;
    }

    /** Checks the credentials and every SKU with one validate-only request, and logs it. */
    static void validate(MarketplaceClient client, OdometerConfig config) {
        Map<String, String> skuIds = new LinkedHashMap<>();
        for (SkuConfig sku : config.skus().values()) {
            skuIds.put(sku.alias(), sku.skuId());
        }
        ValidationReport report = config.marketplace() == Marketplace.AZURE
                ? AzureSkuValidation.check(client, skuIds) : SkuValidation.check(client, skuIds);
        if (report.isOk()) {
            LOG.info("validated " + client.describe() + ": the credentials and all "
                    + skuIds.size() + " SKUs are accepted");
            return;
        }
        for (String problem : report.problems()) {
            LOG.error("start-up validation: " + problem);
        }
    }

    private static void register(DeliveryStatsMBean stats) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName(MBEAN_NAME);
            if (!server.isRegistered(name)) {
                server.registerMBean(stats, name);
            }
        } catch (JMException | RuntimeException e) {
            LOG.warn("delivery statistics are not available through JMX: " + e);
        }
    }
}
