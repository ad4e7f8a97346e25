package dev.odometer.agent;

import dev.odometer.agent.accumulate.Accumulator;
import dev.odometer.agent.bootstrap.Counters;
import dev.odometer.agent.config.ConfigException;
import dev.odometer.agent.config.ConfigLoader;
import dev.odometer.agent.config.Marketplace;
import dev.odometer.agent.config.OdometerConfig;
import dev.odometer.agent.delivery.DeliveryStage;
import dev.odometer.agent.instrument.Instrumenter;
import dev.odometer.agent.log.AgentLog;
import dev.odometer.agent.marketplace.MarketplaceClient;
import dev.odometer.agent.marketplace.MarketplaceClients;
import dev.odometer.agent.record.LoggingRecordSink;
import dev.odometer.agent.record.RecordSink;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/** Starts the agent's stages in order; any failure leaves the host running, unmetered. */
final class AgentStarter {
    private static final AgentLog LOG = AgentLog.forClass(AgentStarter.class);
    private static final AtomicBoolean STARTED = new AtomicBoolean();
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

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
            LOG.error(invalid.getMessage() + " The application runs unmetered until this is "
                    + "fixed.");
            return;
        }
        Supplier<MarketplaceClient> client = null;
        if (config.marketplace() != Marketplace.LOG) {
            try {
                client = MarketplaceClients.prepare(config);
            } catch (ConfigException invalid) {
                LOG.error(invalid.getMessage() + " The application runs unmetered until this is "
                        + "fixed.");
                return;
            }
        }
        // the bootstrap classes must be in place before anything loads Counters
        Instrumenter.install(instrumentation, config, attached);

        RecordSink sink = client == null ? new LoggingRecordSink()
                : DeliveryStage.start(config, client);
        Accumulator accumulator = new Accumulator(new ArrayList<>(config.skus().values()),
                Counters::total, sink, Clock.systemUTC());
        accumulator.start(config.flushInterval());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            AgentLog.shutdownStarted();
            try {
                accumulator.close();
                accumulator.seal();
            } catch (RuntimeException e) {
                LOG.error("could not seal the last window at shutdown: " + e);
            }
            sink.flush(SHUTDOWN_TIMEOUT);
        }, "odometer-shutdown"));
        LOG.info("started" + (attached ? " (attached)" : "") + ": metering "
                + config.skus().size() + " SKU(s) " + config.skus().keySet() + " for "
                + config.marketplace().configName() + ", sealing every "
                + config.flushInterval().toMillis() + " ms; config " + config.source());
    }
}
