package dev.odometer.agent.marketplace;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Reads an HTTP {@code Retry-After} header: delay-seconds or an HTTP-date (RFC 9110 10.2.3). */
public final class RetryAfter {
    /** Longer digit strings are absurd anyway; Backoff clamps what it is given. */
    private static final int MAX_SECONDS_DIGITS = 9;

    private RetryAfter() {
    }

    /**
     * @param value the header value, or null
     * @param clock the time an HTTP-date is measured from
     * @return the delay the server asks for; zero for a date in the past; empty when absent or
     *         unreadable
     */
    public static Optional<Duration> parse(String value, Clock clock) {
        if (value == null) {
            return Optional.empty();
        }
        String text = value.trim();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        if (isDigits(text)) {
            if (text.length() > MAX_SECONDS_DIGITS) {
                return Optional.of(Duration.ofSeconds(999_999_999L));
            }
            return Optional.of(Duration.ofSeconds(Long.parseLong(text)));
        }
        try {
            Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant();
            Duration delay = Duration.between(clock.instant(), at);
            return Optional.of(delay.isNegative() ? Duration.ZERO : delay);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static boolean isDigits(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
