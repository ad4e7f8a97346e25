package dev.odometer.agent.accumulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.odometer.agent.bootstrap.Counters;
import dev.odometer.agent.config.ConfigLoader;
import dev.odometer.agent.config.SkuConfig;
import dev.odometer.agent.record.RecordSink;
import dev.odometer.agent.record.UsageRecord;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class AccumulatorTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"),
            ZoneOffset.UTC);

    static List<SkuConfig> skus(String... aliases) throws Exception {
        StringBuilder yaml = new StringBuilder("marketplace: log\nskus:\n");
        for (String alias : aliases) {
            yaml.append("  ").append(alias).append(": {sku_id: id-").append(alias).append("}\n");
        }
        return new ArrayList<>(ConfigLoader.parse(Paths.get("t.yaml"), yaml.toString())
                .skus().values());
    }

    static final class CollectingSink implements RecordSink {
        final List<UsageRecord> records = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void accept(List<UsageRecord> batch) {
            records.addAll(batch);
        }

        long total(String alias) {
            synchronized (records) {
                return records.stream().filter(r -> r.skuAlias().equals(alias))
                        .mapToLong(UsageRecord::quantity).sum();
            }
        }
    }

    @Test
    void sealingWhileEightThreadsHammerLosesAndDuplicatesNothing() throws Exception {
        // slots 100 and 101: far from the slots other tests in this JVM may use
        long[] before = {Counters.total(100), Counters.total(101)};
        List<SkuConfig> skus = skus("a", "b");
        CollectingSink sink = new CollectingSink();
        Accumulator accumulator = new Accumulator(skus,
                slot -> Counters.total(100 + slot) - before[slot], sink, CLOCK);
        int threads = 8;
        int callsPerThread = 200_000;
        AtomicLongArray made = new AtomicLongArray(2);
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            int slot = t % 2;
            long amount = t % 3 + 1;
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < callsPerThread; i++) {
                        Counters.add(100 + slot, amount);
                    }
                    made.addAndGet(slot, amount * callsPerThread);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            });
            worker.start();
        }
        AtomicBoolean sealedWhileRunning = new AtomicBoolean();
        start.countDown();
        while (done.getCount() > 0) {
            if (!accumulator.seal().isEmpty()) {
                sealedWhileRunning.set(true);
            }
            Thread.sleep(2); // the seal interval under test, not a wait for a result
        }
        accumulator.seal();

        assertThat(sealedWhileRunning).isTrue();
        assertThat(sink.records.size()).isGreaterThan(2);
        assertThat(sink.total("a")).isEqualTo(made.get(0));
        assertThat(sink.total("b")).isEqualTo(made.get(1));
        assertThat(sink.records).allSatisfy(r -> assertThat(r.quantity()).isPositive());
        assertThat(sink.records).extracting(UsageRecord::uuid).doesNotHaveDuplicates();
    }

    @Test
    void idleWindowsSealNoRecordAndRecordsCarryTheClockAndSkuId() throws Exception {
        long[] totals = new long[2];
        CollectingSink sink = new CollectingSink();
        Accumulator accumulator = new Accumulator(skus("a", "b"), slot -> totals[slot], sink,
                CLOCK);

        assertThat(accumulator.seal()).isEmpty();
        totals[1] = 5;
        List<UsageRecord> sealed = accumulator.seal();

        assertThat(sealed).singleElement().satisfies(r -> {
            assertThat(r.skuAlias()).isEqualTo("b");
            assertThat(r.skuId()).isEqualTo("id-b");
            assertThat(r.quantity()).isEqualTo(5);
            assertThat(r.timestamp()).isEqualTo(CLOCK.instant());
            assertThat(r.uuid().version()).isEqualTo(4);
        });
        assertThat(accumulator.seal()).isEmpty();
    }

    @Test
    void countsAlreadyInTheSlotsWhenStartedAreBilled() throws Exception {
        // runtime attach: woven classes count before the accumulator exists; none may be lost
        long[] totals = {7};
        CollectingSink sink = new CollectingSink();
        Accumulator accumulator = new Accumulator(skus("a"), slot -> totals[slot], sink, CLOCK);

        assertThat(accumulator.seal()).singleElement()
                .satisfies(r -> assertThat(r.quantity()).isEqualTo(7));
        totals[0] = 10;
        assertThat(accumulator.seal()).singleElement()
                .satisfies(r -> assertThat(r.quantity()).isEqualTo(3));
    }

    @Test
    void unitsRefusedByTheSinkAreSealedAgainNextTime() throws Exception {
        long[] totals = {0};
        List<UsageRecord> accepted = new ArrayList<>();
        AtomicBoolean refuse = new AtomicBoolean(true);
        RecordSink sink = records -> {
            if (refuse.get()) {
                throw new IllegalStateException("journal full");
            }
            accepted.addAll(records);
        };
        Accumulator accumulator = new Accumulator(skus("a"), slot -> totals[slot], sink, CLOCK);
        totals[0] = 4;
        assertThatThrownBy(accumulator::seal).hasMessage("journal full");

        totals[0] = 6;
        refuse.set(false);
        accumulator.seal();

        assertThat(accepted).singleElement().satisfies(r -> assertThat(r.quantity()).isEqualTo(6));
    }
}
