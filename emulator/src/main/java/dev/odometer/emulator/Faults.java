package dev.odometer.emulator;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * The running emulator's fault switches: the in-process equivalent of {@code GET/POST /admin/faults}
 * (the clock offset, which the admin endpoint also shows, lives in {@link EmulatorClock}).
 * Changes apply to the next request.
 */
public final class Faults {

    private final AtomicReference<FaultSettings> current;

    Faults(FaultSettings initial) {
        current = new AtomicReference<>(Objects.requireNonNull(initial));
    }

    /** The faults in force. */
    public FaultSettings current() {
        return current.get();
    }

    /** Replaces all faults, e.g. {@code set(FaultSettings.none().withOutage(true))}. */
    public void set(FaultSettings settings) {
        current.set(Objects.requireNonNull(settings));
    }

    /** Changes some faults and keeps the rest, e.g. {@code update(f -> f.withErrorRate(1).withErrorStatus(429))}. */
    public FaultSettings update(UnaryOperator<FaultSettings> change) {
        return current.updateAndGet(f -> Objects.requireNonNull(change.apply(f)));
    }

    /** Back to a healthy marketplace. */
    public void clear() {
        set(FaultSettings.none());
    }
}
