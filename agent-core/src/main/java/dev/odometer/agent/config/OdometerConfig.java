package dev.odometer.agent.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The validated agent configuration, read from the YAML file by {@link ConfigLoader}. Immutable.
 * Every value here has passed validation, so the rest of the agent never re-checks it.
 */
public final class OdometerConfig {
    /** The most SKUs one agent meters; each gets one counter slot. */
    public static final int MAX_SKUS = 256;

    private final Path source;
    private final Marketplace marketplace;
    private final String productId;
    private final String productInstanceId;
    private final URI endpoint;
    private final AuthConfig auth;
    private final Duration flushInterval;
    private final Path journalDir;
    private final long journalMaxBytes;
    private final Duration shutdownTimeout;
    private final InDoubtPolicy inDoubtPolicy;
    private final boolean validateOnStart;
    private final Map<String, SkuConfig> skus;
    private final AzureTarget azure;
    private final AzureAuthConfig azureAuth;
    private final ClusterConfig cluster;

    OdometerConfig(Path source, Marketplace marketplace, String productId, String productInstanceId,
                   URI endpoint, AuthConfig auth, Duration flushInterval, Path journalDir,
                   long journalMaxBytes, Duration shutdownTimeout, InDoubtPolicy inDoubtPolicy,
                   boolean validateOnStart, Map<String, SkuConfig> skus, AzureTarget azure,
                   AzureAuthConfig azureAuth, ClusterConfig cluster) {
        this.source = source;
        this.marketplace = marketplace;
        this.productId = productId;
        this.productInstanceId = productInstanceId;
        this.endpoint = endpoint;
        this.auth = auth;
        this.flushInterval = flushInterval;
        this.journalDir = journalDir;
        this.journalMaxBytes = journalMaxBytes;
        this.shutdownTimeout = shutdownTimeout;
        this.inDoubtPolicy = inDoubtPolicy;
        this.validateOnStart = validateOnStart;
        this.skus = Collections.unmodifiableMap(new LinkedHashMap<>(skus));
        this.azure = azure;
        this.azureAuth = azureAuth;
        this.cluster = cluster;
    }

    /**
     * The {@code cluster:} section: replicas share a PostgreSQL store; null when the process
     * meters and delivers alone.
     */
    public ClusterConfig cluster() {
        return cluster;
    }

    /** The file this config was read from, for messages. */
    public Path source() {
        return source;
    }

    public Marketplace marketplace() {
        return marketplace;
    }

    /** Yandex image product id ({@code product_id}), or null. */
    public String productId() {
        return productId;
    }

    /** Yandex SaaS product instance id ({@code product_instance_id}), or null. */
    public String productInstanceId() {
        return productInstanceId;
    }

    /** Base URL of the metering API, or null for the log marketplace. */
    public URI endpoint() {
        return endpoint;
    }

    /** The auth section, or null for the log marketplace. */
    public AuthConfig auth() {
        return auth;
    }

    /** How often counts are sealed into usage records. */
    public Duration flushInterval() {
        return flushInterval;
    }

    public Path journalDir() {
        return journalDir;
    }

    /** The bound on the journal's size on disk ({@code journal_max_bytes}). */
    public long journalMaxBytes() {
        return journalMaxBytes;
    }

    /** How long shutdown may spend delivering what is left ({@code shutdown_timeout}). */
    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /** What happens to a record still in doubt when it expires ({@code in_doubt_policy}). */
    public InDoubtPolicy inDoubtPolicy() {
        return inDoubtPolicy;
    }

    public boolean validateOnStart() {
        return validateOnStart;
    }

    /** The Azure resource and plan, or null for other marketplaces. */
    public AzureTarget azure() {
        return azure;
    }

    /** The Azure auth section, or null for other marketplaces. */
    public AzureAuthConfig azureAuth() {
        return azureAuth;
    }

    /** SKUs by alias, in the order of the file. */
    public Map<String, SkuConfig> skus() {
        return skus;
    }

    @Override
    public String toString() {
        return "OdometerConfig{" + source + ", marketplace=" + marketplace.configName()
                + ", skus=" + skus.values() + ", flush_interval=" + flushInterval + ", auth=" + auth
                + '}';
    }
}
