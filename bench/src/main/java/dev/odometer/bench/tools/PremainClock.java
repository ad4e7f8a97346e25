package dev.odometer.bench.tools;

import java.lang.instrument.Instrumentation;

/**
 * A do-nothing agent that prints {@code probe.<args> <System.nanoTime()>} from its premain.
 * Given once before and once after another agent on the command line (the JVM runs premains in
 * command-line order), the difference of the two readings is that agent's premain time, with no
 * change to the agent. {@link StartupHarness} writes the jar it runs from.
 */
public final class PremainClock {
    private PremainClock() {
    }

    public static void premain(String args, Instrumentation instrumentation) {
        long now = System.nanoTime();
        System.out.print("probe.");
        System.out.print(args);
        System.out.print(' ');
        System.out.println(now);
    }
}
