package dev.odometer.agent.instrument;

import dev.odometer.agent.bootstrap.Counters;

/** Which calls count: mirrors {@code dev.odometer.CountOn}, read by name from class files. */
enum CountMode {
    SUCCESS(Counters.SUCCESS), FAILURE(Counters.FAILURE), ALWAYS(Counters.ALWAYS);

    /** The same mode as {@link Counters}' constant, for woven code. */
    final int code;

    CountMode(int code) {
        this.code = code;
    }

    static CountMode fromAnnotationValue(String name) {
        for (CountMode mode : values()) {
            if (mode.name().equals(name)) {
                return mode;
            }
        }
        return SUCCESS;
    }
}
