package dev.odometer.agent.marketplace;

import dev.odometer.agent.record.UsageRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks the configuration against the marketplace without billing anything: one validate-only
 * request with a record of quantity 1 per configured SKU (several requests past the client's
 * batch size), and a report saying, per SKU alias, OK or what to fix. Credential and product
 * problems (401, 403, no token, unknown product) come as one line each. It only returns data:
 * the CLI and start-up code print it.
 *
 * <p>{@link #check} is the check of a marketplace with a dry run (Yandex). A marketplace that
 * checks its own way builds on {@link #nothingToCheck} and {@link #ask}.
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
        if (skuIdsByAlias.isEmpty()) {
            return nothingToCheck(client);
        }
        ValidationReport.Builder report = ask(client, skuIdsByAlias, clock);
        if (report.anyOutcome(RecordOutcome.INVALID_PRODUCT_ID)) {
            report.problem(client.describe() + " was rejected as INVALID_PRODUCT_ID: check the"
                    + " product id in the config against the partner dashboard");
        }
        for (Map.Entry<String, String> sku : skuIdsByAlias.entrySet()) {
            String alias = sku.getKey();
            String name = "SKU alias '" + alias + "' -> sku_id '" + sku.getValue() + "'";
            RecordOutcome outcome = report.outcome(alias);
            if (outcome == RecordOutcome.INVALID_PRODUCT_ID) {
                report.line(name + ": not checked, the product id was rejected");
            } else if (outcome == RecordOutcome.INVALID_SKU_ID) {
                report.problemLine(name + " was rejected as INVALID_SKU_ID: check skus." + alias
                        + ".sku_id in the config against the partner dashboard");
            } else {
                report.verdict(name, outcome);
            }
        }
        return report.build();
    }

    /** The report on a config without SKUs: one problem, and nothing was asked. */
    public static ValidationReport nothingToCheck(MarketplaceClient client) {
        return new ValidationReport.Builder()
                .problem("No SKUs are configured: nothing to validate against "
                        + client.describe())
                .build();
    }

    /**
     * Asks {@code client} to validate a record of quantity 1 per SKU, dated now, in batches of
     * its {@link MarketplaceClient#maxBatchSize()}, and stops at the first failure, which
     * becomes the report's first problem (worded by its kind: credentials rejected, access
     * denied, no token, refused, unreachable).
     *
     * @param skuIdsByAlias the SKUs to ask about, alias to marketplace SKU id, in config order
     * @return the report so far, holding the verdict per alias, for the caller to add its lines
     */
    public static ValidationReport.Builder ask(MarketplaceClient client,
            Map<String, String> skuIdsByAlias, Clock clock) {
        Instant now = clock.instant();
        List<UsageRecord> records = new ArrayList<>();
        for (Map.Entry<String, String> sku : skuIdsByAlias.entrySet()) {
            records.add(UsageRecord.seal(sku.getKey(), sku.getValue(), 1, now));
        }
        ValidationReport.Builder report = new ValidationReport.Builder();
        int size = Math.max(1, client.maxBatchSize());
        for (int from = 0; from < records.size(); from += size) {
            List<UsageRecord> batch = records.subList(from, Math.min(records.size(), from + size));
            try {
                SendResult result = client.validate(batch);
                for (UsageRecord record : batch) {
                    report.outcome(record.skuAlias(), result.outcome(record.uuid()));
                }
            } catch (DeliveryException e) {
                return report.failure(e, failureLine(e));
            }
        }
        return report;
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
