package dev.odometer.agent.store;

/**
 * The store cannot be reached, or refused a step (another node changed the same records first,
 * or this node no longer may deliver); nothing was changed by the step. The caller keeps what
 * it holds and tries again later.
 */
public final class StoreUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message) {
        super(message);
    }

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
