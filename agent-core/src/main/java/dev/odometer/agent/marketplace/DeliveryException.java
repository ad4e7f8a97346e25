package dev.odometer.agent.marketplace;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A batch could not be delivered, as a whole: nothing in it was answered record by record.
 *
 * <p>{@link #kind()} tells the delivery loop how to react, {@link #retryAfter()} carries the
 * server's own pacing and {@link #possiblyReceived()} whether the marketplace may have seen the
 * records (so a later resend with the same uuids may come back DUPLICATE).
 *
 * <p>The message names the endpoint and the HTTP status; it never holds a token, a key or the
 * request body, so it is safe to log.
 */
public final class DeliveryException extends Exception {
    private static final long serialVersionUID = 1L;

    /** How the delivery loop should treat the failure. */
    public enum Kind {
        /** HTTP 401 even with a freshly fetched token: the credentials are not accepted. */
        UNAUTHORIZED,
        /** HTTP 403: the account may not report usage (role missing, billing account blocked). */
        FORBIDDEN,
        /** Transient: HTTP 429, 5xx, I/O errors, timeouts. Resend the same batch later. */
        RETRYABLE,
        /** HTTP 400 and other 4xx: the request itself is malformed, a bug or a bad endpoint. */
        REJECTED_REQUEST,
        /** No token could be obtained: bad key file, metadata unreachable, JWT rejected. */
        AUTH_FAILED
    }

    private final Kind kind;
    private final boolean possiblyReceived;
    private final Duration retryAfter;
    private final int httpStatus;

    /**
     * @param kind             how to react
     * @param message          safe to log: endpoint and status, never a secret
     * @param possiblyReceived whether the request may have reached the marketplace
     * @param retryAfter       the server's Retry-After, or null
     * @param httpStatus       the HTTP status, or 0 when there was no HTTP answer
     * @param cause            the I/O error behind it, or null; never one whose message could
     *                         hold a secret
     */
    public DeliveryException(Kind kind, String message, boolean possiblyReceived,
            Duration retryAfter, int httpStatus, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.possiblyReceived = possiblyReceived;
        this.retryAfter = retryAfter;
        this.httpStatus = httpStatus;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * True when the request may have reached the marketplace (a failure after it was written:
     * read timeout, connection reset while waiting for the answer, 5xx); false when it provably
     * did not (DNS or connect failure, 401, 403, 429).
     */
    public boolean possiblyReceived() {
        return possiblyReceived;
    }

    /** How long the server asked us to wait (its {@code Retry-After}), if it said so. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /**
     * True when the marketplace refused the request as a whole for what it holds (HTTP 400,
     * 413 or 422): nothing was stored, and smaller batches may isolate the records it refuses.
     * Other refusals (404, a redirect) are about the endpoint, whatever the batch holds.
     */
    public boolean refusesTheRecords() {
        return kind == Kind.REJECTED_REQUEST
                && (httpStatus == 400 || httpStatus == 413 || httpStatus == 422);
    }

    /** The HTTP status of the answer, empty when there was none (I/O error, no token). */
    public OptionalInt httpStatus() {
        return httpStatus == 0 ? OptionalInt.empty() : OptionalInt.of(httpStatus);
    }
}
