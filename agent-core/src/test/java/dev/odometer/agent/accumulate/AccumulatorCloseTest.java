package dev.odometer.agent.accumulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.odometer.agent.record.RecordSink;
import dev.odometer.agent.record.UsageRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Stopping the accumulator's schedule at shutdown must not interrupt a seal that is writing
 * to the journal: an interrupt during a write to a {@code FileChannel} closes the channel for
 * good, and the last seal of the shutdown sequence would then have nowhere to go.
 */
class AccumulatorCloseTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"),
            ZoneOffset.UTC);

    @Test
    void closeDoesNotInterruptASealThatHasStarted() throws Exception {
        long[] totals = {0};
        AtomicBoolean interrupted = new AtomicBoolean();
        CountDownLatch sealed = new CountDownLatch(1);
        List<UsageRecord> accepted = new CopyOnWriteArrayList<>();
        RecordSink sink = records -> {
            // a FileChannel write from an interrupted thread closes the channel for good
            interrupted.set(Thread.currentThread().isInterrupted());
            accepted.addAll(records);
            sealed.countDown();
        };
        Accumulator accumulator = new Accumulator(AccumulatorTest.skus("a"),
                slot -> totals[slot], sink, CLOCK);
        totals[0] = 5;

        synchronized (accumulator) {
            // the scheduled seal starts and waits for the accumulator, as it does when it
            // starts while close() or the shutdown seal holds it
            accumulator.start(Duration.ofMillis(10));
            Thread sealer = await().atMost(Duration.ofSeconds(10)).until(
                    AccumulatorCloseTest::accumulatorThread,
                    t -> t != null && t.getState() == Thread.State.BLOCKED);
            accumulator.close();
            assertThat(sealer.isAlive()).isTrue();
        }
        assertThat(sealed.await(10, TimeUnit.SECONDS)).as("the started seal finished").isTrue();

        assertThat(interrupted).as("the seal in progress was interrupted").isFalse();
        assertThat(accepted).singleElement().satisfies(r -> assertThat(r.quantity()).isEqualTo(5));
        totals[0] = 8;
        assertThat(accumulator.seal()).as("the shutdown seal still works")
                .singleElement().satisfies(r -> assertThat(r.quantity()).isEqualTo(3));
    }

    private static Thread accumulatorThread() {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals("odometer-accumulator")) {
                return thread;
            }
        }
        return null;
    }
}
