package com.acme.app;

import dev.odometer.Metered;

/**
 * Reports whether the JDK internals the agent uses were opened to the host's class path, then
 * makes a metered call so the agent has done all its work.
 */
public final class InternalsProbeApp {
    public static void main(String[] args) {
        Module javaBase = Object.class.getModule();
        Module host = InternalsProbeApp.class.getModule();
        System.out.println("jdk.internal.misc exported to the host: "
                + javaBase.isExported("jdk.internal.misc", host));
        System.out.println("java.lang opened to the host: " + javaBase.isOpen("java.lang", host));
        new InternalsProbeApp().call();
        System.out.println("app done");
    }

    @Metered("calls")
    public void call() {
    }
}
