package dev.odometer.agent.config;

import java.util.Objects;

/**
 * The {@code cluster:} section: the replicas of one service share the product's own PostgreSQL
 * database as their record store, so any of them can deliver what another sealed. Secrets are
 * held by name (an environment variable) or, for tests and local runs, inline; they are read
 * when the agent connects and never appear in {@link #toString()}.
 */
public final class ClusterConfig {
    /** The schema the agent's tables live in when {@code schema:} is not given. */
    public static final String DEFAULT_SCHEMA = "odometer";

    private final String url;
    private final String user;
    private final String userEnv;
    private final String password;
    private final String passwordEnv;
    private final String schema;
    private final String nodeId;

    ClusterConfig(String url, String user, String userEnv, String password, String passwordEnv,
                  String schema, String nodeId) {
        this.url = Objects.requireNonNull(url, "url");
        this.user = user;
        this.userEnv = userEnv;
        this.password = password;
        this.passwordEnv = passwordEnv;
        this.schema = Objects.requireNonNull(schema, "schema");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    }

    /** The JDBC URL ({@code cluster.postgres.url}), {@code jdbc:postgresql://...}. */
    public String url() {
        return url;
    }

    /** The database user given inline ({@code user:}), or null. */
    public String user() {
        return user;
    }

    /** The environment variable holding the user ({@code user_env:}), or null. */
    public String userEnv() {
        return userEnv;
    }

    /** The password given inline ({@code password:}), or null. */
    public String password() {
        return password;
    }

    /** The environment variable holding the password ({@code password_env:}), or null. */
    public String passwordEnv() {
        return passwordEnv;
    }

    /** The schema of the agent's tables; created if missing. */
    public String schema() {
        return schema;
    }

    /** This node's name in the cluster ({@code node_id:}, default host name + pid). */
    public String nodeId() {
        return nodeId;
    }

    @Override
    public String toString() {
        return "ClusterConfig{url=" + url + ", schema=" + schema + ", node_id=" + nodeId + '}';
    }
}
