package dev.odometer.agent.instrument;

import dev.odometer.agent.bootstrap.Counters;
import net.bytebuddy.asm.Advice;

/**
 * The code woven into metered methods, one advice per {@link CountMode}. Byte Buddy inlines it,
 * so the only thing the instrumented class references is {@link Counters} on the bootstrap
 * class path. The amount is read on entry (a method may consume its argument, e.g. clear a
 * list) and added on exit. Every Throwable is suppressed: metering never changes what the
 * method does.
 */
final class MeteringAdvice {
    private MeteringAdvice() {
    }

    /** Counts calls that return normally. */
    static final class OnSuccess {
        private OnSuccess() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter(@Amount long amount) {
            return amount;
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Slot int slot, @Advice.Enter long amount) {
            if (amount > 0) {
                Counters.add(slot, amount);
            }
        }
    }

    /** Counts calls that throw. */
    static final class OnFailure {
        private OnFailure() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter(@Amount long amount) {
            return amount;
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Slot int slot, @Advice.Enter long amount,
                         @Advice.Thrown Throwable thrown) {
            if (thrown != null && amount > 0) {
                Counters.add(slot, amount);
            }
        }
    }

    /** Counts every call. */
    static final class Always {
        private Always() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter(@Amount long amount) {
            return amount;
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Slot int slot, @Advice.Enter long amount) {
            if (amount > 0) {
                Counters.add(slot, amount);
            }
        }
    }

    static Class<?> forMode(CountMode mode) {
        switch (mode) {
            case FAILURE:
                return OnFailure.class;
            case ALWAYS:
                return Always.class;
            default:
                return OnSuccess.class;
        }
    }
}
