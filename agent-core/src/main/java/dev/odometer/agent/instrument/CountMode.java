package dev.odometer.agent.instrument;

/** Which calls count: mirrors {@code dev.odometer.CountOn}, read by name from class files. */
enum CountMode {
    SUCCESS, FAILURE, ALWAYS;

    static CountMode fromAnnotationValue(String name) {
        for (CountMode mode : values()) {
            if (mode.name().equals(name)) {
                return mode;
            }
        }
        return SUCCESS;
    }
}
