package dev.odometer.agent.log;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * The agent's logger: {@link System.Logger} with every message prefixed {@value #PREFIX} so a
 * user can grep the host application's log for everything Odometer said.
 *
 * <p>The underlying logger is looked up on first use, not at class load, so that merely loading
 * agent classes during {@code premain} does not initialise the host's logging framework before
 * the host had a chance to configure it.
 */
public final class AgentLog {
    /** Prefix of every line the agent logs. */
    public static final String PREFIX = "[odometer] ";

    private static volatile boolean shuttingDown;

    private final String name;
    private volatile Logger logger;

    private AgentLog(String name) {
        this.name = name;
    }

    /**
     * From now on, write to standard error instead: during JVM shutdown the logging framework
     * may already be closed (java.util.logging resets its handlers in a shutdown hook of its
     * own), and what the agent says while shutting down (the last records, what is left
     * undelivered) must not be lost.
     */
    public static void shutdownStarted() {
        shuttingDown = true;
    }

    /** A logger named after the class that logs. */
    public static AgentLog forClass(Class<?> type) {
        return new AgentLog(type.getName());
    }

    public void info(String message) {
        log(Level.INFO, message, null);
    }

    public void warn(String message) {
        log(Level.WARNING, message, null);
    }

    /** An error the user has to act on: one line, no stack trace. */
    public void error(String message) {
        log(Level.ERROR, message, null);
    }

    /** An unexpected fault inside the agent: the stack trace helps us fix it. */
    public void error(String message, Throwable bug) {
        log(Level.ERROR, message, bug);
    }

    public void debug(String message) {
        log(Level.DEBUG, message, null);
    }

    private void log(Level level, String message, Throwable thrown) {
        try {
            if (shuttingDown) {
                if (level.getSeverity() >= Level.INFO.getSeverity()) {
                    System.err.println(PREFIX + level.getName() + " " + message
                            + (thrown == null ? "" : " (" + thrown + ")"));
                }
                return;
            }
            Logger target = logger();
            if (thrown == null) {
                target.log(level, PREFIX + message);
            } else {
                target.log(level, PREFIX + message, thrown);
            }
        } catch (Throwable ignored) {
            // logging must never take the host down
        }
    }

    private Logger logger() {
        Logger current = logger;
        if (current == null) {
            current = System.getLogger(name);
            logger = current;
        }
        return current;
    }
}
