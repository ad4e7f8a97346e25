package dev.odometer.agent.journal;

/** The journal cannot be used; the message says why and what to do, for the user as is. */
public final class JournalException extends Exception {
    private static final long serialVersionUID = 1L;

    public JournalException(String message) {
        super(message);
    }

    public JournalException(String message, Throwable cause) {
        super(message, cause);
    }
}
