package dev.odometer.agent.config;

import java.net.URI;

/** The {@code auth:} section for Azure. Its {@link #toString()} never shows the secret. */
public final class AzureAuthConfig {
    private final boolean managedIdentity;
    private final String tenantId;
    private final String clientId;
    private final String clientSecretEnv;
    private final String clientSecret;
    private final URI loginEndpoint;
    private final URI imdsUrl;

    AzureAuthConfig(boolean managedIdentity, String tenantId, String clientId,
                    String clientSecretEnv, String clientSecret, URI loginEndpoint, URI imdsUrl) {
        this.managedIdentity = managedIdentity;
        this.tenantId = tenantId;
        this.clientId = clientId;
        this.clientSecretEnv = clientSecretEnv;
        this.clientSecret = clientSecret;
        this.loginEndpoint = loginEndpoint;
        this.imdsUrl = imdsUrl;
    }

    /** {@code type: managed-identity}; otherwise client credentials. */
    public boolean managedIdentity() {
        return managedIdentity;
    }

    public String tenantId() {
        return tenantId;
    }

    /** The AAD application id, or (managed identity) a user-assigned identity's, or null. */
    public String clientId() {
        return clientId;
    }

    public String clientSecretEnv() {
        return clientSecretEnv;
    }

    /** The inline secret, or null. A secret: never log it. */
    public String clientSecret() {
        return clientSecret;
    }

    /** Override of the AAD login endpoint (tests), or null for the public one. */
    public URI loginEndpoint() {
        return loginEndpoint;
    }

    /** Override of the instance metadata service (tests), or null for the link-local one. */
    public URI imdsUrl() {
        return imdsUrl;
    }

    @Override
    public String toString() {
        return "AzureAuthConfig{" + (managedIdentity ? "managed-identity" : "client-credentials")
                + (tenantId == null ? "" : ", tenant_id=" + tenantId)
                + (clientId == null ? "" : ", client_id=" + clientId)
                + (clientSecretEnv == null ? "" : ", client_secret_env=" + clientSecretEnv)
                + (clientSecret == null ? "" : ", client_secret=<redacted>") + '}';
    }
}
