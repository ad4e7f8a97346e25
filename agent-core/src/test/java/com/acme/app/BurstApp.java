package com.acme.app;

import dev.odometer.Metered;
import dev.odometer.Quantity;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Four threads call two metered methods until a line "stop" arrives on standard input; then
 * the app prints what it did and exits normally at the next line.
 */
public final class BurstApp {
    public static void main(String[] args) throws Exception {
        Api api = new Api();
        AtomicLong emails = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int recipients = t + 1;
            Thread thread = new Thread(() -> {
                while (!stop.get()) {
                    api.handle();
                    api.send(recipients);
                    emails.addAndGet(recipients);
                    Thread.onSpinWait();
                }
            });
            threads.add(thread);
            thread.start();
        }
        System.out.println("RUNNING");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in,
                StandardCharsets.UTF_8));
        in.readLine();
        stop.set(true);
        for (Thread thread : threads) {
            thread.join();
        }
        System.out.println("DONE requests=" + api.requests.get() + " emails=" + emails.get());
        System.out.flush();
        in.readLine();
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
