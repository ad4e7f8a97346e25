package com.acme.app;

import dev.odometer.Metered;
import dev.odometer.Quantity;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Four threads call two metered methods for a while (several flush windows), then the app
 * prints what it did and exits normally when told to on standard input.
 */
public final class BurstApp {
    public static void main(String[] args) throws Exception {
        long millis = Long.parseLong(args[0]);
        Api api = new Api();
        AtomicLong emails = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        long end = System.nanoTime() + millis * 1_000_000L;
        for (int t = 0; t < 4; t++) {
            int recipients = t + 1;
            Thread thread = new Thread(() -> {
                while (System.nanoTime() < end) {
                    api.handle();
                    api.send(recipients);
                    emails.addAndGet(recipients);
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        System.out.println("DONE requests=" + api.requests.get() + " emails=" + emails.get());
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    }

    public static final class Api {
        final AtomicLong requests = new AtomicLong();

        @Metered("request")
        public void handle() {
            requests.incrementAndGet();
        }

        @Metered("email")
        public void send(@Quantity int recipients) {
        }
    }
}
