package dev.odometer.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.odometer.agent.journal.Journal;
import dev.odometer.agent.marketplace.RecordOutcome;
import dev.odometer.agent.record.UsageRecord;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusCommandTest {
    @TempDir
    Path dir;

    @Test
    void showsDeliveredPendingInDoubtAndParkedPerSkuWhileTheJournalIsInUse() throws Exception {
        Path config = Files.writeString(dir.resolve("odometer.yaml"), String.join("\n",
                "marketplace: yandex", "product_id: p", "auth: {type: metadata}",
                "journal_dir: " + dir.resolve("journal"), "skus:", "  email: {sku_id: s1}",
                "  request: {sku_id: s2}", ""));
        Instant tenMinutesAgo = Instant.now().minusSeconds(600);
        try (Journal journal = Journal.open(dir.resolve("journal"), 1 << 20, Clock.systemUTC())) {
            UsageRecord delivered = UsageRecord.seal("email", "s1", 5, tenMinutesAgo);
            UsageRecord pending = UsageRecord.seal("email", "s1", 7, tenMinutesAgo);
            UsageRecord doubtful = UsageRecord.seal("email", "s1", 11, Instant.now());
            UsageRecord parked = UsageRecord.seal("request", "s2", 13, Instant.now());
            journal.add(List.of(delivered, pending, doubtful, parked));
            journal.attempting(List.of(delivered, doubtful, parked));
            journal.delivered(delivered, RecordOutcome.ACCEPTED);
            journal.parked(parked, RecordOutcome.INVALID_SKU_ID);

            StringWriter out = new StringWriter();
            int exit = OdometerCli.run(new PrintWriter(out, true), new PrintWriter(out, true),
                    "status", "--config", config.toString());

            assertThat(exit).as(out.toString()).isZero();
            assertThat(out.toString())
                    .containsPattern("email\\s+5\\s+7\\s+11\\s+0\\s+(9|10|11) min")
                    .containsPattern("request\\s+0\\s+0\\s+0\\s+13\\s+-");
        }
    }
}
