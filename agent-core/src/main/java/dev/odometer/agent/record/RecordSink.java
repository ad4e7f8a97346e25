package dev.odometer.agent.record;

import java.time.Duration;
import java.util.List;

/** The stage after the accumulator: takes sealed records on and answers for them from then on. */
public interface RecordSink {
    /**
     * Takes newly sealed records. Called from the accumulator's thread, never from the host's;
     * must not block for long.
     */
    void accept(List<UsageRecord> records);

    /** Delivers what it can within {@code timeout}; called once on shutdown. */
    default void flush(Duration timeout) {
    }
}
