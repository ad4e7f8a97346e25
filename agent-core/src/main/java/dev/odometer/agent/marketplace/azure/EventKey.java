package dev.odometer.agent.marketplace.azure;

import dev.odometer.agent.record.UsageRecord;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * What Azure tells usage events apart by, within one resource: the dimension and the calendar
 * hour ({@code effectiveStartTime} truncated to hh:00:00Z). One event per key is accepted, later
 * ones are Duplicate; so it is also how an answer's results are matched to the batch's records,
 * Azure having no id chosen by the client.
 */
final class EventKey {
    private final String dimension;
    private final Instant hour;

    EventKey(String dimension, Instant hour) {
        this.dimension = Objects.requireNonNull(dimension, "dimension");
        this.hour = Objects.requireNonNull(hour, "hour");
    }

    /** The record's dimension ({@code skuId}) and the hour its timestamp falls in. */
    static EventKey of(UsageRecord record) {
        return new EventKey(record.skuId(), hourOf(record.timestamp()));
    }

    static Instant hourOf(Instant time) {
        return time.truncatedTo(ChronoUnit.HOURS);
    }

    /**
     * Reads an answer's {@code effectiveStartTime}: ISO 8601 with {@code Z} or an offset, any
     * number of fractional digits (Azure writes seven), or without a zone (read as UTC).
     *
     * @return the instant, or null when the value is not such a string
     */
    static Instant parseTime(Object value) {
        if (!(value instanceof String)) {
            return null;
        }
        String text = ((String) value).trim();
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            // no zone, perhaps
        }
        try {
            return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    String dimension() {
        return dimension;
    }

    /** The start of the hour, hh:00:00Z. */
    Instant hour() {
        return hour;
    }

    /**
     * True when a result naming {@code otherDimension} and {@code otherHour} (either null when
     * the result leaves it out) cannot be about another event than this one.
     */
    boolean admits(String otherDimension, Instant otherHour) {
        return (otherDimension == null || otherDimension.equalsIgnoreCase(dimension))
                && (otherHour == null || otherHour.equals(hour));
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof EventKey)) {
            return false;
        }
        EventKey that = (EventKey) o;
        return dimension.equals(that.dimension) && hour.equals(that.hour);
    }

    @Override
    public int hashCode() {
        return dimension.hashCode() * 31 + hour.hashCode();
    }

    @Override
    public String toString() {
        return "dimension '" + dimension + "' in the hour " + hour;
    }
}
