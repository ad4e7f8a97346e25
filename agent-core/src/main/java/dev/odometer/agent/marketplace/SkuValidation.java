package dev.odometer.agent.marketplace;

import dev.odometer.agent.record.UsageRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the configuration against the marketplace without billing anything: one validate-only
 * request with a record of quantity 1 per configured SKU (several requests past the client's
 * batch size), and a report saying, per SKU alias, OK or what to fix. Credential and product
 * problems (401, 403, no token, unknown product) come as one line each. It only returns data:
 * the CLI and start-up code print it.
 */
public final class SkuValidation {
    private SkuValidation() {
    }

    /** @param skuIdsByAlias the configured SKUs, alias to marketplace SKU id, in config order */
    public static ValidationReport check(MarketplaceClient client,
            Map<String, String> skuIdsByAlias) {
        return check(client, skuIdsByAlias, Clock.systemUTC());
    }

    public static ValidationReport check(MarketplaceClient client,
            Map<String, String> skuIdsByAlias, Clock clock) {
        Map<String, RecordOutcome> outcomes = new LinkedHashMap<>();
        List<String> lines = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (skuIdsByAlias.isEmpty()) {
            problems.add("No SKUs are configured: nothing to validate against "
                    + client.describe());
            return new ValidationReport(outcomes, problems, problems, null);
        }
        Instant now = clock.instant();
        List<UsageRecord> records = new ArrayList<>();
        for (Map.Entry<String, String> sku : skuIdsByAlias.entrySet()) {
            records.add(UsageRecord.seal(sku.getKey(), sku.getValue(), 1, now));
        }
        DeliveryException failure = null;
        int size = Math.max(1, client.maxBatchSize());
        for (int from = 0; from < records.size() && failure == null; from += size) {
            List<UsageRecord> batch = records.subList(from, Math.min(records.size(), from + size));
            try {
                SendResult result = client.validate(batch);
                for (UsageRecord record : batch) {
                    outcomes.put(record.skuAlias(), result.outcome(record.uuid()));
                }
            } catch (DeliveryException e) {
                failure = e;
            }
        }
        if (failure != null) {
            problems.add(failureLine(failure));
        }
        boolean productRejected = outcomes.containsValue(RecordOutcome.INVALID_PRODUCT_ID);
        if (productRejected) {
            problems.add(client.describe() + " was rejected as INVALID_PRODUCT_ID: check the"
                    + " product id in the config against the partner dashboard");
        }
        for (UsageRecord record : records) {
            RecordOutcome outcome = outcomes.get(record.skuAlias());
            String sku = "SKU alias '" + record.skuAlias() + "' -> sku_id '" + record.skuId()
                    + "'";
            if (outcome == null) {
                lines.add(sku + ": not checked");
            } else if (outcome.isDelivered()) {
                lines.add(sku + ": OK");
            } else if (outcome == RecordOutcome.INVALID_PRODUCT_ID) {
                lines.add(sku + ": not checked, the product id was rejected");
            } else if (outcome == RecordOutcome.INVALID_SKU_ID) {
                String line = sku + " was rejected as INVALID_SKU_ID: check skus."
                        + record.skuAlias() + ".sku_id in the config against the partner"
                        + " dashboard";
                lines.add(line);
                problems.add(line);
            } else {
                String line = sku + " was rejected as " + outcome + ": "
                        + outcome.explanation();
                lines.add(line);
                problems.add(line);
            }
        }
        List<String> all = new ArrayList<>();
        for (String problem : problems) {
            if (!lines.contains(problem)) {
                all.add(problem);
            }
        }
        all.addAll(lines);
        return new ValidationReport(outcomes, all, problems, failure);
    }

    private static String failureLine(DeliveryException e) {
        switch (e.kind()) {
            case UNAUTHORIZED:
                return "Credentials rejected (HTTP 401): " + e.getMessage();
            case FORBIDDEN:
                return "Access denied (HTTP 403): " + e.getMessage();
            case AUTH_FAILED:
                return "No token could be obtained: " + e.getMessage();
            case REJECTED_REQUEST:
                return "The marketplace refused the check request: " + e.getMessage();
            default:
                return "The marketplace could not be reached, the SKUs were not checked: "
                        + e.getMessage();
        }
    }
}
