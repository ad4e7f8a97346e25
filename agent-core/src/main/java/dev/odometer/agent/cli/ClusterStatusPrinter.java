package dev.odometer.agent.cli;

import dev.odometer.agent.cluster.ClusterStage;
import dev.odometer.agent.config.ConfigException;
import dev.odometer.agent.config.OdometerConfig;
import dev.odometer.agent.journal.JournalStatus;
import dev.odometer.agent.store.StoreUnavailableException;
import dev.odometer.agent.store.postgres.ClusterStatus;
import dev.odometer.agent.store.postgres.PostgresDatabase;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;

/**
 * {@code status} with {@code cluster:}: the cluster's database per SKU and per node, which node
 * delivers, and what this host's journal holds that is not forwarded yet.
 */
final class ClusterStatusPrinter {
    private static final String ROW = "  %-24s %14s %14s %14s %14s  %s%n";

    private final PrintWriter out;
    private final PrintWriter err;

    ClusterStatusPrinter(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    int print(OdometerConfig config) {
        ClusterStage.Login login;
        try {
            login = ClusterStage.login(config, System.getenv());
        } catch (ConfigException e) {
            err.println("odometer: " + e.getMessage());
            return ConfigOption.BAD_CONFIG;
        }
        ClusterStatus status;
        try (PostgresDatabase database = ClusterStage.database(config, login)) {
            status = ClusterStatus.read(database);
        } catch (StoreUnavailableException e) {
            err.println("odometer: " + e.getMessage());
            printLocalJournal(config);
            return 1;
        }
        out.println("odometer: cluster " + config.cluster().url() + " (schema "
                + config.cluster().schema() + "): " + (status.holder() == null
                ? "no node delivers now (the lease is free; the next node to look takes it)"
                : "node " + status.holder() + " delivers (lease for another "
                + Duration.between(status.now(), status.leaseExpires()).getSeconds() + " s)"));
        out.printf(ROW, "SKU", "delivered", "waiting", "in doubt", "parked", "");
        for (Map.Entry<String, ClusterStatus.Units> sku : status.skus().entrySet()) {
            row(sku.getKey(), sku.getValue(), "");
        }
        out.printf(ROW, "node (what it sealed)", "delivered", "waiting", "in doubt", "parked",
                "last seen");
        for (Map.Entry<String, ClusterStatus.Node> node : status.nodes().entrySet()) {
            ClusterStatus.Node n = node.getValue();
            row(node.getKey() + (n.delivers ? " (delivers)" : ""), n.units,
                    n.lastSeen == null ? "-" : StatusCommand.human(Duration.between(n.lastSeen,
                            status.now())) + " ago");
        }
        printLocalJournal(config);
        return 0;
    }

    private void row(String name, ClusterStatus.Units units, String last) {
        out.printf(ROW, name, units.delivered, units.waiting, units.inDoubt, units.parked, last);
    }

    /** What this host's journal holds that has not reached the database yet. */
    private void printLocalJournal(OdometerConfig config) {
        try {
            JournalStatus local = JournalStatus.read(config.journalDir());
            long units = 0;
            for (JournalStatus.Sku sku : local.skus().values()) {
                units += sku.pendingUnits() + sku.inDoubtUnits();
            }
            out.println("  this host's journal " + config.journalDir() + ": " + units
                    + " units not forwarded to the database yet");
        } catch (IOException e) {
            out.println("  this host's journal " + config.journalDir() + " cannot be read: "
                    + e.getMessage());
        }
    }
}
