package dev.odometer.agent.auth;

/**
 * No token could be obtained: the key file is unreadable or malformed, the metadata service is
 * unreachable, IAM rejected the signed JWT, ... The message says which source failed and why,
 * and never holds a token, a key or a file's content.
 */
public final class AuthException extends Exception {
    private static final long serialVersionUID = 1L;

    public AuthException(String message) {
        super(message);
    }

    /** @param cause an I/O error whose message holds no secret */
    public AuthException(String message, Throwable cause) {
        super(message, cause);
    }
}
