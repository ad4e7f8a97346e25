package dev.odometer.agent.delivery;

import dev.odometer.agent.store.PendingRecord;
import dev.odometer.agent.store.RecordStore;
import dev.odometer.agent.delivery.backoff.Backoff;
import dev.odometer.agent.log.AgentLog;
import dev.odometer.agent.marketplace.DeliveryException;
import dev.odometer.agent.marketplace.MarketplaceClient;
import dev.odometer.agent.marketplace.RecordOutcome;
import dev.odometer.agent.marketplace.SendResult;
import dev.odometer.agent.store.StoreUnavailableException;
import dev.odometer.agent.store.StoringSink;
import dev.odometer.agent.record.UsageRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Delivers sealed records to the marketplace on a thread of its own, never the host's: takes
 * the oldest pending records in batches the API accepts, sends them, and applies each record's
 * answer. Failed sends are retried with backoff and the same uuids; nothing is dropped because
 * of an outage, a 403 or a bad SKU id.
 *
 * <p>Outcomes: ACCEPTED and DUPLICATE are delivered; INVALID_SKU_ID and INVALID_PRODUCT_ID park
 * the record and name the config key to fix; EXPIRED, INVALID_TIMESTAMP, INVALID_QUANTITY and
 * INVALID_ID park it and say why; an unknown reason or a record the answer left out stays
 * pending and is resent.
 *
 * <p>Age: before each batch the marketplace's {@link DeliveryPolicy} renews, rolls up or
 * settles what has grown old (Yandex: one-hour window; Azure: hourly events, 24 hours).
 */
public final class DeliveryLoop implements StoringSink.Downstream, AutoCloseable {
    private static final Duration SUMMARY_EVERY = Duration.ofMinutes(5);
    static final Duration RECHECK_WAITING = Duration.ofSeconds(5);
    private static final Duration STORE_RETRY = Duration.ofSeconds(5);
    private static final Duration PAUSE_BETWEEN_REFUSALS = Duration.ofMillis(50);
    private static final Duration SHUTDOWN_RETRY_BASE = Duration.ofMillis(250);
    private static final Duration SHUTDOWN_RETRY_CAP = Duration.ofSeconds(2);
    private static final AgentLog LOG = AgentLog.forClass(DeliveryLoop.class);

    private final Supplier<MarketplaceClient> clientSupplier;
    private volatile MarketplaceClient client;
    private final RecordStore store;
    private final DeliveryStats stats;
    /** Spaces retries; a short one replaces it for the shutdown flush. */
    private Backoff backoff;
    private final Clock clock;
    private final ConfigHints hints;
    private final Runnable beforeFirstSend;
    private final DeliveryPolicy policy;
    private final Object signal = new Object();
    /**
     * Held for each {@link #deliverOnce()}: the delivery thread and the shutdown flush never
     * send, nor touch the backoff and policy state, at the same time.
     */
    private final ReentrantLock sending = new ReentrantLock();
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private boolean signalled;
    private volatile boolean running;
    private Thread worker;
    private int failuresInARow;
    /** At most this many records a batch, while a batch refused as a whole is split. */
    private int batchLimit = Integer.MAX_VALUE;
    private int sentWhileSplit;
    private int parkedInARow;
    /** SKU ids with a record that failed alone: their records go alone. */
    private final Set<String> suspects = new HashSet<>();
    private DeliveryException.Kind failingWith;
    /** Why the store refused the last step, while it does; null when it answers. */
    private String storeTrouble;
    private Instant nextSummary;
    private String lastSummary = "";

    /**
     * @param client          builds the client that sends batches, on first use
     * @param store           holds what is not delivered yet
     * @param stats           counts what happened
     * @param backoff         spaces retries
     * @param clock           the local clock: record age, summaries
     * @param hints           names config keys in messages
     * @param beforeFirstSend run once on the delivery thread before anything is sent (the
     *                        start-up validation), so it never delays the host
     * @param policy          the marketplace's time rules (renewal, hourly roll-up, expiry)
     */
    public DeliveryLoop(Supplier<MarketplaceClient> client, RecordStore store, DeliveryStats stats,
                        Backoff backoff, Clock clock, ConfigHints hints, Runnable beforeFirstSend,
                        DeliveryPolicy policy) {
        this.clientSupplier = client;
        this.store = store;
        this.stats = stats;
        this.backoff = backoff;
        this.clock = clock;
        this.hints = hints;
        this.beforeFirstSend = beforeFirstSend;
        this.policy = policy;
        this.nextSummary = clock.instant().plus(SUMMARY_EVERY);
    }

    /** The store took newly sealed records: counts them and wakes the delivery thread. */
    @Override
    public void stored(List<UsageRecord> records) {
        stats.sealed(records);
        wakeUp();
    }

    /** Starts the delivery thread. */
    public synchronized void start() {
        if (worker != null) {
            throw new IllegalStateException("already started");
        }
        running = true;
        worker = new Thread(this::run, "odometer-delivery");
        worker.setDaemon(true);
        worker.start();
    }

    private void run() {
        try {
            // the HTTP stack is built when first needed (validation or the first batch), not
            // here: a host that seals nothing for a while never loads it
            beforeFirstSend.run();
        } catch (Throwable e) {
            LOG.error("start-up validation failed unexpectedly", e);
        }
        while (running) {
            Duration wait;
            sending.lock();
            try {
                if (!running) {
                    break; // the shutdown flush takes over
                }
                Thread.interrupted(); // not ours to obey: see await
                wait = deliverOnce();
                storeBack();
                logSummaryIfDue();
            } catch (StoreUnavailableException unavailable) {
                wait = storeUnavailable(unavailable);
            } catch (Throwable e) {
                LOG.error("delivery failed unexpectedly; retrying", e);
                wait = Duration.ofSeconds(5);
            } finally {
                sending.unlock();
            }
            await(wait);
        }
    }

    /**
     * Sends one batch, if any is due.
     *
     * @return how long to wait before the next batch: zero to go on at once, null to wait for
     *     new records (nothing is pending at all)
     */
    Duration deliverOnce() {
        store.maintain();
        policy.beforeBatch(store, clock.instant());
        List<UsageRecord> batch = nextBatch();
        if (batch.isEmpty()) {
            // records waiting on time (an Azure hour yet to close) need looking at again
            return store.pendingRecords() > 0 ? RECHECK_WAITING : null;
        }
        SendResult result;
        try {
            store.attempting(batch);
        } catch (RecordStore.StoreFullException cannotRecordTheAttempt) {
            // sending without a durable mark could bill twice after a crash: wait instead
            reportOnce("attempt-not-written", cannotRecordTheAttempt.getMessage(), true);
            return backoff.nextDelay(java.util.Optional.empty());
        }
        try {
            result = client().send(batch);
        } catch (DeliveryException failure) {
            store.attemptFailed(batch, failure.possiblyReceived());
            if (failure.refusesTheRecords()) {
                return isolate(batch, RecordOutcome.REQUEST_REFUSED, failure.getMessage());
            }
            Duration delay = backoff.nextDelay(failure);
            onFailure(failure, batch, delay);
            return delay;
        } catch (RuntimeException bug) {
            // whether the request left is unknown: the attempt stays open, the batch in doubt
            if (reported.add("unexpected/" + bug.getClass().getName() + "/" + bug.getMessage())) {
                LOG.error("sending a batch of " + batch.size() + " records failed unexpectedly "
                        + "(a bug in Odometer, please report it): the batch is kept in doubt "
                        + "and split to find the records it fails on, which are parked", bug);
            }
            stats.failed(bug.toString());
            return isolate(batch, RecordOutcome.SEND_FAILED, bug.toString());
        }
        stats.answered(clock.instant());
        boolean progress = apply(batch, result);
        onRecovery();
        if (!progress) {
            // the answer settled nothing (unknown reasons, records left out): do not spin
            return backoff.nextDelay(java.util.Optional.empty());
        }
        backoff.reset();
        parkedInARow = 0;
        if (batch.size() == 1 && result.outcome(batch.get(0).uuid()).isDelivered()) {
            suspects.remove(batch.get(0).skuId());
        }
        if (batchLimit != Integer.MAX_VALUE && ++sentWhileSplit >= 4) {
            batchLimit = Integer.MAX_VALUE; // what failed the batch did not fail again
        }
        return Duration.ZERO;
    }

    /**
     * The oldest sendable records, as many as a batch takes; a record of a SKU whose records
     * were refused on their own goes alone, when it is the oldest, and never with others.
     */
    private List<UsageRecord> nextBatch() {
        List<UsageRecord> batch = new ArrayList<>();
        List<PendingRecord> head = store.nextBatch(1, policy::sendable);
        if (head.isEmpty()) {
            return batch;
        }
        if (suspects.contains(head.get(0).record().skuId())) {
            batch.add(head.get(0).record());
            return batch;
        }
        Set<Object> keys = new HashSet<>();
        int max = Math.min(client().maxBatchSize(), batchLimit);
        for (PendingRecord pending : store.nextBatch(max, candidate -> {
            if (!policy.sendable(candidate) || suspects.contains(candidate.record().skuId())) {
                return false;
            }
            Object key = policy.batchKey(candidate.record());
            return key == null || keys.add(key);
        })) {
            batch.add(pending.record());
        }
        return batch;
    }

    /**
     * A batch failed as a whole because of what it holds: send halves of it until one record
     * alone fails, and park that record with {@code outcome}, so nothing waits behind it. The
     * record's SKU is suspect from then on: its records go alone, until one is accepted.
     */
    private Duration isolate(List<UsageRecord> batch, RecordOutcome outcome, String why) {
        sentWhileSplit = 0;
        if (batch.size() > 1) {
            parkedInARow = 0;
            batchLimit = batch.size() / 2;
            LOG.debug("a batch of " + batch.size() + " records failed as a whole (" + why
                    + "); trying batches of " + batchLimit);
            return Duration.ZERO;
        }
        UsageRecord record = batch.get(0);
        batchLimit = Integer.MAX_VALUE;
        suspects.add(record.skuId());
        store.answered(java.util.Collections.singletonMap(record, outcome));
        stats.rejected(outcome);
        reportOnce(outcome.name() + "/" + record.skuAlias(), "SKU '" + record.skuAlias()
                + "' (sku_id '" + record.skuId() + "') was rejected as " + outcome.name()
                + ": a request holding only its record " + record.uuid() + " failed (" + why
                + "); " + outcome.explanation() + ". Its records are parked, not dropped; the "
                + "other records are delivered.", true);
        // refused records one after another: a short pause, so they are no flood of requests
        return ++parkedInARow > 1 ? PAUSE_BETWEEN_REFUSALS : Duration.ZERO;
    }

    private boolean apply(List<UsageRecord> batch, SendResult result) {
        boolean progress = false;
        Map<UsageRecord, RecordOutcome> outcomes = new LinkedHashMap<>();
        for (UsageRecord record : batch) {
            outcomes.put(record, result.outcome(record.uuid()));
        }
        // every answer of the batch in one durable step
        store.answered(outcomes);
        for (UsageRecord record : batch) {
            RecordOutcome outcome = outcomes.get(record);
            if (outcome.isDelivered()) {
                stats.delivered(record, outcome);
                progress = true;
            } else if (outcome.isSlotTaken()) {
                stats.rejected(outcome);
                policy.slotTaken(store, record, result.reason(record.uuid())
                        .orElse(outcome.explanation()));
                progress = true;
            } else if (outcome.isRetryable()) {
                // resent: in doubt if it may be stored (left out of the answer), else refused
                reportOnce(outcome.name() + "/" + record.skuAlias(), "record " + record.uuid()
                        + " for SKU '" + record.skuAlias() + "' came back " + outcome.name()
                        + result.reason(record.uuid()).map(r -> " (" + r + ")").orElse("")
                        + ": " + outcome.explanation(), false);
            } else {
                stats.rejected(outcome);
                progress = true;
                String fix = outcome.isConfigurationError()
                        ? hints.fixFor(outcome, record) : outcome.explanation();
                reportOnce(outcome.name() + "/" + record.skuAlias(), "SKU '" + record.skuAlias()
                        + "' (sku_id '" + record.skuId() + "') was rejected as " + outcome.name()
                        + ": " + fix + ". Its records are parked, not dropped.", true);
            }
        }
        return progress;
    }

    /**
     * The store (the cluster's database) cannot be reached or refused a step: nothing is sent
     * while it is so; one line when it begins, one when it ends.
     */
    private Duration storeUnavailable(StoreUnavailableException unavailable) {
        if (storeTrouble == null) {
            LOG.warn("delivery pauses: " + unavailable.getMessage() + "; it resumes when the "
                    + "store answers again (checked every " + STORE_RETRY.getSeconds() + " s)");
        }
        storeTrouble = unavailable.getMessage();
        return STORE_RETRY;
    }

    private void storeBack() {
        if (storeTrouble != null) {
            LOG.info("delivery resumes: the store answers again");
            storeTrouble = null;
        }
    }

    private void onFailure(DeliveryException failure, List<UsageRecord> batch, Duration delay) {
        failuresInARow++;
        stats.failed(failure.getMessage());
        if (failure.kind() == failingWith) {
            LOG.debug("delivery failed again (" + failuresInARow + " in a row): "
                    + failure.getMessage());
            return;
        }
        failingWith = failure.kind();
        boolean waitsForAPerson = failure.kind() == DeliveryException.Kind.FORBIDDEN
                || failure.kind() == DeliveryException.Kind.UNAUTHORIZED;
        String kept = "; " + store.pendingRecords() + " records (" + store.pendingUnits()
                + " units) are kept and " + (waitsForAPerson
                ? "retried at least once a minute, so billing resumes within a minute of the"
                + " fix; a line says when it does"
                : "retried in " + seconds(delay) + " with backoff");
        switch (failure.kind()) {
            case FORBIDDEN:
                LOG.error("the marketplace answered 403 Forbidden to " + client().describe()
                        + ": " + hints.forbidden() + kept);
                break;
            case UNAUTHORIZED:
            case AUTH_FAILED:
                LOG.error("cannot authenticate to the marketplace: " + failure.getMessage() + kept);
                break;
            case REJECTED_REQUEST:
                LOG.error("the marketplace rejected the request as malformed (a bug in Odometer, "
                        + "please report it): " + failure.getMessage() + kept);
                break;
            default:
                LOG.warn("delivery failed: " + failure.getMessage() + kept);
        }
    }

    private void onRecovery() {
        if (failingWith != null) {
            LOG.info("delivery recovered after " + failuresInARow + " failed attempt(s); "
                    + store.pendingRecords() + " records waiting");
        }
        failingWith = null;
        failuresInARow = 0;
    }

    private void reportOnce(String key, String message, boolean error) {
        if (reported.add(key)) {
            if (error) {
                LOG.error(message);
            } else {
                LOG.warn(message);
            }
        }
    }

    private void logSummaryIfDue() {
        Instant now = clock.instant();
        if (now.isBefore(nextSummary)) {
            return;
        }
        nextSummary = now.plus(SUMMARY_EVERY);
        String summary = stats.summary();
        if (!summary.equals(lastSummary)) {
            lastSummary = summary;
            LOG.info("delivery: " + summary);
        }
    }

    private static String seconds(Duration delay) {
        return delay.toMillis() < 1000 ? delay.toMillis() + " ms" : delay.getSeconds() + " s";
    }

    private void wakeUp() {
        synchronized (signal) {
            signalled = true;
            signal.notifyAll();
        }
    }

    private void await(Duration wait) {
        if (wait != null && wait.isZero()) {
            return;
        }
        long deadline = wait == null ? Long.MAX_VALUE
                : System.nanoTime() + Math.max(1, wait.toNanos());
        synchronized (signal) {
            // new records do not cut a backoff short: the marketplace asked us to wait
            while (running && (wait != null || !signalled)) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    break;
                }
                try {
                    signal.wait(wait == null ? 60_000 : Math.max(1, remaining / 1_000_000));
                } catch (InterruptedException ignored) {
                    // this thread is the agent's own and only close() ends it; someone
                    // interrupting every thread must not cut a backoff short (or, with the
                    // flag left set, make every later wait return at once: a busy loop)
                    continue;
                }
                if (wait == null && signalled) {
                    break;
                }
            }
            signalled = false;
        }
    }

    /**
     * Delivers what it can within {@code timeout} on the calling thread (the shutdown hook),
     * after stopping the delivery thread. A request the delivery thread has in flight is
     * waited for (never sent again beside it); if it is still unanswered at the deadline, the
     * flush sends nothing. What is left stays pending.
     */
    @Override
    public void flush(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        stopWorker();
        boolean locked;
        try {
            locked = sending.tryLock(Math.max(0, deadline - System.nanoTime()),
                    TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            locked = false;
        }
        if (!locked) {
            LOG.warn("shutdown: the delivery thread is still waiting for an answer from the "
                    + "marketplace after " + timeout.toMillis() + " ms (shutdown_timeout); its "
                    + "answer is journaled if it comes before the JVM exits, and what is not "
                    + "delivered stays in the journal for the next start");
            return;
        }
        try {
            deliverUntil(deadline);
        } finally {
            sending.unlock();
        }
    }

    /**
     * Delivers until nothing sendable is left or the deadline: failures of any kind (a 403
     * too) are retried quickly, within the time left, and a Retry-After is honoured only when
     * it ends before the deadline.
     */
    private void deliverUntil(long deadline) {
        Duration timeLeft = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
        backoff = Backoff.builder().base(SHUTDOWN_RETRY_BASE).cap(SHUTDOWN_RETRY_CAP)
                .waitingForAPerson(SHUTDOWN_RETRY_BASE, SHUTDOWN_RETRY_CAP)
                .maxRetryAfter(timeLeft).build();
        while (true) {
            Duration wait;
            try {
                wait = deliverOnce();
            } catch (StoreUnavailableException unavailable) {
                LOG.warn("shutdown: " + unavailable.getMessage() + "; what waits is delivered "
                        + "by the node that delivers next");
                break;
            }
            if (wait == null || wait == RECHECK_WAITING) {
                break; // nothing sendable is left; the rest waits in the journal
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= wait.toNanos()) {
                break;
            }
            if (!wait.isZero()) {
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        String left;
        try {
            int records = store.pendingRecords();
            left = records == 0 ? "" : "; " + records + " records (" + store.pendingUnits()
                    + " units) were not delivered in time";
        } catch (StoreUnavailableException unavailable) {
            left = "";
        }
        LOG.info("shutdown: " + stats.summary() + left);
    }

    private Thread stopWorker() {
        Thread current;
        synchronized (this) {
            running = false;
            current = worker;
        }
        wakeUp();
        return current;
    }

    /** Stops the delivery thread; pending records stay in the store. */
    @Override
    public void close() {
        Thread current = stopWorker();
        if (current != null && current != Thread.currentThread()) {
            try {
                current.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The client, built on first use (on the delivery thread, or the shutdown hook). */
    public MarketplaceClient client() {
        MarketplaceClient current = client;
        if (current == null) {
            synchronized (this) {
                current = client;
                if (current == null) {
                    current = clientSupplier.get();
                    client = current;
                }
            }
        }
        return current;
    }

}
