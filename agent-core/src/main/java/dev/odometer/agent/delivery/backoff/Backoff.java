package dev.odometer.agent.delivery.backoff;

import dev.odometer.agent.marketplace.DeliveryException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;

/**
 * How long the delivery loop waits before its next attempt. Pure: it only computes durations
 * (it never sleeps or reads a clock), from an injected {@link Random}.
 *
 * <ul>
 *   <li>Transient failures back off exponentially from {@code base} (1 s) up to {@code cap}
 *       (5 min) with jitter: {@link Jitter#DECORRELATED} (default, {@code min(cap,
 *       random(base, 3 * previous))}) or {@link Jitter#FULL} ({@code random(0, min(cap, base *
 *       2^n))}).</li>
 *   <li>FORBIDDEN and UNAUTHORIZED wait for a person (a role or a billing account restored,
 *       credentials fixed), and billing must resume soon after: they back off exponentially
 *       from {@code personBase} (1 s) to at most {@code personCap} (60 s), jittered between
 *       half and all of that, and a Retry-After is clamped to the cap too.</li>
 *   <li>A server's Retry-After is honoured: never retry sooner than it says, but an absurd value
 *       is clamped to {@code maxRetryAfter} (1 h).</li>
 *   <li>{@link #reset()} after a success starts over from {@code base}.</li>
 * </ul>
 *
 * Thread-safe, though one loop normally owns one instance.
 */
public final class Backoff {

    /** The jitter applied to the exponential delay. */
    public enum Jitter {
        /** Uniform between 0 and the exponential ceiling. */
        FULL,
        /** Uniform between base and three times the previous delay, capped. */
        DECORRELATED
    }

    private final long baseMillis;
    private final long capMillis;
    private final long personBaseMillis;
    private final long personCapMillis;
    private final long maxRetryAfterMillis;
    private final Jitter jitter;
    private final Random random;

    private int failures;
    private long previousMillis;

    private Backoff(Builder builder) {
        this.baseMillis = builder.base.toMillis();
        this.capMillis = builder.cap.toMillis();
        this.personBaseMillis = builder.personBase.toMillis();
        this.personCapMillis = builder.personCap.toMillis();
        this.maxRetryAfterMillis = builder.maxRetryAfter.toMillis();
        this.jitter = builder.jitter;
        this.random = builder.random;
        this.previousMillis = baseMillis;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The delay after a failed attempt, chosen by its kind (and its Retry-After). */
    public Duration nextDelay(DeliveryException failure) {
        switch (failure.kind()) {
            case FORBIDDEN:
            case UNAUTHORIZED:
                return nextDelayWaitingForAPerson(failure.retryAfter());
            default:
                return nextDelay(failure.retryAfter());
        }
    }

    /** The delay after a transient failure, exponential and jittered. */
    public synchronized Duration nextDelay(Optional<Duration> retryAfter) {
        long delay;
        if (jitter == Jitter.FULL) {
            long ceiling = Math.min(capMillis, baseMillis << Math.min(failures, 30));
            delay = (long) (random.nextDouble() * ceiling);
        } else {
            long upper = Math.min(capMillis, previousMillis * 3);
            delay = Math.min(capMillis, between(baseMillis, upper));
            previousMillis = delay;
        }
        if (failures < Integer.MAX_VALUE) {
            failures++;
        }
        return honour(delay, retryAfter);
    }

    /**
     * The delay after a failure a person has to fix (FORBIDDEN, UNAUTHORIZED): exponential,
     * never longer than the cap (a minute), whatever the server's Retry-After says.
     */
    public synchronized Duration nextDelayWaitingForAPerson(Optional<Duration> retryAfter) {
        long ceiling = Math.min(personCapMillis, personBaseMillis << Math.min(failures, 30));
        if (failures < Integer.MAX_VALUE) {
            failures++;
        }
        long delay = between(ceiling / 2, ceiling);
        return Duration.ofMillis(Math.min(personCapMillis,
                honour(delay, retryAfter).toMillis()));
    }

    /** Starts over after a success. */
    public synchronized void reset() {
        failures = 0;
        previousMillis = baseMillis;
    }

    /** Failures since the last {@link #reset()}. */
    public synchronized int failures() {
        return failures;
    }

    private long between(long low, long high) {
        if (high <= low) {
            return low;
        }
        return low + (long) (random.nextDouble() * (high - low));
    }

    private Duration honour(long delayMillis, Optional<Duration> retryAfter) {
        long wait = delayMillis;
        if (retryAfter.isPresent()) {
            Duration asked = retryAfter.get();
            long askedMillis = asked.isNegative() ? 0
                    : asked.compareTo(Duration.ofMillis(maxRetryAfterMillis)) > 0
                            ? maxRetryAfterMillis : asked.toMillis();
            wait = Math.max(wait, askedMillis);
        }
        return Duration.ofMillis(wait);
    }

    /** Settings, with the defaults documented on {@link Backoff}. */
    public static final class Builder {
        private Duration base = Duration.ofSeconds(1);
        private Duration cap = Duration.ofMinutes(5);
        private Duration personBase = Duration.ofSeconds(1);
        private Duration personCap = Duration.ofMinutes(1);
        private Duration maxRetryAfter = Duration.ofHours(1);
        private Jitter jitter = Jitter.DECORRELATED;
        private Random random = new Random();

        private Builder() {
        }

        public Builder base(Duration base) {
            this.base = positive(base, "base");
            return this;
        }

        public Builder cap(Duration cap) {
            this.cap = positive(cap, "cap");
            return this;
        }

        /** The backoff for FORBIDDEN and UNAUTHORIZED: from {@code base} up to {@code cap}. */
        public Builder waitingForAPerson(Duration base, Duration cap) {
            this.personBase = positive(base, "waiting for a person: base");
            this.personCap = positive(cap, "waiting for a person: cap");
            return this;
        }

        /** The longest Retry-After honoured; longer ones are clamped to it. */
        public Builder maxRetryAfter(Duration maxRetryAfter) {
            this.maxRetryAfter = positive(maxRetryAfter, "maxRetryAfter");
            return this;
        }

        public Builder jitter(Jitter jitter) {
            this.jitter = Objects.requireNonNull(jitter, "jitter");
            return this;
        }

        public Builder random(Random random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        public Backoff build() {
            if (cap.compareTo(base) < 0) {
                throw new IllegalArgumentException("cap " + cap + " is below base " + base);
            }
            if (personCap.compareTo(personBase) < 0) {
                throw new IllegalArgumentException("waiting for a person: cap " + personCap
                        + " is below base " + personBase);
            }
            return new Backoff(this);
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + value);
            }
            return value;
        }
    }
}
