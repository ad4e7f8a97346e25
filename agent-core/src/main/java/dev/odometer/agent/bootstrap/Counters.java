package dev.odometer.agent.bootstrap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletionStage;
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
 * <p>Metered methods call {@link #enter} on entry and {@link #exit} on the way out. Only the
 * outermost call of a SKU on a thread counts: {@code enter} answers null while the thread is
 * already inside a metered call of the same slot, so a proxy, a decorator, an override calling
 * {@code super}, or a {@code sendAll} calling a metered {@code send} per item is one bill. The
 * "inside" marks live in the thread's row, read and written only by that thread.
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
    /** Rows for threads whose striped row is taken; only their "inside" marks are used. */
    private static final ThreadLocal<Row> OWN_ROW = new ThreadLocal<>();

    /** Count modes of {@link #exitAsync}, as {@code dev.odometer.CountOn}. */
    public static final int SUCCESS = 0;
    /** Counts calls that fail. */
    public static final int FAILURE = 1;
    /** Counts every call. */
    public static final int ALWAYS = 2;

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

    /**
     * Called on entry of a metered method of {@code slot}.
     *
     * @return the calling thread's row, now marked as inside {@code slot}, to pass to
     *     {@link #exit}; null when the thread is already inside a metered call of this slot,
     *     which then counts for both
     */
    public static Row enter(int slot) {
        Thread current = Thread.currentThread();
        Row row = ROW_TABLE.getPlain(rowIndex(current));
        if (row != null && row.owner == current) {
            byte[] inside = row.inside;
            if (inside[slot] != 0) {
                return null;
            }
            inside[slot] = 1;
            return row;
        }
        return enterSlowly(current, slot);
    }

    /**
     * Called on the way out of a metered call: ends what {@link #enter} began and adds
     * {@code amount} (nothing when it is not positive).
     *
     * @param frame what {@code enter} returned; null (a nested call) does nothing
     */
    public static void exit(Row frame, int slot, long amount) {
        if (frame == null) {
            return;
        }
        long[] values = frame.values;
        if (values == null) {
            exitShared(frame, slot, amount);
            return;
        }
        frame.inside[slot] = 0;
        if (amount > 0) {
            int index = slot + PAD;
            LONGS.setRelease(values, index, values[index] + amount);
        }
    }

    /**
     * Like {@link #exit} for a method that returns a {@link CompletionStage}: the call counts
     * when the stage completes, by {@code mode} ({@link #SUCCESS}, {@link #FAILURE},
     * {@link #ALWAYS}); a stage that never completes counts nothing. A call that threw, or
     * returned null, counts now by the same mode.
     */
    public static void exitAsync(Row frame, int slot, long amount, int mode, Object returned,
                                 Throwable thrown) {
        if (frame == null) {
            return;
        }
        if (thrown != null || !(returned instanceof CompletionStage) || amount <= 0) {
            exit(frame, slot, counts(mode, thrown != null) ? amount : 0);
            return;
        }
        exit(frame, slot, 0);
        try {
            ((CompletionStage<?>) returned).whenComplete(new Completion(slot, amount, mode));
        } catch (Throwable unfollowable) {
            // a stage that cannot be followed: the call returned normally, count it so
            if (counts(mode, false)) {
                add(slot, amount);
            }
        }
    }

    /** Whether a call that ended this way counts in {@code mode}. */
    static boolean counts(int mode, boolean failed) {
        return mode == ALWAYS || (mode == FAILURE) == failed;
    }

    /** The slow path of {@link #enter}: a row to claim, or the thread's own shared-mode row. */
    private static Row enterSlowly(Thread current, int slot) {
        Row own = OWN_ROW.get();
        Row row = own != null && own.open > 0 ? own : claim(current);
        if (row == null) {
            // another live thread has this thread's row: count into the shared adders, and
            // keep the marks in a row of this thread's own until all its calls have ended
            if (own == null) {
                own = new Row(current, false);
                OWN_ROW.set(own);
            }
            row = own;
        }
        byte[] inside = row.inside;
        if (inside[slot] != 0) {
            return null;
        }
        inside[slot] = 1;
        if (row.values == null) {
            row.open++;
        }
        return row;
    }

    private static void exitShared(Row frame, int slot, long amount) {
        frame.inside[slot] = 0;
        frame.open--;
        if (amount > 0) {
            SHARED[slot].add(amount);
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
            Row fresh = new Row(current, true);
            if (ROW_TABLE.compareAndSet(index, null, fresh)) {
                return fresh;
            }
            row = ROW_TABLE.get(index);
        }
        if (row.owner == current) {
            return row;
        }
        if (row.tryClaim(current)) {
            // a dead owner may have left marks only if its exit never ran
            java.util.Arrays.fill(row.inside, (byte) 0);
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

    /**
     * One thread's counts for every slot, and which slots it is inside a metered call of;
     * written only by its owner. Public only so that woven code can hold one in a local.
     */
    public static final class Row {
        private static final VarHandle OWNER;

        static {
            try {
                OWNER = MethodHandles.lookup().findVarHandle(Row.class, "owner", Thread.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        volatile Thread owner;
        /** Counts; null in a thread's own row, whose counts go to the shared adders. */
        final long[] values;
        final byte[] inside = new byte[CAPACITY];
        /** In a thread's own row: calls entered and not yet exited. */
        int open;

        Row(Thread owner, boolean counts) {
            this.owner = owner;
            this.values = counts ? new long[CAPACITY + 2 * PAD] : null;
        }

        boolean tryClaim(Thread thread) {
            return OWNER.compareAndSet(this, null, thread);
        }

        void release() {
            owner = null;
        }
    }
}
