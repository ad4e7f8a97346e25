package dev.odometer.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Each test uses its own slots: Counters is static and shared by the whole test JVM. */
class CountersTest {
    @Test
    void countsFromShortLivedThreadsSurviveTheirRowsBeingRetiredAndReused() throws Exception {
        int slot = 200;
        long before = Counters.total(slot);
        long expected = 0;
        // far more threads than rows: rows of dead threads are retired and claimed again
        for (int round = 0; round < 5; round++) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < Counters.ROWS * 2; t++) {
                int amount = t + 1;
                threads.add(new Thread(() -> {
                    for (int i = 0; i < 100; i++) {
                        Counters.add(slot, amount);
                    }
                }));
                expected += 100L * amount;
            }
            threads.forEach(Thread::start);
            for (Thread thread : threads) {
                thread.join();
            }
            assertThat(Counters.total(slot) - before).isEqualTo(expected);
        }
        assertThat(Counters.total(slot) - before).isEqualTo(expected);
    }

    @Test
    void threadsSharingARowIndexAreCountedThroughTheSharedAdder() throws Exception {
        int slot = 201;
        long before = Counters.total(slot);
        // two live threads whose ids collide in the row table: one owns the row, one must not
        CountDownLatch bothRunning = new CountDownLatch(2);
        CountDownLatch go = new CountDownLatch(1);
        Runnable work = () -> {
            bothRunning.countDown();
            try {
                go.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (int i = 0; i < 50_000; i++) {
                Counters.add(slot, 1);
            }
        };
        List<Thread> threads = new ArrayList<>();
        while (threads.size() < 2) {
            Thread candidate = new Thread(work);
            if (threads.isEmpty() || (candidate.getId() - threads.get(0).getId())
                    % Counters.ROWS == 0) {
                threads.add(candidate);
            }
        }
        threads.forEach(Thread::start);
        bothRunning.await();
        go.countDown();
        for (Thread thread : threads) {
            thread.join();
        }

        assertThat(Counters.total(slot) - before).isEqualTo(100_000);
    }

    @Test
    void slotsAreIndependent() {
        long a = Counters.total(202);
        long b = Counters.total(203);

        Counters.add(202, 5);
        Counters.add(203, 7);
        Counters.add(202, 1);

        assertThat(Counters.total(202) - a).isEqualTo(6);
        assertThat(Counters.total(203) - b).isEqualTo(7);
    }
}
