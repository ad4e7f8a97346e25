package dev.odometer.agent.instrument;

import dev.odometer.agent.bootstrap.Counters;
import net.bytebuddy.asm.Advice;

/**
 * The code woven into metered methods, one advice per {@link CountMode} plus one for methods
 * that return a {@code CompletionStage}. Byte Buddy inlines it, so the only thing the
 * instrumented class references is {@link Counters} on the bootstrap class path.
 *
 * <p>On entry the amount is read first (a method may consume its argument, e.g. clear a list;
 * and should reading it fail, nothing has been marked yet), then {@link Counters#enter} marks
 * the thread as inside the SKU: a nested call of the same SKU gets null and counts nothing. On
 * every way out, normal or not, {@link Counters#exit} ends the mark and adds the amount when the
 * mode says the call counts. Every Throwable is suppressed: metering never changes what the
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
        static Counters.Row enter(@Slot int slot, @Amount long amount,
                                  @Advice.Local("amount") long units) {
            units = amount;
            return Counters.enter(slot);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Slot int slot, @Advice.Enter Counters.Row frame,
                         @Advice.Local("amount") long units, @Advice.Thrown Throwable thrown) {
            Counters.exit(frame, slot, thrown == null ? units : 0L);
        }
    }

    /** Counts calls that throw. */
    static final class OnFailure {
        private OnFailure() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static Counters.Row enter(@Slot int slot, @Amount long amount,
                                  @Advice.Local("amount") long units) {
            units = amount;
            return Counters.enter(slot);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Slot int slot, @Advice.Enter Counters.Row frame,
                         @Advice.Local("amount") long units, @Advice.Thrown Throwable thrown) {
            Counters.exit(frame, slot, thrown != null ? units : 0L);
        }
    }

    /** Counts every call. */
    static final class Always {
        private Always() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static Counters.Row enter(@Slot int slot, @Amount long amount,
                                  @Advice.Local("amount") long units) {
            units = amount;
            return Counters.enter(slot);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Slot int slot, @Advice.Enter Counters.Row frame,
                         @Advice.Local("amount") long units) {
            Counters.exit(frame, slot, units);
        }
    }

    /** Counts when the returned {@code CompletionStage} completes, by the method's mode. */
    static final class OnCompletion {
        private OnCompletion() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static Counters.Row enter(@Slot int slot, @Amount long amount,
                                  @Advice.Local("amount") long units) {
            units = amount;
            return Counters.enter(slot);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Slot int slot, @Mode int mode, @Advice.Enter Counters.Row frame,
                         @Advice.Local("amount") long units,
                         @Advice.Return(typing = net.bytebuddy.implementation.bytecode.assign
                                 .Assigner.Typing.DYNAMIC) Object returned,
                         @Advice.Thrown Throwable thrown) {
            Counters.exitAsync(frame, slot, units, mode, returned, thrown);
        }
    }

    static Class<?> forMethod(MeteredMethod method) {
        if (method.async) {
            return OnCompletion.class;
        }
        switch (method.mode) {
            case FAILURE:
                return OnFailure.class;
            case ALWAYS:
                return Always.class;
            default:
                return OnSuccess.class;
        }
    }
}
