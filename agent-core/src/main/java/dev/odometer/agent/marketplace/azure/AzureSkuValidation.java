package dev.odometer.agent.marketplace.azure;

import dev.odometer.agent.marketplace.MarketplaceClient;
import dev.odometer.agent.marketplace.RecordOutcome;
import dev.odometer.agent.marketplace.SkuValidation;
import dev.odometer.agent.marketplace.ValidationReport;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The configuration check for Azure, in place of {@code SkuValidation.check}, which would report
 * every SKU as a problem because Azure has no dry run to judge it. What can be checked without
 * billing is checked: that a token is obtained ({@link AzureMeteringClient#validate} sends no
 * usage). SKU aliases that share a dimension are asked about once and listed as sharing it:
 * their units are summed into the dimension's one event per hour. Each SKU is then listed as
 * not checked, which is not a problem. It only returns data: the CLI and start-up code print it.
 */
public final class AzureSkuValidation {
    private AzureSkuValidation() {
    }

    /** @param dimensionsByAlias the configured SKUs, alias to Azure dimension, in config order */
    public static ValidationReport check(MarketplaceClient client,
            Map<String, String> dimensionsByAlias) {
        return check(client, dimensionsByAlias, Clock.systemUTC());
    }

    public static ValidationReport check(MarketplaceClient client,
            Map<String, String> dimensionsByAlias, Clock clock) {
        if (dimensionsByAlias.isEmpty()) {
            return SkuValidation.nothingToCheck(client);
        }
        Map<String, String> aliasByDimension = new LinkedHashMap<>();
        Map<String, String> sharing = new LinkedHashMap<>();
        Map<String, String> toAsk = new LinkedHashMap<>();
        for (Map.Entry<String, String> sku : dimensionsByAlias.entrySet()) {
            String first = aliasByDimension.putIfAbsent(sku.getValue(), sku.getKey());
            if (first == null) {
                toAsk.put(sku.getKey(), sku.getValue());
            } else {
                sharing.put(sku.getKey(), first);
            }
        }
        ValidationReport.Builder report = SkuValidation.ask(client, toAsk, clock);
        if (!report.failed() && report.anyOutcome(RecordOutcome.NOT_CHECKED)) {
            report.line("Credentials OK: a token was obtained for " + client.describe());
        }
        for (Map.Entry<String, String> sku : dimensionsByAlias.entrySet()) {
            String alias = sku.getKey();
            String name = "SKU alias '" + alias + "' -> dimension '" + sku.getValue() + "'";
            RecordOutcome outcome = report.outcome(alias);
            if (sharing.containsKey(alias)) {
                report.line(name + " shares its dimension with SKU alias '"
                        + sharing.get(alias) + "': Azure takes one event per dimension and hour,"
                        + " so their units are summed into that one event");
            } else if (outcome == RecordOutcome.NOT_CHECKED) {
                report.line(name + ": not checked (Azure has no dry run; an unknown dimension is"
                        + " reported as " + RecordOutcome.AZURE_INVALID_DIMENSION
                        + " at the first send)");
            } else {
                report.verdict(name, outcome);
            }
        }
        return report.build();
    }
}
