package com.acme.app;

import dev.odometer.Metered;
import dev.odometer.Quantity;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Calls two metered methods in phases a test starts and ends from standard input ("run",
 * "pause", "exit"), and prints each phase's counts when it pauses, so a test can move the
 * clock between phases.
 */
public final class PhasedApp {
    public static void main(String[] args) throws Exception {
        Api api = new Api();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in,
                StandardCharsets.UTF_8));
        System.out.println("READY");
        System.out.flush();
        String command;
        while ((command = in.readLine()) != null && !command.equals("exit")) {
            if (!command.equals("run")) {
                continue;
            }
            AtomicBoolean pause = new AtomicBoolean();
            long[] counts = new long[2];
            Thread caller = new Thread(() -> {
                while (!pause.get()) {
                    api.request();
                    api.email(3);
                    counts[0]++;
                    counts[1] += 3;
                    Thread.onSpinWait();
                }
            });
            caller.start();
            in.readLine(); // "pause"
            pause.set(true);
            caller.join();
            System.out.println("PAUSED request=" + counts[0] + " email=" + counts[1]);
            System.out.flush();
        }
    }

    public static final class Api {
        @Metered("request")
        public void request() {
        }

        @Metered("email")
        public void email(@Quantity int recipients) {
        }
    }
}
