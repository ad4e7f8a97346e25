package dev.odometer.agent.store;

import dev.odometer.agent.record.UsageRecord;
import java.util.Objects;

/**
 * A record waiting for delivery, with what the store knows about it: whether it is an hour's
 * event made by rolling other records up, and whether an attempt to send it may have reached
 * the marketplace. A snapshot, handed out by the store; the delivery policies ask it their
 * questions.
 */
public final class PendingRecord {
    private final UsageRecord record;
    private final boolean rolledUp;
    private final boolean possiblyReceived;

    public PendingRecord(UsageRecord record, boolean rolledUp, boolean possiblyReceived) {
        this.record = Objects.requireNonNull(record, "record");
        this.rolledUp = rolledUp;
        this.possiblyReceived = possiblyReceived;
    }

    public UsageRecord record() {
        return record;
    }

    /** Made by {@link RecordStore#rollUp} (an Azure hour's event). */
    public boolean isRolledUp() {
        return rolledUp;
    }

    /** Some attempt to send it may have reached the marketplace (it is in doubt). */
    public boolean possiblyReceived() {
        return possiblyReceived;
    }

    @Override
    public String toString() {
        return record + (rolledUp ? " rolled up" : "") + (possiblyReceived ? " in doubt" : "");
    }
}
