package dev.odometer.agent.auth;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/** The few log lines of this package, through System.Logger, each prefixed "[odometer] ". */
final class AgentLog {
    private static final Logger LOGGER = System.getLogger("dev.odometer.agent.auth");

    private AgentLog() {
    }

    static void warn(String message) {
        LOGGER.log(Level.WARNING, "[odometer] " + message);
    }
}
