package dev.odometer.agent.bootstrap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counter slots that metered methods add to. Loaded by the bootstrap class loader, so code
 * inlined into any class of any class loader can reach it.
 *
 * <p>This is the hot path, so it is striped by thread: a thread claims a {@link Row} of its
 * own (one per thread id modulo {@value #ROWS}), and from then on adds to its slot there with a
 * plain read and a release store: no lock, no compare-and-swap, no allocation, no map lookup.
 * A thread whose row is taken by another live thread adds to a shared {@link LongAdder} per
 * slot instead, which is still exact, only slower.
 *
 * <p>Every part of a slot only grows, so a slot's {@link #total} read later is never smaller,
 * and an add that races with a reading is counted in exactly one window. When a row's owner
 * has died, its counts move into a retired total and the row is free for another thread; only
 * the reader does this, and a dead thread no longer writes (its termination happens-before
 * {@link Thread#isAlive()} returning false), so nothing is lost or counted twice.
 *
 * <p>Not API: application code must never call this class.
 */
public final class Counters {
    /** Number of slots; one per configured SKU. */
    public static final int CAPACITY = 256;
    static final int ROWS = 64;
    /** Longs left unused before and after the slots so rows do not share cache lines. */
    private static final int PAD = 8;

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final AtomicReferenceArray<Row> ROW_TABLE = new AtomicReferenceArray<>(ROWS);
    private static final LongAdder[] SHARED = new LongAdder[CAPACITY];
    private static final long[] RETIRED = new long[CAPACITY];

    static {
        for (int i = 0; i < CAPACITY; i++) {
            SHARED[i] = new LongAdder();
        }
    }

    private Counters() {
    }

    /** Adds {@code amount} units to {@code slot}. Called from inlined advice. */
    public static void add(int slot, long amount) {
        Thread current = Thread.currentThread();
        Row row = ROW_TABLE.getPlain(rowIndex(current));
        if (row != null && row.owner == current) {
            long[] values = row.values;
            int index = slot + PAD;
            LONGS.setRelease(values, index, values[index] + amount);
        } else {
            addSlowly(current, slot, amount);
        }
    }

    private static void addSlowly(Thread current, int slot, long amount) {
        Row row = claim(current);
        if (row != null) {
            int index = slot + PAD;
            LONGS.setRelease(row.values, index, row.values[index] + amount);
        } else {
            SHARED[slot].add(amount);
        }
    }

    /** The row for this thread, claimed now if free; null when another live thread has it. */
    private static Row claim(Thread current) {
        int index = rowIndex(current);
        Row row = ROW_TABLE.get(index);
        if (row == null) {
            Row fresh = new Row(current);
            if (ROW_TABLE.compareAndSet(index, null, fresh)) {
                return fresh;
            }
            row = ROW_TABLE.get(index);
        }
        if (row.owner == current || row.tryClaim(current)) {
            return row;
        }
        return null;
    }

    @SuppressWarnings("deprecation") // Thread.getId(): threadId() needs Java 19, we run on 11+
    private static int rowIndex(Thread thread) {
        return (int) thread.getId() & (ROWS - 1);
    }

    /** Everything ever added to {@code slot} in this JVM. */
    public static synchronized long total(int slot) {
        long total = SHARED[slot].sum();
        int index = slot + PAD;
        for (int i = 0; i < ROWS; i++) {
            Row row = ROW_TABLE.get(i);
            if (row == null) {
                continue;
            }
            Thread owner = row.owner;
            if (owner != null && !owner.isAlive()) {
                retire(row);
            }
            total += (long) LONGS.getAcquire(row.values, index);
        }
        return total + RETIRED[slot];
    }

    /** Moves a dead owner's counts into the retired totals and frees its row. */
    private static void retire(Row row) {
        long[] values = row.values;
        for (int slot = 0; slot < CAPACITY; slot++) {
            int index = slot + PAD;
            RETIRED[slot] += (long) LONGS.getAcquire(values, index);
            LONGS.setRelease(values, index, 0L);
        }
        row.release();
    }

    /** One thread's counts for every slot; written only by its owner. */
    static final class Row {
        private static final VarHandle OWNER;

        static {
            try {
                OWNER = MethodHandles.lookup().findVarHandle(Row.class, "owner", Thread.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        volatile Thread owner;
        final long[] values = new long[CAPACITY + 2 * PAD];

        Row(Thread owner) {
            this.owner = owner;
        }

        boolean tryClaim(Thread thread) {
            return OWNER.compareAndSet(this, null, thread);
        }

        void release() {
            owner = null;
        }
    }
}
