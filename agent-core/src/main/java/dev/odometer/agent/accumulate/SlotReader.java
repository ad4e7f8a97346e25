package dev.odometer.agent.accumulate;

/** Reads a counter slot's running total; the real one is the bootstrap {@code Counters}. */
@FunctionalInterface
public interface SlotReader {
    /** Everything ever added to {@code slot}; never decreases. */
    long total(int slot);
}
