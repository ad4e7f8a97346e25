package dev.odometer.agent;

import dev.odometer.agent.accumulate.Accumulator;
import dev.odometer.agent.accumulate.SlotReader;
import dev.odometer.agent.cluster.ClusterStage;
import dev.odometer.agent.bootstrap.Counters;
import dev.odometer.agent.config.ConfigException;
import dev.odometer.agent.config.ConfigLoader;
import dev.odometer.agent.config.Marketplace;
import dev.odometer.agent.config.OdometerConfig;
import dev.odometer.agent.delivery.DeliveryStage;
import dev.odometer.agent.config.SkuConfig;
import dev.odometer.agent.instrument.Instrumenter;
import dev.odometer.agent.journal.Journal;
import dev.odometer.agent.journal.JournalException;
import dev.odometer.agent.log.AgentLog;
import dev.odometer.agent.marketplace.MarketplaceClient;
import dev.odometer.agent.marketplace.MarketplaceClients;
import dev.odometer.agent.record.LoggingRecordSink;
import dev.odometer.agent.record.RecordSink;
import dev.odometer.agent.store.StoringSink;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/** Starts the agent's stages in order; any failure leaves the host running, unmetered. */
final class AgentStarter {
    private static final AgentLog LOG = AgentLog.forClass(AgentStarter.class);
    private static final AtomicBoolean STARTED = new AtomicBoolean();
    /**
     * How long after start the agent's info and warning lines wait before they are logged:
     * the first log line sets up the host's logging (java.util.logging and its formatters, a
     * few hundred classes), which the host's own start-up should not have to compete with.
     * A line still waiting at shutdown is written then.
     */
    static final java.time.Duration QUIET_START = java.time.Duration.ofSeconds(5);

    private AgentStarter() {
    }

    static void startSafely(String agentArgs, Instrumentation instrumentation, boolean attached) {
        try {
            if (!STARTED.compareAndSet(false, true)) {
                LOG.warn("the agent is already running in this JVM; the second start is ignored");
                return;
            }
            start(agentArgs, instrumentation, attached);
        } catch (Throwable fault) {
            LOG.error("could not start; the application runs unmetered", fault);
        }
    }

    private static void start(String agentArgs, Instrumentation instrumentation, boolean attached)
            throws Exception {
        if (!attached) {
            AgentLog.quietFor(QUIET_START);
        }
        Path configPath = AgentArguments.configPath(agentArgs, System.getenv());
        if (configPath == null) {
            LOG.error("no config given: start the agent with "
                    + "-javaagent:odometer-agent.jar=config=/path/to/odometer.yaml (or set "
                    + AgentArguments.ENV_VAR + " or -D" + AgentArguments.SYSTEM_PROPERTY
                    + "). The application runs unmetered.");
            return;
        }
        OdometerConfig config;
        try {
            config = ConfigLoader.load(configPath);
        } catch (ConfigException invalid) {
            unmetered(invalid.getMessage());
            return;
        }
        Clock clock = AgentClock.create();
        Supplier<MarketplaceClient> client = null;
        if (config.marketplace() != Marketplace.LOG) {
            try {
                client = MarketplaceClients.prepare(config, clock);
            } catch (ConfigException invalid) {
                unmetered(invalid.getMessage());
                return;
            }
        }
        ClusterStage.Login clusterLogin = null;
        if (config.cluster() != null) {
            // the cluster's classes (and JDBC) load only with cluster:
            try {
                clusterLogin = ClusterStage.login(config, System.getenv());
            } catch (ConfigException invalid) {
                unmetered(invalid.getMessage());
                return;
            }
        }
        Journal journal = null;
        if (client != null) {
            try {
                journal = Journal.open(config.journalDir(), config.journalMaxBytes(), clock,
                        skuIds(config));
            } catch (JournalException unusable) {
                LOG.error(unusable.getMessage());
                return;
            }
        }
        // the bootstrap classes must be in place before anything loads Counters
        Instrumenter.install(instrumentation, config, attached);

        RecordSink sink;
        if (journal == null) {
            sink = new LoggingRecordSink();
        } else {
            StoringSink.Downstream next;
            if (config.cluster() == null) {
                next = DeliveryStage.start(config, client, journal, clock);
            } else {
                next = ClusterStage.start(config, clusterLogin, client, journal, clock);
            }
            sink = new StoringSink(journal, next);
        }
        Accumulator accumulator = new Accumulator(new ArrayList<>(config.skus().values()),
                new CounterSlots(), sink, clock);
        accumulator.start(config.flushInterval());
        Runtime.getRuntime().addShutdownHook(new Thread(new ShutdownSequence(accumulator, sink,
                journal, config.shutdownTimeout(), OtherShutdownHooks.capture(instrumentation)),
                "odometer-shutdown"));
        String started = "started" + (attached ? " (attached)" : "") + ": metering "
                + config.skus().size() + " SKU(s) " + config.skus().keySet() + " for "
                + config.marketplace().configName() + ", sealing every "
                + config.flushInterval().toMillis() + " ms; config " + config.source();
        // like every info line in the first seconds, logged later by a thread of the agent's
        // own: setting up the host's logging is not premain's job
        LOG.info(started);
    }

    /** The accumulator's view of the counters (a class, not a method reference: premain
     *  spins up no invokedynamic). */
    private static final class CounterSlots implements SlotReader {
        @Override
        public long total(int slot) {
            return Counters.total(slot);
        }
    }

    private static void unmetered(String why) {
        LOG.error(why + " The application runs unmetered until this is fixed.");
    }

    /** The SKU id of each alias: the journal retries parked records of ended runs with them. */
    private static Map<String, String> skuIds(OdometerConfig config) {
        Map<String, String> skuIds = new LinkedHashMap<>();
        for (SkuConfig sku : config.skus().values()) {
            skuIds.put(sku.alias(), sku.skuId());
        }
        return skuIds;
    }
}
