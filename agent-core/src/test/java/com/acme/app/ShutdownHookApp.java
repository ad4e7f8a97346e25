package com.acme.app;

import dev.odometer.Metered;
import dev.odometer.Quantity;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A host application for {@code ShutdownIT} that shuts down the way servers do: 4 jobs are done
 * before SIGTERM; then its own shutdown hook lets work in flight finish.
 *
 * <ul>
 *   <li>{@code graceful}: 3 requests in flight, blocked until the hook releases them, each take
 *       300 ms more and then do a job of 5 units; the hook waits for them (like Tomcat's or
 *       Netty's graceful shutdown). 19 units in all.
 *   <li>{@code stuck}: the hook does a job of 5 units after 300 ms and then never ends (a
 *       server whose shutdown hangs). 9 units.
 * </ul>
 */
public final class ShutdownHookApp {
    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Jobs jobs = new Jobs();
        for (int i = 0; i < 4; i++) {
            jobs.run(1);
        }
        CountDownLatch shutdownBegun = new CountDownLatch(1);
        List<Thread> inFlight = new ArrayList<>();
        if (mode.equals("graceful")) {
            for (int i = 0; i < 3; i++) {
                Thread request = new Thread(() -> {
                    try {
                        shutdownBegun.await();
                        TimeUnit.MILLISECONDS.sleep(300); // the rest of the request's work
                        jobs.run(5);
                        System.out.println("request done");
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "request-" + i);
                request.start();
                inFlight.add(request);
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            shutdownBegun.countDown();
            try {
                for (Thread request : inFlight) {
                    request.join();
                }
                if (mode.equals("stuck")) {
                    TimeUnit.MILLISECONDS.sleep(300);
                    jobs.run(5);
                    System.out.println("hook stuck");
                    new CountDownLatch(1).await();
                }
                System.out.println("hook done");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "app-shutdown"));
        System.out.println("READY");
        System.out.flush();
        new CountDownLatch(1).await(); // serve until SIGTERM
    }

    public static final class Jobs {
        @Metered("jobs")
        public void run(@Quantity int units) {
        }
    }
}
