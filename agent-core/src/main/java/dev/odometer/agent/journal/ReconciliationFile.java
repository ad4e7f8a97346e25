package dev.odometer.agent.journal;

import dev.odometer.agent.record.UsageRecord;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * {@code reconciliation.csv} in the journal directory: one line for every record whose fate at
 * the marketplace is unknown and that was dropped or billed again when it expired, and for
 * every record moved to a later slot because the marketplace held another one in its place,
 * so a person can settle it with the marketplace's own records.
 */
final class ReconciliationFile {
    static final String NAME = "reconciliation.csv";
    private static final String HEADER = "decided_at,uuid,sku_alias,sku_id,quantity,"
            + "usage_timestamp,decision,rebilled_as,detail\n";

    private final Path path;

    ReconciliationFile(Path directory) {
        this.path = directory.resolve(NAME);
    }

    /** A record in doubt at expiry: dropped, or billed again as {@code rebilledAs}. */
    void append(Instant decidedAt, UsageRecord record, UsageRecord rebilledAs)
            throws IOException {
        append(decidedAt, record, rebilledAs == null ? "dropped" : "rebilled", rebilledAs,
                "may or may not have reached the marketplace before it expired");
    }

    /**
     * A record with {@code decision} ({@code dropped}, {@code rebilled}, {@code moved}), the
     * record that carries its units on ({@code replacement}, or null) and why.
     */
    void append(Instant decidedAt, UsageRecord record, String decision, UsageRecord replacement,
                String detail) throws IOException {
        if (!Files.exists(path)) {
            try {
                JournalFile.createOwnerOnly(path);
                appendSynced(HEADER);
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another process of this journal_dir wrote the header
            }
        }
        String line = decidedAt + "," + record.uuid() + "," + record.skuAlias() + ","
                + csv(record.skuId()) + "," + record.quantity() + "," + record.timestamp() + ","
                + decision + "," + (replacement == null ? "" : replacement.uuid()) + ","
                + csv(detail) + "\n";
        appendSynced(line);
    }

    /** One write in append mode (whole lines from several processes do not interleave). */
    private void appendSynced(String text) throws IOException {
        try (FileOutputStream out = new FileOutputStream(path.toFile(), true)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.getFD().sync();
        }
    }

    /** RFC 4180 quoting, for free text (SKU ids come from the config, details from us). */
    private static String csv(String field) {
        if (field.contains(",") || field.contains("\"") || field.contains("\n")) {
            return "\"" + field.replace("\"", "\"\"") + "\"";
        }
        return field;
    }

    Path path() {
        return path;
    }
}
