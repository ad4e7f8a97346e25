package com.acme.app;

import dev.odometer.Metered;

/**
 * A service whose own shutdown hook finishes work after the JVM was asked to stop, the way a
 * graceful shutdown drains in-flight requests: 100 calls while running, 7 more in its hook
 * after a pause that outlasts the agent's flush interval. Argument: the hook's pause in ms.
 */
public final class ShutdownHookWorkApp {
    public static void main(String[] args) {
        long pauseMillis = Long.parseLong(args[0]);
        Mailer mailer = new Mailer();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Thread.sleep(pauseMillis); // in-flight requests still running
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (int i = 0; i < 7; i++) {
                mailer.send();
            }
            System.out.println("drained 7");
        }, "app-graceful-shutdown"));
        for (int i = 0; i < 100; i++) {
            mailer.send();
        }
        System.out.println("app done");
        System.exit(0);
    }

    public static final class Mailer {
        @Metered("email")
        public void send() {
        }
    }
}
