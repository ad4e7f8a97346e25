package dev.odometer.agent.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a journal says per SKU, read without the lock and without changing anything, so it can
 * be asked while the metered application runs (a write in progress reads as a torn tail and is
 * left out).
 */
public final class JournalStatus {
    /** The figures of one SKU alias. */
    public static final class Sku {
        long deliveredUnits;
        long pendingUnits;
        long inDoubtUnits;
        long parkedUnits;
        Instant oldestPending;

        public long deliveredUnits() {
            return deliveredUnits;
        }

        /** Waiting to be sent, never possibly received. */
        public long pendingUnits() {
            return pendingUnits;
        }

        /** Waiting to be sent again: an attempt got no answer. */
        public long inDoubtUnits() {
            return inDoubtUnits;
        }

        /** Refused for good (until the config is fixed). */
        public long parkedUnits() {
            return parkedUnits;
        }

        /** The usage time of the oldest record still waiting, or null. */
        public Instant oldestPending() {
            return oldestPending;
        }
    }

    private final Map<String, Sku> skus;
    private final long skippedBytes;

    private JournalStatus(Map<String, Sku> skus, long skippedBytes) {
        this.skus = Collections.unmodifiableMap(skus);
        this.skippedBytes = skippedBytes;
    }

    /** Reads the journal in {@code directory}; an absent journal has nothing in it. */
    public static JournalStatus read(Path directory) throws IOException {
        Path file = directory.resolve(Journal.FILE);
        Map<String, Sku> skus = new TreeMap<>();
        if (!Files.exists(file)) {
            return new JournalStatus(skus, 0);
        }
        JournalState state = new JournalState();
        JournalFile.ReadResult read = JournalFile.read(file, state::apply);
        for (Map.Entry<String, JournalState.Delivered> e : state.delivered.entrySet()) {
            skus.computeIfAbsent(e.getKey(), k -> new Sku()).deliveredUnits = e.getValue().units;
        }
        for (JournalState.Live live : state.lives()) {
            Sku sku = skus.computeIfAbsent(live.record.skuAlias(), k -> new Sku());
            long units = live.record.quantity();
            if (!live.isPending()) {
                sku.parkedUnits += units;
                continue;
            }
            if (live.possiblyReceived()) {
                sku.inDoubtUnits += units;
            } else {
                sku.pendingUnits += units;
            }
            if (sku.oldestPending == null || live.record.timestamp().isBefore(sku.oldestPending)) {
                sku.oldestPending = live.record.timestamp();
            }
        }
        return new JournalStatus(skus, read.skippedBytes);
    }

    /** Per SKU alias, sorted. */
    public Map<String, Sku> skus() {
        return skus;
    }

    /** Bytes that did not read as intact entries (a write in progress, or damage). */
    public long skippedBytes() {
        return skippedBytes;
    }

    /** The age of each SKU's oldest waiting record at {@code now}, for display. */
    public Map<String, Duration> oldestPendingAges(Instant now) {
        Map<String, Duration> ages = new LinkedHashMap<>();
        skus.forEach((alias, sku) -> ages.put(alias, sku.oldestPending == null ? null
                : Duration.between(sku.oldestPending, now)));
        return ages;
    }
}
