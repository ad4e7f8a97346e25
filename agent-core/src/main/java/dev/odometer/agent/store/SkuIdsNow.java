package dev.odometer.agent.store;

import java.util.Map;

/** What the config now says a record's SKU alias bills to: how a config fix reaches parked records. */
public final class SkuIdsNow {
    private SkuIdsNow() {
    }

    /**
     * The SKU id the config now gives {@code alias}; for an Azure event of several aliases
     * sharing a dimension ({@code a+b}), the one they all still share; null if none.
     */
    public static String of(String alias, Map<String, String> skuIds) {
        String skuId = null;
        for (String part : alias.split("\\+")) {
            String now = skuIds.get(part);
            if (now == null || (skuId != null && !skuId.equals(now))) {
                return null;
            }
            skuId = now;
        }
        return skuId;
    }
}
