package dev.odometer.agent.bootstrap;

import java.util.concurrent.atomic.LongAdder;

/**
 * The counter slots that metered methods add to. Loaded by the bootstrap class loader, so code
 * inlined into any class of any class loader can reach it.
 *
 * <p>This is the hot path: {@link #add(int, long)} is one array load and one striped
 * {@link LongAdder#add}: no allocation once warm, no map lookup, no lock. The slot index is a
 * constant that the instrumentation wrote into the caller's bytecode.
 *
 * <p>Slots are only ever added to; the accumulator seals the difference between two readings of
 * {@link #total(int)}. Because every slot only grows, a reading taken later is never smaller,
 * so an add that races with a reading is counted in exactly one window: this one or the next.
 *
 * <p>Not API: application code must never call this class.
 */
public final class Counters {
    /** Number of slots; one per configured SKU. */
    public static final int CAPACITY = 256;

    private static final LongAdder[] SLOTS = new LongAdder[CAPACITY];

    static {
        for (int i = 0; i < CAPACITY; i++) {
            SLOTS[i] = new LongAdder();
        }
    }

    private Counters() {
    }

    /** Adds {@code amount} units to {@code slot}. Called from inlined advice. */
    public static void add(int slot, long amount) {
        SLOTS[slot].add(amount);
    }

    /** Everything ever added to {@code slot} in this JVM. */
    public static long total(int slot) {
        return SLOTS[slot].sum();
    }
}
