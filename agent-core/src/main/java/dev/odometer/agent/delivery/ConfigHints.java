package dev.odometer.agent.delivery;

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

    String fixFor(RecordOutcome outcome, UsageRecord record) {
        if (outcome == RecordOutcome.INVALID_PRODUCT_ID) {
            return "the marketplace does not know " + productKey + " '" + productValue
                    + "': check " + productKey + " in " + configFile
                    + " against the partner dashboard";
        }
        return "the marketplace does not know this SKU for the product: check skus."
                + record.skuAlias() + ".sku_id in " + configFile + " against the partner dashboard";
    }
}
