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

    @Test
    void onlyTheOutermostCallOfASlotCountsAndOtherSlotsNestFreely() {
        int email = 204;
        int request = 205;
        long emails = Counters.total(email);
        long requests = Counters.total(request);

        Counters.Row outer = Counters.enter(email);
        Counters.Row nested = Counters.enter(email);
        Counters.Row other = Counters.enter(request);
        Counters.exit(other, request, 1);
        Counters.exit(nested, email, 5);
        Counters.exit(outer, email, 3);
        // the mark is gone: the next call is outermost again
        Counters.exit(Counters.enter(email), email, 2);

        assertThat(outer).isNotNull();
        assertThat(nested).isNull();
        assertThat(other).isNotNull();
        assertThat(Counters.total(email) - emails).isEqualTo(5);
        assertThat(Counters.total(request) - requests).isEqualTo(1);
    }

    @Test
    void aThreadWithoutARowOfItsOwnNestsCorrectlyEvenWhenARowFreesUpMidCall() throws Exception {
        int slot = 206;
        long before = Counters.total(slot);
        // the holder owns a row; the guest shares its row index and must keep marks of its own
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            Counters.add(slot, 0);
            held.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "holder");
        int[] nestedWasNull = new int[2];
        Runnable guestWork = () -> {
            Counters.Row outer = Counters.enter(slot);
            release.countDown();
            try {
                holder.join(); // the row's owner is gone now
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Counters.total(slot); // the reader retires the dead owner's row: it is free
            Counters.Row nested = Counters.enter(slot);
            nestedWasNull[0] = nested == null ? 1 : 0;
            Counters.exit(nested, slot, 100);
            Counters.exit(outer, slot, 1);
            Counters.Row next = Counters.enter(slot);
            nestedWasNull[1] = next == null ? 1 : 0;
            Counters.exit(next, slot, 1);
        };
        Thread guest = new Thread(guestWork, "guest");
        while ((guest.getId() - holder.getId()) % Counters.ROWS != 0) {
            guest = new Thread(guestWork, "guest");
        }
        holder.start();
        held.await();
        guest.start();
        guest.join();
        holder.join();

        assertThat(nestedWasNull).containsExactly(1, 0);
        assertThat(Counters.total(slot) - before).isEqualTo(2);
    }

    @Test
    void aReturnedStageCountsWhenItCompletesByTheMode() {
        int success = 207;
        int failure = 208;
        int always = 209;
        long[] before = {Counters.total(success), Counters.total(failure), Counters.total(always)};
        List<java.util.concurrent.CompletableFuture<String>> stages = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            stages.add(new java.util.concurrent.CompletableFuture<>());
        }
        java.util.concurrent.CompletableFuture<String> never =
                new java.util.concurrent.CompletableFuture<>();
        int[][] calls = {{success, Counters.SUCCESS}, {failure, Counters.FAILURE},
            {always, Counters.ALWAYS}};
        for (int[] call : calls) {
            for (java.util.concurrent.CompletableFuture<String> stage : stages) {
                Counters.exitAsync(Counters.enter(call[0]), call[0], 10, call[1], stage, null);
            }
            Counters.exitAsync(Counters.enter(call[0]), call[0], 1000, call[1], never, null);
        }
        assertThat(Counters.total(success) - before[0]).as("nothing before completion").isZero();

        stages.get(0).complete("ok");
        stages.get(1).completeExceptionally(new IllegalStateException("failed later"));
        stages.get(2).cancel(false);

        assertThat(Counters.total(success) - before[0]).isEqualTo(10);
        assertThat(Counters.total(failure) - before[1]).isEqualTo(20);
        assertThat(Counters.total(always) - before[2]).isEqualTo(30);
    }

    @Test
    void anAsyncMethodThatThrowsCountsAtOnceByTheMode() {
        int slot = 210;
        long before = Counters.total(slot);

        Counters.exitAsync(Counters.enter(slot), slot, 4, Counters.FAILURE, null,
                new IllegalStateException("thrown before any stage"));
        Counters.exitAsync(Counters.enter(slot), slot, 4, Counters.SUCCESS, null,
                new IllegalStateException("thrown before any stage"));

        assertThat(Counters.total(slot) - before).isEqualTo(4);
    }
}
