package dev.odometer.agent.config;

/**
 * What happens to a record that may or may not have reached the marketplace (an attempt got no
 * answer) and is still undelivered when the marketplace would call it expired. Either way it is
 * written to the reconciliation file, so a person can settle it.
 */
public enum InDoubtPolicy {
    /** Bill it no more: no customer is ever billed twice (the default). */
    DROP("drop"),
    /** Bill it again under a new uuid: no unit is ever missed, at the risk of billing twice. */
    REBILL("rebill");

    private final String configName;

    InDoubtPolicy(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    static InDoubtPolicy fromConfigName(String name) {
        for (InDoubtPolicy policy : values()) {
            if (policy.configName.equals(name)) {
                return policy;
            }
        }
        return null;
    }
}
