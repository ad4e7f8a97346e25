package dev.odometer.agent.cluster;

import dev.odometer.agent.config.ClusterConfig;
import dev.odometer.agent.config.ConfigException;
import dev.odometer.agent.config.OdometerConfig;
import dev.odometer.agent.config.SkuConfig;
import dev.odometer.agent.delivery.DeliveryLoop;
import dev.odometer.agent.delivery.DeliveryStage;
import dev.odometer.agent.journal.Journal;
import dev.odometer.agent.log.AgentLog;
import dev.odometer.agent.marketplace.MarketplaceClient;
import dev.odometer.agent.store.StoringSink;
import dev.odometer.agent.store.postgres.LeaderLease;
import dev.odometer.agent.store.postgres.PostgresDatabase;
import dev.odometer.agent.store.postgres.PostgresStore;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Assembles a node of a cluster ({@code cluster:} in the config): the local journal forwards
 * into the shared PostgreSQL store, and the delivery loop sends from there while this node
 * holds the delivery lease. Loaded only with {@code cluster:}, so without it no JDBC class
 * loads.
 */
public final class ClusterStage {
    private static final AgentLog LOG = AgentLog.forClass(ClusterStage.class);

    private ClusterStage() {
    }

    /** The database user and password, read from where the config says. */
    public static final class Login {
        final String user;
        final String password;

        Login(String user, String password) {
            this.user = user;
            this.password = password;
        }

        @Override
        public String toString() {
            return "Login{user=" + user + ", password=[redacted]}";
        }
    }

    /**
     * Reads the database credentials from the environment or the config, as it says.
     *
     * @throws ConfigException when a variable the config names is not set
     */
    public static Login login(OdometerConfig config, Map<String, String> env)
            throws ConfigException {
        ClusterConfig cluster = config.cluster();
        return new Login(valueOf(config, "user", cluster.user(), cluster.userEnv(), env),
                valueOf(config, "password", cluster.password(), cluster.passwordEnv(), env));
    }

    /**
     * Starts the cluster thread and the delivery loop over the cluster's store; returns what
     * the store stage tells about new records. Nothing here waits for the database: the
     * cluster thread connects.
     */
    public static StoringSink.Downstream start(OdometerConfig config, Login login,
                                               Supplier<MarketplaceClient> client,
                                               Journal journal, Clock clock) {
        ClusterConfig cluster = config.cluster();
        // one connection for the cluster thread and one for the delivery thread
        PostgresDatabase forwarding = database(config, login);
        PostgresDatabase delivering = database(config, login);
        LeaderLease lease = new LeaderLease(forwarding, cluster.nodeId());
        PostgresStore forwardTo = new PostgresStore(forwarding, cluster.nodeId(), lease);
        PostgresStore sendFrom = new PostgresStore(delivering, cluster.nodeId(), lease);
        LeaderOnlyStore deliveryView = new LeaderOnlyStore(sendFrom, lease::held);
        Map<String, String> skuIds = new java.util.LinkedHashMap<>();
        for (SkuConfig sku : config.skus().values()) {
            skuIds.put(sku.alias(), sku.skuId());
        }
        ClusterNode node = new ClusterNode(cluster.nodeId(), journal, forwardTo, lease,
                deliveryView, skuIds, clock);
        DeliveryLoop loop = DeliveryStage.start(config, client, deliveryView, clock, node);
        node.deliveryLoop(loop);
        node.start();
        LOG.debug("node " + cluster.nodeId() + " of the cluster in " + cluster.url()
                + " (schema " + cluster.schema() + ")");
        return node;
    }

    /** A connection to the cluster's database, opened on first use. */
    public static PostgresDatabase database(OdometerConfig config, Login login) {
        ClusterConfig cluster = config.cluster();
        return new PostgresDatabase(cluster.url(), login.user, login.password, cluster.schema());
    }

    static String valueOf(OdometerConfig config, String key, String inline, String envName,
                          Map<String, String> env) throws ConfigException {
        if (envName == null) {
            return inline;
        }
        String value = env.get(envName);
        if (value == null || value.isEmpty()) {
            throw new ConfigException(config.source() + ": cluster.postgres." + key + "_env: the "
                    + "environment variable " + envName + " is not set for this process; set it "
                    + "to the database " + key + (key.equals("user") ? ", or give user:" : "")
                    + ".");
        }
        return value;
    }
}
