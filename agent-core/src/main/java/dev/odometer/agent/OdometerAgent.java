package dev.odometer.agent;

import java.lang.instrument.Instrumentation;

/**
 * The agent's entry points: {@code -javaagent:odometer-agent.jar=config=odometer.yaml} calls
 * {@link #premain}, runtime attach ({@code java -jar odometer-agent.jar attach}) calls
 * {@link #agentmain}. Neither ever throws: whatever fails, the application starts and runs,
 * unmetered, and the log says why.
 */
public final class OdometerAgent {
    private OdometerAgent() {
    }

    /** Called by the JVM before the application's {@code main}. */
    public static void premain(String agentArgs, Instrumentation instrumentation) {
        AgentStarter.startSafely(agentArgs, instrumentation, false);
    }

    /** Called by the JVM when the agent is attached to a running application. */
    public static void agentmain(String agentArgs, Instrumentation instrumentation) {
        AgentStarter.startSafely(agentArgs, instrumentation, true);
    }
}
