package dev.odometer.agent.cli;

import dev.odometer.agent.cluster.ClusterStage;
import dev.odometer.agent.config.ConfigException;
import dev.odometer.agent.config.Marketplace;
import dev.odometer.agent.config.OdometerConfig;
import dev.odometer.agent.config.SkuConfig;
import dev.odometer.agent.marketplace.MarketplaceClient;
import dev.odometer.agent.marketplace.MarketplaceClients;
import dev.odometer.agent.marketplace.SkuValidation;
import dev.odometer.agent.marketplace.ValidationReport;
import dev.odometer.agent.marketplace.azure.AzureSkuValidation;
import dev.odometer.agent.store.StoreUnavailableException;
import dev.odometer.agent.store.postgres.ClusterStatus;
import dev.odometer.agent.store.postgres.PostgresDatabase;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * Checks a config against the marketplace before it goes live: the file itself, the
 * credentials, the product and every SKU id, with one validate-only request that writes no
 * usage; with {@code cluster:} also the database (reachable, credentials, the schema usable).
 * Exit code 0 when all is well, 1 when the marketplace or the database refuses something, 2
 * when the config file itself is wrong.
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check the config, the credentials and every SKU id against the "
                + "marketplace (a validate-only request: no usage is written).")
final class ValidateCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        OdometerConfig parsed = config.load(err);
        if (parsed == null) {
            return ConfigOption.BAD_CONFIG;
        }
        if (parsed.marketplace() == Marketplace.LOG) {
            out.println("odometer: " + parsed.source() + " is valid; marketplace log sends "
                    + "nothing, so there is no marketplace to check against");
            return 0;
        }
        MarketplaceClient client;
        try {
            client = MarketplaceClients.prepare(parsed).get();
        } catch (ConfigException invalid) {
            err.println("odometer: " + invalid.getMessage());
            return ConfigOption.BAD_CONFIG;
        }
        Map<String, String> skuIds = new LinkedHashMap<>();
        for (SkuConfig sku : parsed.skus().values()) {
            skuIds.put(sku.alias(), sku.skuId());
        }
        ValidationReport report = parsed.marketplace() == Marketplace.AZURE
                ? AzureSkuValidation.check(client, skuIds) : SkuValidation.check(client, skuIds);
        out.println("odometer: checked " + client.describe());
        for (String line : report.lines()) {
            out.println("  " + line);
        }
        if (parsed.cluster() != null) {
            int database = checkDatabase(parsed, out, err);
            if (database != 0) {
                return database;
            }
        }
        if (report.isOk()) {
            out.println("odometer: OK: the credentials, the product and all " + skuIds.size()
                    + " SKUs are accepted");
            return 0;
        }
        err.println("odometer: " + report.problems().size() + " problem(s) above: fix them and "
                + "run validate again");
        return 1;
    }

    /**
     * With {@code cluster:}: connects as the agent would, which also creates or checks the
     * schema, and reads the cluster's counts.
     */
    private static int checkDatabase(OdometerConfig parsed, PrintWriter out, PrintWriter err) {
        ClusterStage.Login login;
        try {
            login = ClusterStage.login(parsed, System.getenv());
        } catch (ConfigException invalid) {
            err.println("odometer: " + invalid.getMessage());
            return ConfigOption.BAD_CONFIG;
        }
        try (PostgresDatabase database = ClusterStage.database(parsed, login)) {
            ClusterStatus status = ClusterStatus.read(database);
            out.println("  the cluster's database " + parsed.cluster().url() + " (schema "
                    + parsed.cluster().schema() + ") is usable: " + status.nodes().size()
                    + " node(s) known, " + (status.holder() == null ? "none delivering now"
                    : "node " + status.holder() + " delivering"));
            return 0;
        } catch (StoreUnavailableException unusable) {
            err.println("odometer: " + unusable.getMessage());
            return 1;
        }
    }
}
