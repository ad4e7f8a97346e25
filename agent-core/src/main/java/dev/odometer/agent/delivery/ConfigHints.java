package dev.odometer.agent.delivery;

import dev.odometer.agent.config.OdometerConfig;
import dev.odometer.agent.marketplace.RecordOutcome;
import dev.odometer.agent.record.UsageRecord;

/** Names the config key behind a configuration error, so the message says what to fix. */
public final class ConfigHints {
    private final String configFile;
    private final String productKey;
    private final String productValue;

    /**
     * @param configFile   the config file name, as the user knows it
     * @param productKey   {@code product_id} or {@code product_instance_id}
     * @param productValue its value
     */
    public ConfigHints(String configFile, String productKey, String productValue) {
        this.configFile = configFile;
        this.productKey = productKey;
        this.productValue = productValue;
    }

    /** Hints for a config: the product key of Yandex, or Azure's resource. */
    public static ConfigHints forConfig(OdometerConfig config) {
        String file = String.valueOf(config.source().getFileName());
        switch (config.marketplace()) {
            case YANDEX_SAAS:
                return new ConfigHints(file, "product_instance_id", config.productInstanceId());
            case AZURE:
                return new ConfigHints(file, config.azure().resourceId() != null ? "resource_id"
                        : "resource_uri", config.azure().resourceId() != null
                        ? config.azure().resourceId() : config.azure().resourceUri());
            default:
                return new ConfigHints(file, "product_id", config.productId());
        }
    }

    /** What a 403 means for this marketplace. */
    String forbidden() {
        if (productKey.startsWith("resource")) {
            return "the AAD application or identity may not report usage for " + productKey
                    + " '" + productValue + "' (it must be the offer's registered application)";
        }
        return "the service account lacks the role marketplace.meteringAgent, or the billing "
                + "account is in a state that allows no consumption";
    }

    String fixFor(RecordOutcome outcome, UsageRecord record) {
        if (outcome == RecordOutcome.AZURE_INVALID_DIMENSION) {
            return "the plan has no such dimension: check skus." + record.skuAlias()
                    + ".dimension and plan_id in " + configFile + " against Partner Center";
        }
        if (outcome.name().startsWith("AZURE_")) {
            return productKey + " '" + productValue + "' in " + configFile + ": "
                    + outcome.explanation();
        }
        if (outcome == RecordOutcome.INVALID_PRODUCT_ID) {
            return "the marketplace does not know " + productKey + " '" + productValue
                    + "': check " + productKey + " in " + configFile
                    + " against the partner dashboard";
        }
        return "the marketplace does not know this SKU for the product: check skus."
                + record.skuAlias() + ".sku_id in " + configFile + " against the partner dashboard";
    }
}
