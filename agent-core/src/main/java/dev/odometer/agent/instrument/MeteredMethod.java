package dev.odometer.agent.instrument;

/**
 * The decision for one method: which counter slot it adds to, which calls count, and which
 * parameter (if any) gives the amount. Made once when the class is transformed and then written
 * into the bytecode as constants.
 */
final class MeteredMethod {
    /** No {@code @Quantity} parameter: every counted call adds 1. */
    static final int NO_QUANTITY = -1;

    final String alias;
    final int slot;
    final CountMode mode;
    final int quantityIndex;
    final String origin;
    /** The method returns a {@code CompletionStage}: it counts when the stage completes. */
    final boolean async;

    MeteredMethod(String alias, int slot, CountMode mode, int quantityIndex, String origin,
                  boolean async) {
        this.alias = alias;
        this.slot = slot;
        this.mode = mode;
        this.quantityIndex = quantityIndex;
        this.origin = origin;
        this.async = async;
    }

    @Override
    public String toString() {
        return "SKU '" + alias + "' (" + origin + ", counts " + mode.name().toLowerCase()
                + (async ? " of the returned stage" : "")
                + (quantityIndex == NO_QUANTITY ? "" : ", quantity from parameter " + quantityIndex)
                + ")";
    }
}
