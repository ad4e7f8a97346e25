package com.acme.app;

import dev.odometer.Metered;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs without the agent and keeps two threads calling a metered method, so calls are being
 * made while the agent attaches; on a line on standard input it stops them, makes 8 more calls
 * and prints how many calls it made and how many the agent's counters took in
 * ({@code Counters.total}, read through the boot loader where the agent put it).
 */
public final class BusyAttachTargetApp {
    private static volatile boolean running = true;

    public static void main(String[] args) throws Exception {
        long[] calls = new long[2];
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < calls.length; t++) {
            int index = t;
            Thread thread = new Thread(() -> {
                Billing billing = new Billing();
                long made = 0;
                while (running) {
                    billing.bill();
                    made++;
                }
                calls[index] = made;
            }, "caller-" + t);
            thread.start();
            threads.add(thread);
        }
        System.out.println("READY " + ProcessHandle.current().pid());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in,
                StandardCharsets.UTF_8));
        in.readLine();
        running = false;
        long made = 0;
        for (int t = 0; t < threads.size(); t++) {
            threads.get(t).join();
            made += calls[t];
        }
        Billing billing = new Billing();
        for (int i = 0; i < 8; i++) {
            billing.bill();
            made++;
        }
        Class<?> counters = Class.forName("dev.odometer.agent.bootstrap.Counters", false, null);
        long counted = (long) counters.getMethod("total", int.class).invoke(null, 0);
        System.out.println("DONE calls=" + made + " counted=" + counted);
    }

    public static final class Billing {
        long billed;

        @Metered("calls")
        public void bill() {
            billed++;
        }
    }
}
