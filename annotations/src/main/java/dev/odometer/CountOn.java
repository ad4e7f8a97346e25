package dev.odometer;

/** Which calls of a {@link Metered} method are counted. */
public enum CountOn {
    /** Calls that return normally (the default): a failed operation is not billed. */
    SUCCESS,
    /** Calls that end by throwing, for SKUs that bill failures (for example a failed check). */
    FAILURE,
    /** Every call, however it ends. */
    ALWAYS
}
