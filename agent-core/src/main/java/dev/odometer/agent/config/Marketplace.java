package dev.odometer.agent.config;

import java.net.URI;

/** Where usage records go: the {@code marketplace:} key of the config. */
public enum Marketplace {
    /** Yandex Cloud Marketplace, image products: the VM reports its own usage. */
    YANDEX("yandex", "https://marketplace.api.cloud.yandex.net"),
    /** Yandex Cloud Marketplace, SaaS products: the publisher reports per product instance. */
    YANDEX_SAAS("yandex-saas", "https://marketplace.api.cloud.yandex.net"),
    /** Azure Marketplace metering service. */
    AZURE("azure", "https://marketplaceapi.microsoft.com"),
    /** Prints sealed records to the log instead of sending them: for trying Odometer out. */
    LOG("log", null);

    private final String configName;
    private final String defaultEndpoint;

    Marketplace(String configName, String defaultEndpoint) {
        this.configName = configName;
        this.defaultEndpoint = defaultEndpoint;
    }

    /** The spelling used in the config file. */
    public String configName() {
        return configName;
    }

    /** The public API endpoint, or {@code null} for {@link #LOG}. */
    public URI defaultEndpoint() {
        return defaultEndpoint == null ? null : URI.create(defaultEndpoint);
    }

    static Marketplace fromConfigName(String name) {
        for (Marketplace m : values()) {
            if (m.configName.equals(name)) {
                return m;
            }
        }
        return null;
    }
}
