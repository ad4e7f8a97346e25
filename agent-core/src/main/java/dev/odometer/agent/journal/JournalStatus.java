package dev.odometer.agent.journal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the journals of a {@code journal_dir} say per SKU, read without their locks and without
 * changing anything, so it can be asked while the metered applications run (a write in
 * progress reads as a torn tail and is left out).
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

    /**
     * Reads every journal under {@code journalDir} (each process's, and an earlier version's)
     * and adds them up; a record found in two (a takeover in progress) counts once. An absent
     * directory has nothing in it.
     */
    public static JournalStatus read(Path journalDir) throws IOException {
        Map<String, Sku> skus = new TreeMap<>();
        Map<java.util.UUID, JournalState.Live> lives = new java.util.LinkedHashMap<>();
        long skipped = 0;
        for (Path file : JournalDirectory.allJournalFiles(journalDir)) {
            JournalState state = new JournalState();
            JournalFile.ReadResult read;
            try {
                read = JournalFile.read(file, state::apply);
            } catch (java.nio.file.NoSuchFileException takenOver) {
                continue; // deleted by a takeover since it was listed
            }
            skipped += read.skippedBytes;
            for (Map.Entry<String, JournalState.Delivered> e : state.delivered.entrySet()) {
                skus.computeIfAbsent(e.getKey(), k -> new Sku()).deliveredUnits +=
                        e.getValue().units;
            }
            for (JournalState.Live live : state.lives()) {
                lives.putIfAbsent(live.record.uuid(), live);
            }
        }
        for (JournalState.Live live : lives.values()) {
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
        return new JournalStatus(skus, skipped);
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
