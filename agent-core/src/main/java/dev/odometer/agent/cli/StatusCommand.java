package dev.odometer.agent.cli;

import dev.odometer.agent.config.OdometerConfig;
import dev.odometer.agent.journal.JournalStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * Prints, per SKU, what the journal says: units delivered, pending, in doubt and parked, and
 * the age of the oldest waiting record. Reads the journal without locking it, so it works while
 * the application runs.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show per SKU what was delivered and what waits, from the journal, or "
                + "with cluster: from the cluster's database, per SKU and per node (works while "
                + "the application runs).")
final class StatusCommand implements Callable<Integer> {
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
        if (parsed.cluster() != null) {
            return new ClusterStatusPrinter(out, err).print(parsed);
        }
        JournalStatus status;
        try {
            status = JournalStatus.read(parsed.journalDir());
        } catch (IOException unreadable) {
            err.println("odometer: cannot read the journal in " + parsed.journalDir() + ": "
                    + unreadable.getMessage());
            return 1;
        }
        out.println("odometer: journal " + parsed.journalDir());
        out.printf("  %-20s %14s %14s %14s %14s  %s%n", "SKU", "delivered", "pending",
                "in doubt", "parked", "oldest waiting");
        Map<String, Duration> ages = status.oldestPendingAges(Instant.now());
        for (String alias : parsed.skus().keySet()) {
            print(out, alias, status.skus().get(alias), ages.get(alias));
        }
        for (Map.Entry<String, JournalStatus.Sku> e : status.skus().entrySet()) {
            if (!parsed.skus().containsKey(e.getKey())) {
                // "a+b": the hourly events of Azure aliases that share a dimension
                boolean shared = e.getKey().contains("+") && parsed.skus().keySet()
                        .containsAll(java.util.Arrays.asList(e.getKey().split("\\+")));
                print(out, e.getKey() + (shared ? "" : " (not in config)"), e.getValue(),
                        ages.get(e.getKey()));
            }
        }
        if (status.skippedBytes() > 0) {
            out.println("  (" + status.skippedBytes() + " bytes being written or damaged were "
                    + "left out)");
        }
        return 0;
    }

    private static void print(PrintWriter out, String alias, JournalStatus.Sku sku, Duration age) {
        if (sku == null) {
            out.printf("  %-20s %14d %14d %14d %14d  %s%n", alias, 0, 0, 0, 0, "-");
            return;
        }
        out.printf("  %-20s %14d %14d %14d %14d  %s%n", alias, sku.deliveredUnits(),
                sku.pendingUnits(), sku.inDoubtUnits(), sku.parkedUnits(),
                age == null ? "-" : human(age));
    }

    static String human(Duration age) {
        long seconds = Math.max(0, age.getSeconds());
        if (seconds < 120) {
            return seconds + " s";
        }
        if (seconds < 7200) {
            return seconds / 60 + " min";
        }
        return seconds / 3600 + " h";
    }
}
