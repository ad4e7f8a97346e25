package dev.odometer.agent.config;

/**
 * The config cannot be used. The message is meant for the user as is: it names the file, the
 * line and the key, what is wrong, and how to fix it, and never contains a secret.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
