package dev.odometer.agent.config;

/** How the agent obtains the bearer token for the marketplace API: {@code auth.type}. */
public enum AuthType {
    /** The VM metadata service of the instance the app runs on (Yandex Compute). */
    METADATA("metadata"),
    /** A service account's authorized key file, exchanged for IAM tokens. */
    KEY_FILE("key-file"),
    /** A static token, inline or from an environment variable: for tests and CI. */
    TOKEN("token");

    private final String configName;

    AuthType(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    static AuthType fromConfigName(String name) {
        for (AuthType t : values()) {
            if (t.configName.equals(name)) {
                return t;
            }
        }
        return null;
    }
}
