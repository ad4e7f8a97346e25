package dev.odometer.agent.instrument;

/**
 * A set of type names kept as 64-bit hashes in one {@code long[]}: the pre-filter's "no"
 * answers, one per class the host loads (thousands), at 8-16 bytes each instead of the ~120 of a
 * {@code String} in a map entry. Two names sharing a hash (odds of about one in 10^12 for a
 * hundred thousand names) would make an unread supertype count as known not to be metered.
 * Thread-safe; class loading rarely contends.
 */
final class NameHashes {
    private static final long EMPTY = 0L;

    private long[] table = new long[1024];
    private int size;

    synchronized boolean contains(String name) {
        long hash = hash(name);
        long[] t = table;
        int mask = t.length - 1;
        for (int i = (int) hash & mask; ; i = (i + 1) & mask) {
            long entry = t[i];
            if (entry == hash) {
                return true;
            }
            if (entry == EMPTY) {
                return false;
            }
        }
    }

    synchronized void add(String name) {
        if ((size + 1) * 2 > table.length) {
            grow();
        }
        if (insert(table, hash(name))) {
            size++;
        }
    }

    synchronized int size() {
        return size;
    }

    synchronized void clear() {
        table = new long[1024];
        size = 0;
    }

    private void grow() {
        long[] bigger = new long[table.length * 2];
        for (long entry : table) {
            if (entry != EMPTY) {
                insert(bigger, entry);
            }
        }
        table = bigger;
    }

    private static boolean insert(long[] t, long hash) {
        int mask = t.length - 1;
        for (int i = (int) hash & mask; ; i = (i + 1) & mask) {
            if (t[i] == hash) {
                return false;
            }
            if (t[i] == EMPTY) {
                t[i] = hash;
                return true;
            }
        }
    }

    /** FNV-1a over the chars, 64 bits, mixed; never 0. */
    static long hash(String name) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < name.length(); i++) {
            h ^= name.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h == EMPTY ? 1 : h;
    }
}
