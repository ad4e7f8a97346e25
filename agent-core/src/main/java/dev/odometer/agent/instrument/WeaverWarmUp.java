package dev.odometer.agent.instrument;

import java.util.Map;

/**
 * Reads and weaves a small class of the agent's own once, on a thread of the agent's own,
 * right after start: loading and first running ASM and the weaver, and setting up the counters,
 * takes ~15-20 ms, which would otherwise be spent on the host's thread at its first metered
 * class and call. The result
 * is thrown away; nothing is defined.
 */
final class WeaverWarmUp extends Thread {
    WeaverWarmUp() {
        super("odometer-warm-up");
        setDaemon(true);
    }

    @Override
    public void run() {
        try {
            // the counters' own set-up (striped rows, var handles) too, not on the first call
            dev.odometer.agent.bootstrap.Counters.total(0);
            byte[] template = ClassFiles.readResource(WeaverWarmUp.class.getClassLoader(),
                    Template.class.getName().replace('.', '/') + ".class");
            if (template == null) {
                return;
            }
            TypeModel.read(template);
            ClassFileScan.of(template);
            MeteredMethod metered = new MeteredMethod("warm-up", 0, CountMode.SUCCESS, 0,
                    "warm-up", false);
            MeteringWeaver.weave(template, Map.of("size(Ljava/util/List;)I", metered));
        } catch (Throwable ignored) {
            // only a head start; the real weaving reports its own problems
        }
    }

    /** What gets woven: a method with a quantity, a branch and a handler of its own. */
    static final class Template {
        private Template() {
        }

        static int size(java.util.List<?> items) {
            try {
                return items == null ? 0 : items.size();
            } catch (RuntimeException e) {
                return -1;
            }
        }
    }
}
