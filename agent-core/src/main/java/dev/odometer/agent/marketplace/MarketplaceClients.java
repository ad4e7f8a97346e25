package dev.odometer.agent.marketplace;

import dev.odometer.agent.auth.AadClientCredentialsTokenSource;
import dev.odometer.agent.auth.KeyFileTokenSource;
import dev.odometer.agent.auth.ManagedIdentityTokenSource;
import dev.odometer.agent.auth.MetadataTokenSource;
import dev.odometer.agent.auth.Secret;
import dev.odometer.agent.auth.StaticTokenSource;
import dev.odometer.agent.auth.TokenSource;
import dev.odometer.agent.config.AuthConfig;
import dev.odometer.agent.config.AzureAuthConfig;
import dev.odometer.agent.config.AzureTarget;
import dev.odometer.agent.config.ConfigException;
import dev.odometer.agent.config.Marketplace;
import dev.odometer.agent.config.OdometerConfig;
import dev.odometer.agent.marketplace.azure.AzureMeteringClient;
import dev.odometer.agent.marketplace.yandex.YandexMeteringClient;
import java.time.Clock;
import java.util.function.Supplier;
import okhttp3.OkHttpClient;

/**
 * Builds the marketplace client a config describes. What can be wrong with the config is
 * checked at once ({@link #prepare}), cheaply; the HTTP stack itself is built on first use, on
 * the delivery thread, so the host's start-up never waits for OkHttp to load.
 */
public final class MarketplaceClients {
    private MarketplaceClients() {
    }

    /**
     * Checks what the config and the environment must provide and returns a supplier of the
     * client; call it off the host's threads.
     *
     * @throws ConfigException when a secret the config points at is missing
     */
    public static Supplier<MarketplaceClient> prepare(OdometerConfig config)
            throws ConfigException {
        return prepare(config, Clock.systemUTC());
    }

    /**
     * As {@link #prepare(OdometerConfig)}, with the clock the client stamps and clamps
     * timestamps by: the agent's one clock.
     */
    public static Supplier<MarketplaceClient> prepare(OdometerConfig config, Clock clock)
            throws ConfigException {
        if (config.marketplace() == Marketplace.AZURE) {
            return prepareAzure(config, clock);
        }
        if (config.marketplace() != Marketplace.YANDEX
                && config.marketplace() != Marketplace.YANDEX_SAAS) {
            throw new IllegalArgumentException("no client for " + config.marketplace());
        }
        AuthConfig auth = config.auth();
        String staticToken = null;
        String tokenOrigin = null;
        if (auth.tokenEnv() != null) {
            staticToken = System.getenv(auth.tokenEnv());
            tokenOrigin = "environment variable " + auth.tokenEnv();
            if (staticToken == null || staticToken.isBlank()) {
                throw new ConfigException(config.source() + ": auth.token_env: the environment "
                        + "variable " + auth.tokenEnv() + " is not set for this process; set it "
                        + "to the IAM token, or use auth.type metadata or key-file.");
            }
        } else if (auth.token() != null) {
            staticToken = auth.token();
            tokenOrigin = "auth.token in " + config.source().getFileName();
        }
        String token = staticToken;
        String origin = tokenOrigin;
        return () -> {
            OkHttpClient http = HttpClients.create();
            TokenSource tokens;
            switch (auth.type()) {
                case TOKEN:
                    tokens = new StaticTokenSource(token, origin);
                    break;
                case KEY_FILE:
                    tokens = new KeyFileTokenSource(http, auth.keyFile(), auth.iamEndpoint());
                    break;
                default:
                    tokens = new MetadataTokenSource(http, auth.metadataUrl());
            }
            boolean saas = config.marketplace() == Marketplace.YANDEX_SAAS;
            return new YandexMeteringClient(http, config.endpoint(),
                    saas ? YandexMeteringClient.Mode.SAAS : YandexMeteringClient.Mode.IMAGE,
                    saas ? config.productInstanceId() : config.productId(), tokens, clock);
        };
    }

    private static Supplier<MarketplaceClient> prepareAzure(OdometerConfig config, Clock clock)
            throws ConfigException {
        AzureAuthConfig auth = config.azureAuth();
        String secret = auth.clientSecret();
        if (auth.clientSecretEnv() != null) {
            secret = System.getenv(auth.clientSecretEnv());
            if (secret == null || secret.isBlank()) {
                throw new ConfigException(config.source() + ": auth.client_secret_env: the "
                        + "environment variable " + auth.clientSecretEnv() + " is not set for "
                        + "this process; set it to the application's client secret.");
            }
        }
        String clientSecret = secret;
        AzureTarget target = config.azure();
        return () -> {
            OkHttpClient http = HttpClients.create();
            TokenSource tokens;
            if (auth.managedIdentity()) {
                tokens = new ManagedIdentityTokenSource(http, auth.imdsUrl() == null
                        ? ManagedIdentityTokenSource.DEFAULT_IMDS_URL : auth.imdsUrl(),
                        auth.clientId());
            } else {
                tokens = new AadClientCredentialsTokenSource(http, auth.tenantId(),
                        auth.clientId(), Secret.of(clientSecret), auth.loginEndpoint() == null
                        ? AadClientCredentialsTokenSource.DEFAULT_LOGIN_ENDPOINT
                        : auth.loginEndpoint());
            }
            boolean managedApp = target.resourceUri() != null;
            return new AzureMeteringClient(http, config.endpoint(), managedApp
                    ? AzureMeteringClient.Mode.MANAGED_APPLICATION
                    : AzureMeteringClient.Mode.SAAS_SUBSCRIPTION,
                    managedApp ? target.resourceUri() : target.resourceId(), target.planId(),
                    tokens, clock);
        };
    }
}
