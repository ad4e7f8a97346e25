package dev.odometer.agent;

import dev.odometer.agent.jdk.IsolatedJdkAccess;
import dev.odometer.agent.log.AgentLog;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The host's other shutdown hooks, so that the agent's last seal can wait for them: Spring
 * Boot's graceful shutdown, Tomcat, Jetty and Netty finish in-flight requests in their hooks,
 * and the units those requests use must still be billed.
 *
 * <p>The JDK keeps no public list of hooks; the set is read through {@link IsolatedJdkAccess}
 * (never opened to the host). Where that is not possible the agent seals at once, as before,
 * and says so when it starts.
 */
final class OtherShutdownHooks {
    private static final AgentLog LOG = AgentLog.forClass(OtherShutdownHooks.class);

    /** The live set of registered hooks (the JDK stops adding to it when shutdown begins). */
    private final Set<Thread> hooks;

    private OtherShutdownHooks(Set<Thread> hooks) {
        this.hooks = hooks;
    }

    /** Takes hold of the hook set; call it while the JVM is running normally. */
    static OtherShutdownHooks capture(Instrumentation instrumentation) {
        Set<Thread> hooks = null;
        try {
            hooks = IsolatedJdkAccess.install(instrumentation).shutdownHooks();
        } catch (ReflectiveOperationException | RuntimeException | LinkageError unavailable) {
            LOG.warn("cannot see the application's other shutdown hooks on this JVM ("
                    + unavailable + "); at shutdown the last usage is sealed without waiting "
                    + "for them, so work they finish is not billed");
        }
        return new OtherShutdownHooks(hooks);
    }

    /** For tests and the log marketplace: hooks given directly. */
    static OtherShutdownHooks of(Set<Thread> hooks) {
        return new OtherShutdownHooks(hooks);
    }

    /**
     * Waits until every other hook has finished or the deadline ({@link System#nanoTime()})
     * passes, whichever is first.
     *
     * @return true when all of them have finished
     */
    boolean awaitAll(long deadlineNanos) {
        for (Thread hook : others()) {
            // the JDK starts the hooks one after another; one not started yet soon will be
            while (hook.getState() == Thread.State.NEW) {
                if (System.nanoTime() >= deadlineNanos) {
                    return false;
                }
                Thread.onSpinWait();
                Thread.yield();
            }
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0 && hook.isAlive()) {
                return false;
            }
            try {
                hook.join(Math.max(1, remaining / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (hook.isAlive()) {
                return false;
            }
        }
        return true;
    }

    /** Names of the other hooks still running, for the log. */
    List<String> stillRunning() {
        List<String> names = new ArrayList<>();
        for (Thread hook : others()) {
            if (hook.isAlive()) {
                names.add(hook.getName());
            }
        }
        return names;
    }

    private List<Thread> others() {
        List<Thread> others = new ArrayList<>();
        if (hooks == null) {
            return others;
        }
        Thread self = Thread.currentThread();
        for (Thread hook : hooks.toArray(new Thread[0])) {
            if (hook != self) {
                others.add(hook);
            }
        }
        return others;
    }
}
