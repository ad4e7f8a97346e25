package com.acme.app;

import dev.odometer.Metered;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Runs without the agent, uses its metered class, then waits for a line on standard input
 * (sent after the agent was attached) and uses it again.
 */
public final class AttachTargetApp {
    public static void main(String[] args) throws Exception {
        Billing billing = new Billing();
        for (int i = 0; i < 3; i++) {
            billing.bill();
        }
        System.out.println("READY " + ProcessHandle.current().pid());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in,
                StandardCharsets.UTF_8));
        String line = in.readLine();
        for (int i = 0; i < 8; i++) {
            billing.bill();
        }
        System.out.println("app done after " + line);
    }

    public static final class Billing {
        @Metered("calls")
        public void bill() {
        }
    }
}
