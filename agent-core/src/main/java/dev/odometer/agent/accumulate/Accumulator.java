package dev.odometer.agent.accumulate;

import dev.odometer.agent.config.SkuConfig;
import dev.odometer.agent.store.RecordStore;
import dev.odometer.agent.log.AgentLog;
import dev.odometer.agent.record.RecordSink;
import dev.odometer.agent.record.UsageRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Seals the counts of each flush window into usage records and hands them to the next stage.
 *
 * <p>Each SKU's slot only grows; a seal takes the difference between the slot's total now and
 * at the previous seal. An increment racing with a seal is therefore in exactly one window, and
 * the records' quantities always add up to the calls made. A window in which a SKU was not used
 * yields no record for it (never a quantity of 0).
 */
public final class Accumulator implements AutoCloseable {
    private static final AgentLog LOG = AgentLog.forClass(Accumulator.class);

    private final List<SkuConfig> skus;
    private final SlotReader slots;
    private final RecordSink sink;
    private final Clock clock;
    private final long[] sealedTotals;
    private ScheduledExecutorService scheduler;
    private boolean refusalReported;

    /**
     * @param skus  the configured SKUs; the i-th uses counter slot i
     * @param slots reads the counter slots; everything they hold is sealed, including what
     *              was counted before this accumulator existed (on runtime attach, the calls
     *              made between retransformation and now)
     * @param sink  takes the sealed records
     * @param clock stamps the records
     */
    public Accumulator(List<SkuConfig> skus, SlotReader slots, RecordSink sink, Clock clock) {
        this.skus = List.copyOf(skus);
        this.slots = slots;
        this.sink = sink;
        this.clock = clock;
        this.sealedTotals = new long[skus.size()];
    }

    /**
     * Seals every SKU's usage since the previous seal and hands the records to the sink.
     *
     * @return the sealed records, possibly none
     */
    public synchronized List<UsageRecord> seal() {
        List<UsageRecord> records = new ArrayList<>();
        long[] totals = sealedTotals.clone();
        Instant now = clock.instant();
        for (int slot = 0; slot < totals.length; slot++) {
            long total = slots.total(slot);
            long quantity = total - totals[slot];
            if (quantity > 0) {
                SkuConfig sku = skus.get(slot);
                records.add(UsageRecord.seal(sku.alias(), sku.skuId(), quantity, now));
                totals[slot] = total;
            }
        }
        if (!records.isEmpty()) {
            // the sink may refuse (throw): then the units stay unsealed for the next window
            sink.accept(records);
            System.arraycopy(totals, 0, sealedTotals, 0, totals.length);
        }
        return records;
    }

    /** Seals every {@code interval} on a daemon thread of its own. */
    public synchronized void start(Duration interval) {
        if (scheduler != null) {
            throw new IllegalStateException("already started");
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(new SchedulerThreads());
        long millis = interval.toMillis();
        scheduler.scheduleAtFixedRate(new Sealing(), millis, millis, TimeUnit.MILLISECONDS);
    }

    private void sealSafely() {
        try {
            seal();
            refusalReported = false;
        } catch (RecordStore.StoreFullException refused) {
            // expected while the journal is full or the disk is: the units wait in the counters
            if (!refusalReported) {
                refusalReported = true;
                LOG.error(refused.getMessage());
            }
        } catch (Throwable e) {
            // a failing seal must not cancel the schedule; the counts stay in the slots
            LOG.error("sealing usage failed; it is retried at the next interval", e);
        }
    }

    /** Classes, not lambdas: the agent's start spins up no invokedynamic. */
    private static final class SchedulerThreads implements ThreadFactory {
        @Override
        public Thread newThread(Runnable runnable) {
            Thread thread = new Thread(runnable, "odometer-accumulator");
            thread.setDaemon(true);
            return thread;
        }
    }

    private final class Sealing implements Runnable {
        @Override
        public void run() {
            sealSafely();
        }
    }

    /**
     * Stops the schedule; does not seal (the shutdown path seals explicitly). A scheduled seal
     * that has already started is left to finish, never interrupted: an interrupt during its
     * journal write would close the journal's file. The shutdown path's own {@link #seal()}
     * waits for it on this object's monitor.
     */
    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdown();
        }
    }
}
