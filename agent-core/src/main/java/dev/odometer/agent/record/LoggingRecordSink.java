package dev.odometer.agent.record;

import java.io.PrintStream;
import java.util.List;

/**
 * The {@code log} marketplace: prints each sealed record on a line of its own, prefixed like
 * every agent line, for trying Odometer out. It prints to standard output directly rather than
 * through the logging framework, which may already be closed when the last records are sealed
 * at shutdown.
 */
public final class LoggingRecordSink implements RecordSink {
    private final PrintStream out;

    public LoggingRecordSink() {
        this(System.out);
    }

    LoggingRecordSink(PrintStream out) {
        this.out = out;
    }

    @Override
    public void accept(List<UsageRecord> records) {
        StringBuilder lines = new StringBuilder();
        for (UsageRecord record : records) {
            lines.append("[odometer] usage record uuid=").append(record.uuid())
                    .append(" sku=").append(record.skuAlias())
                    .append(" (").append(record.skuId()).append(") quantity=")
                    .append(record.quantity()).append(" timestamp=").append(record.timestamp())
                    .append(System.lineSeparator());
        }
        out.print(lines);
        out.flush();
    }
}
