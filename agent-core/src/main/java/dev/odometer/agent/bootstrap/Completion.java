package dev.odometer.agent.bootstrap;

import java.util.function.BiConsumer;

/**
 * Counts a metered call that returned a {@code CompletionStage} when the stage completes, on
 * whichever thread completes it. Loaded by the bootstrap class loader with {@link Counters}.
 *
 * <p>Not API: application code must never use this class.
 */
final class Completion implements BiConsumer<Object, Throwable> {
    private final int slot;
    private final long amount;
    private final int mode;

    Completion(int slot, long amount, int mode) {
        this.slot = slot;
        this.amount = amount;
        this.mode = mode;
    }

    @Override
    public void accept(Object result, Throwable failure) {
        try {
            if (Counters.counts(mode, failure != null)) {
                Counters.add(slot, amount);
            }
        } catch (Throwable ignored) {
            // never disturb the stage's other dependants
        }
    }
}
