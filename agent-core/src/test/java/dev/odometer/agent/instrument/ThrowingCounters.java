package dev.odometer.agent.instrument;

import dev.odometer.agent.bootstrap.Counters;

/** Stands in for {@link Counters} in woven test classes: enter works, every exit throws. */
public final class ThrowingCounters {
    static volatile int calls;

    private ThrowingCounters() {
    }

    public static Counters.Row enter(int slot) {
        calls++;
        return Counters.enter(slot);
    }

    public static void exit(Counters.Row frame, int slot, long amount) {
        calls++;
        Counters.exit(frame, slot, 0);
        throw new IllegalStateException("exit failed");
    }

    public static void exitAsync(Counters.Row frame, int slot, long amount, int mode,
                                 Object returned, Throwable thrown) {
        calls++;
        Counters.exit(frame, slot, 0);
        throw new StackOverflowError("exitAsync failed");
    }
}
