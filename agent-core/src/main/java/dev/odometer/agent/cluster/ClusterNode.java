package dev.odometer.agent.cluster;

import dev.odometer.agent.delivery.DeliveryLoop;
import dev.odometer.agent.delivery.NodeRole;
import dev.odometer.agent.journal.Journal;
import dev.odometer.agent.log.AgentLog;
import dev.odometer.agent.marketplace.RecordOutcome;
import dev.odometer.agent.record.UsageRecord;
import dev.odometer.agent.store.PendingRecord;
import dev.odometer.agent.store.StoreUnavailableException;
import dev.odometer.agent.store.StoringSink;
import dev.odometer.agent.store.postgres.LeaderLease;
import dev.odometer.agent.store.postgres.PostgresStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One node of a cluster, on a thread of its own ({@code odometer-cluster}): forwards what the
 * local journal holds into the cluster's database, renews (or takes) the delivery lease and
 * says which node delivers.
 *
 * <p>The local journal is the first durable write of every sealed record, as without a
 * cluster: the host never waits for the database, and while the database cannot be reached
 * the journal buffers (within {@code journal_max_bytes}) and forwarding resumes when it is
 * back. A record is marked forwarded in the journal only after the database committed it;
 * forwarded twice (a crash in between) it is stored once, by its uuid.
 */
final class ClusterNode implements StoringSink.Downstream, NodeRole {
    static final int FORWARD_BATCH = 500;
    static final Duration LEASE_EVERY = Duration.ofSeconds(5);
    static final Duration RETRY_DATABASE = Duration.ofSeconds(5);
    private static final AgentLog LOG = AgentLog.forClass(ClusterNode.class);

    private final String nodeId;
    private final Journal journal;
    private final PostgresStore database;
    private final LeaderLease lease;
    private final LeaderOnlyStore deliveryView;
    /** The SKU id of each alias in this node's config: parked records are sealed again with them. */
    private final Map<String, String> skuIds;
    private final Clock clock;
    private final Object signal = new Object();
    private volatile DeliveryLoop delivery;
    private volatile boolean running;
    private volatile String holder;
    private boolean signalled;
    private Thread worker;
    private long nextLeaseNanos;
    private boolean delivering;
    /** Why the database could not be used, while it cannot; null when it answers. */
    private String databaseTrouble;

    ClusterNode(String nodeId, Journal journal, PostgresStore database, LeaderLease lease,
                LeaderOnlyStore deliveryView, Map<String, String> skuIds, Clock clock) {
        this.nodeId = nodeId;
        this.skuIds = skuIds;
        this.clock = clock;
        this.journal = journal;
        this.database = database;
        this.lease = lease;
        this.deliveryView = deliveryView;
    }

    /** The delivery loop to wake when this node starts to deliver. */
    void deliveryLoop(DeliveryLoop loop) {
        this.delivery = loop;
    }

    synchronized void start() {
        running = true;
        worker = new Thread(this::run, "odometer-cluster");
        worker.setDaemon(true);
        worker.start();
    }

    private void run() {
        while (running) {
            Duration wait;
            try {
                wait = pass();
            } catch (Throwable bug) {
                LOG.error("the cluster thread failed unexpectedly; retrying", bug);
                wait = RETRY_DATABASE;
            }
            await(wait);
        }
    }

    /** Forwards, renews the lease when due; returns how long to wait. */
    Duration pass() {
        try {
            journal.maintain(); // processes that ended on this disk: their records too
            int forwarded = forward(FORWARD_BATCH);
            if (System.nanoTime() - nextLeaseNanos >= 0) {
                renewLease();
                nextLeaseNanos = System.nanoTime() + LEASE_EVERY.toNanos();
            }
            databaseBack();
            return forwarded == FORWARD_BATCH ? Duration.ZERO : LEASE_EVERY;
        } catch (StoreUnavailableException unavailable) {
            databaseDown(unavailable);
            return RETRY_DATABASE;
        }
    }

    /** Moves up to {@code max} records from the journal into the database; how many. */
    int forward(int max) {
        List<PendingRecord> waiting = journal.nextBatch(max);
        if (waiting.isEmpty()) {
            return 0;
        }
        List<UsageRecord> records = new ArrayList<>(waiting.size());
        Map<UsageRecord, RecordOutcome> forwarded = new LinkedHashMap<>();
        for (PendingRecord pending : waiting) {
            records.add(pending.record());
            forwarded.put(pending.record(), RecordOutcome.FORWARDED);
        }
        database.adopt(waiting); // as the journal knew them: events stay events, doubt stays
        journal.answered(forwarded);
        DeliveryLoop loop = delivery;
        if (loop != null) {
            loop.stored(records);
        }
        return records.size();
    }

    private void renewLease() {
        boolean held = lease.tryAcquireOrRenew();
        lease.heartbeat();
        String current = held ? nodeId : lease.holder();
        holder = current;
        long[] counts = database.counts();
        deliveryView.counts((int) counts[0], counts[1], (int) counts[2]);
        if (held && !delivering) {
            LOG.info("node " + nodeId + " delivers for the cluster now (it holds the delivery "
                    + "lease)");
            int reopened = database.reopenParkedForConfigErrors(skuIds, clock.instant());
            if (reopened > 0) {
                LOG.info(reopened + " records parked for a configuration error are sealed again "
                        + "with the SKU ids of this node's config");
            }
            DeliveryLoop loop = delivery;
            if (loop != null) {
                loop.stored(java.util.Collections.emptyList()); // wakes it
            }
        } else if (!held && delivering) {
            LOG.info("node " + nodeId + " no longer delivers: " + (current == null ? "no node"
                    : "node " + current) + " holds the delivery lease");
        }
        delivering = held;
    }

    private void databaseDown(StoreUnavailableException unavailable) {
        if (databaseTrouble == null) {
            LOG.warn("the cluster's database cannot be used: " + unavailable.getMessage()
                    + ". Sealed usage is kept in the local journal (" + journal.directory()
                    + ", bounded by journal_max_bytes) and forwarded when the database is back;"
                    + " the application is not affected");
        }
        databaseTrouble = unavailable.getMessage();
    }

    private void databaseBack() {
        if (databaseTrouble != null) {
            LOG.info("the cluster's database answers again; the records the local journal kept "
                    + "meanwhile are being forwarded (" + journal.pendingRecords() + " still in the "
                    + "journal)");
            databaseTrouble = null;
        }
    }

    @Override
    public void stored(List<UsageRecord> records) {
        synchronized (signal) {
            signalled = true;
            signal.notifyAll();
        }
    }

    private void await(Duration wait) {
        if (wait.isZero()) {
            return;
        }
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (signal) {
            while (running && !signalled) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    break;
                }
                try {
                    signal.wait(Math.max(1, remaining / 1_000_000));
                } catch (InterruptedException ignored) {
                    // the agent's own thread: only flush() ends it
                }
            }
            signalled = false;
        }
    }

    /**
     * Shutdown: forwards what the journal holds, delivers for what is left of {@code timeout}
     * if this node holds the lease, then hands the lease back so another node delivers at once.
     * What cannot be forwarded stays in the journal for the next start on this disk.
     */
    @Override
    public void flush(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Thread current;
        synchronized (this) {
            running = false;
            current = worker;
        }
        stored(java.util.Collections.emptyList());
        if (current != null) {
            try {
                current.join(Math.max(1, timeout.toMillis() / 4));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            while (forward(FORWARD_BATCH) > 0 && System.nanoTime() < deadline) {
                // forwards the last windows, in batches
            }
        } catch (StoreUnavailableException unavailable) {
            LOG.warn("shutdown: the cluster's database cannot be used (" + unavailable.getMessage()
                    + "): " + journal.pendingRecords() + " records stay in the local journal "
                    + journal.directory() + " and are forwarded by the next start on this disk");
        }
        DeliveryLoop loop = delivery;
        if (loop != null) {
            if (!lease.held()) {
                // the last node out delivers: if the lease is free (its holder has stopped)
                takeLeaseIfFree();
            }
            if (lease.held()) {
                loop.flush(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            } else {
                loop.close();
            }
        }
        try {
            lease.release();
        } catch (StoreUnavailableException unavailable) {
            // it expires on its own
        }
    }

    private void takeLeaseIfFree() {
        try {
            if (lease.tryAcquireOrRenew()) {
                LOG.info("shutdown: no other node delivers, so node " + nodeId + " delivers "
                        + "what waits before it stops");
            }
        } catch (StoreUnavailableException unavailable) {
            // nothing to deliver from then
        }
    }

    @Override
    public boolean delivers() {
        return lease.held();
    }

    @Override
    public String describe() {
        String current = holder;
        return lease.held() ? "node " + nodeId + " delivers for the cluster"
                : "node " + nodeId + " forwards to the cluster; " + (current == null
                ? "no node holds the delivery lease now" : "node " + current + " delivers");
    }
}
