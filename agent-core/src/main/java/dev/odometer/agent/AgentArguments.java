package dev.odometer.agent;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

/**
 * Where the config comes from: the agent argument {@code config=PATH}, else the environment
 * variable {@code ODOMETER_CONFIG}, else the system property {@code odometer.config}.
 */
final class AgentArguments {
    static final String ENV_VAR = "ODOMETER_CONFIG";
    static final String SYSTEM_PROPERTY = "odometer.config";

    private AgentArguments() {
    }

    /** @return the config path, or null when none of the three is set */
    static Path configPath(String agentArgs, Map<String, String> env) {
        String fromArgs = argument(agentArgs, "config");
        if (fromArgs != null) {
            return Paths.get(fromArgs);
        }
        String fromEnv = env.get(ENV_VAR);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Paths.get(fromEnv.trim());
        }
        String fromProperty = System.getProperty(SYSTEM_PROPERTY);
        if (fromProperty != null && !fromProperty.isBlank()) {
            return Paths.get(fromProperty.trim());
        }
        return null;
    }

    /** The value of {@code key=value} in a comma-separated agent argument string, or null. */
    static String argument(String agentArgs, String key) {
        if (agentArgs == null) {
            return null;
        }
        String trimmed = agentArgs.trim();
        // a bare path is accepted as the config path, the most common mistake
        if (key.equals("config") && !trimmed.isEmpty() && !trimmed.contains("=")) {
            return trimmed;
        }
        for (String part : trimmed.split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).trim().equals(key)) {
                String value = part.substring(eq + 1).trim();
                return value.isEmpty() ? null : value;
            }
        }
        return null;
    }
}
