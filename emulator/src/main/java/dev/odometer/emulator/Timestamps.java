package dev.odometer.emulator;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Parsing the timestamps clients send. */
final class Timestamps {

    private Timestamps() {}

    /** RFC 3339: {@code 2024-09-16T19:01:10Z}, with or without fractional seconds, {@code Z} or an offset. */
    static Optional<Instant> rfc3339(String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** ISO 8601 as Azure takes it: RFC 3339, or a date-time without zone, which is UTC ({@code 2018-12-01T08:30:14}). */
    static Optional<Instant> iso8601Utc(String text) {
        Optional<Instant> zoned = rfc3339(text);
        if (zoned.isPresent() || text == null) {
            return zoned;
        }
        try {
            return Optional.of(LocalDateTime.parse(text, DateTimeFormatter.ISO_LOCAL_DATE_TIME).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
