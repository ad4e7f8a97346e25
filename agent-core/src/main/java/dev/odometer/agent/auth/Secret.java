package dev.odometer.agent.auth;

import java.util.Objects;

/**
 * Holds a secret string (a token) so that it cannot reach a log line by accident: its
 * {@link #toString()} is redacted; only {@link #reveal()} gives the value, for the one place that
 * must send it.
 */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    public static Secret of(String value) {
        Objects.requireNonNull(value, "value");
        return new Secret(value);
    }

    /** The secret itself: only to put it on the wire. */
    public String reveal() {
        return value;
    }

    /** True when {@code text} contains the secret (to keep it out of messages). */
    public boolean isIn(String text) {
        return text != null && !value.isEmpty() && text.contains(value);
    }

    @Override
    public String toString() {
        return "Secret[redacted]";
    }
}
