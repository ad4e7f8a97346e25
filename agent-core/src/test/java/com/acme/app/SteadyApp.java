package com.acme.app;

import dev.odometer.Metered;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Calls a metered method in steps of {@value #STEP} and prints its running total with the time
 * after every step, so a test that kills it knows how many calls it made (at most one step
 * more than the last line) and when. A line "stop" on standard input ends the calls and prints
 * DONE; the next line (or the end of input) ends the app normally.
 */
public final class SteadyApp {
    public static final int STEP = 50;

    public static void main(String[] args) throws Exception {
        Service service = new Service();
        AtomicBoolean stop = new AtomicBoolean();
        Thread caller = new Thread(() -> {
            long calls = 0;
            while (!stop.get()) {
                for (int i = 0; i < STEP; i++) {
                    service.call();
                }
                calls += STEP;
                System.out.println("t=" + System.currentTimeMillis() + " calls=" + calls);
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
            System.out.println("DONE calls=" + calls);
            System.out.flush();
        });
        caller.start();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in,
                StandardCharsets.UTF_8));
        in.readLine();
        stop.set(true);
        caller.join();
        in.readLine();
    }

    public static final class Service {
        @Metered("request")
        public void call() {
        }
    }
}
