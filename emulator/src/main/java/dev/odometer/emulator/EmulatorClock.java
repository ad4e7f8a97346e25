package dev.odometer.emulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The emulator's idea of "now": the system clock plus an offset that tests move forward, so that an hour of
 * marketplace time (records turning {@code EXPIRED}, tokens running out, Azure's 24-hour window) passes
 * without anybody waiting. Every time rule of the emulator reads this clock, except the {@code iat}/{@code exp}
 * check of a JWT, which the client signed with its own, unmoved clock.
 */
public final class EmulatorClock {

    private final Clock system;
    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

    EmulatorClock(Clock system) {
        this.system = system;
    }

    /**
     * System time plus the offset, to the millisecond (the times the emulator writes, such as Azure's
     * {@code messageTime}, then have at most three fractional digits, which every client's parser takes).
     */
    public Instant now() {
        return system.instant().plus(offset.get()).truncatedTo(ChronoUnit.MILLIS);
    }

    /** The current offset from the system clock (zero unless a test or an admin call moved it). */
    public Duration offset() {
        return offset.get();
    }

    /** Moves the emulator's time forward (or back, with a negative duration) by {@code duration}. */
    public void advance(Duration duration) {
        offset.accumulateAndGet(duration, Duration::plus);
    }

    /** Sets the offset from the system clock outright. */
    public void setOffset(Duration newOffset) {
        offset.set(newOffset);
    }

    /** The system clock without the offset: what the clients' own clocks say. */
    Instant systemNow() {
        return system.instant();
    }
}
