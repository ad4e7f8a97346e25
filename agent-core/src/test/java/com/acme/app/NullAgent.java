package com.acme.app;

import java.lang.instrument.Instrumentation;

/** An agent that does nothing: what the JVM loads for any -javaagent, to subtract. */
public final class NullAgent {
    private NullAgent() {
    }

    public static void premain(String args, Instrumentation instrumentation) {
    }
}
