package dev.odometer.agent.marketplace.azure;

import dev.odometer.agent.marketplace.DeliveryException;
import dev.odometer.agent.marketplace.MarketplaceClient;
import dev.odometer.agent.marketplace.RecordOutcome;
import dev.odometer.agent.record.UsageRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The configuration check for Azure, in place of {@code SkuValidation}, which would report every
 * SKU as a problem because Azure has no dry run to judge it. What can be checked without billing
 * is checked: that a token is obtained ({@link AzureMeteringClient#validate} sends no usage) and
 * that no two SKU aliases share a dimension (Azure keeps one event per dimension and hour, so
 * the second alias's usage would be dropped as Duplicate). Each SKU is then listed as not
 * checked, which is not a problem. It only returns data: the CLI and start-up code print it.
 */
public final class AzureSkuValidation {
    private AzureSkuValidation() {
    }

    /** @param dimensionsByAlias the configured SKUs, alias to Azure dimension, in config order */
    public static AzureValidationReport check(MarketplaceClient client,
            Map<String, String> dimensionsByAlias) {
        return check(client, dimensionsByAlias, Clock.systemUTC());
    }

    public static AzureValidationReport check(MarketplaceClient client,
            Map<String, String> dimensionsByAlias, Clock clock) {
        Map<String, RecordOutcome> outcomes = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        if (dimensionsByAlias.isEmpty()) {
            problems.add("No SKUs are configured: nothing to validate against "
                    + client.describe());
            return new AzureValidationReport(outcomes, problems, problems, null);
        }
        Instant now = clock.instant();
        Map<String, String> aliasByDimension = new LinkedHashMap<>();
        Map<String, String> sharing = new LinkedHashMap<>();
        List<UsageRecord> records = new ArrayList<>();
        for (Map.Entry<String, String> sku : dimensionsByAlias.entrySet()) {
            String first = aliasByDimension.putIfAbsent(sku.getValue(), sku.getKey());
            if (first == null) {
                records.add(UsageRecord.seal(sku.getKey(), sku.getValue(), 1, now));
            } else {
                sharing.put(sku.getKey(), first);
            }
        }
        DeliveryException failure = null;
        int size = Math.max(1, client.maxBatchSize());
        for (int from = 0; from < records.size() && failure == null; from += size) {
            List<UsageRecord> batch = records.subList(from, Math.min(records.size(), from + size));
            try {
                for (Map.Entry<UUID, RecordOutcome> e
                        : client.validate(batch).outcomes().entrySet()) {
                    outcomes.put(aliasOf(batch, e.getKey()), e.getValue());
                }
            } catch (DeliveryException e) {
                failure = e;
            }
        }
        List<String> lines = new ArrayList<>();
        if (failure != null) {
            problems.add(failureLine(failure));
        } else if (outcomes.containsValue(RecordOutcome.NOT_CHECKED)) {
            lines.add("Credentials OK: a token was obtained for " + client.describe());
        }
        for (Map.Entry<String, String> sku : dimensionsByAlias.entrySet()) {
            String alias = sku.getKey();
            String name = "SKU alias '" + alias + "' -> dimension '" + sku.getValue() + "'";
            RecordOutcome outcome = outcomes.get(alias);
            if (sharing.containsKey(alias)) {
                String line = name + " shares its dimension with SKU alias '" + sharing.get(alias)
                        + "': Azure takes one event per dimension and hour, so one of them would"
                        + " be dropped as Duplicate; give each SKU its own dimension";
                lines.add(line);
                problems.add(line);
            } else if (outcome == null) {
                lines.add(name + ": not checked");
            } else if (outcome == RecordOutcome.NOT_CHECKED) {
                lines.add(name + ": not checked (Azure has no dry run; an unknown dimension is"
                        + " reported as " + RecordOutcome.AZURE_INVALID_DIMENSION
                        + " at the first send)");
            } else if (outcome.isDelivered()) {
                lines.add(name + ": OK");
            } else {
                String line = name + " was rejected as " + outcome + ": "
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
        return new AzureValidationReport(outcomes, all, problems, failure);
    }

    private static String aliasOf(List<UsageRecord> batch, UUID uuid) {
        for (UsageRecord record : batch) {
            if (record.uuid().equals(uuid)) {
                return record.skuAlias();
            }
        }
        throw new IllegalStateException("uuid " + uuid + " was not in the batch");
    }

    /** Worded like {@code SkuValidation}'s, so both reports read alike. */
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
