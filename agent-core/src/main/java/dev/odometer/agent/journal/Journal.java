package dev.odometer.agent.journal;

import dev.odometer.agent.delivery.PendingRecord;
import dev.odometer.agent.delivery.PendingStore;
import dev.odometer.agent.log.AgentLog;
import dev.odometer.agent.marketplace.RecordOutcome;
import dev.odometer.agent.record.UsageRecord;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The durable pending store: every sealed record is in the journal, forced to the device,
 * before its first send; every attempt is written before the request leaves; every answer is
 * written when it comes. After a restart the journal is replayed and what is not settled is
 * sent again under the same uuids; records whose last attempt got no answer are in doubt.
 *
 * <p>One small append-only file ({@code journal.log}, owner-only) with a checksum per entry,
 * compacted by rewriting only what is live; bounded by {@code journal_max_bytes}: new usage is
 * refused (and stays in the counters) before the bound is reached, with a loud warning on the
 * way. One process per directory ({@code journal.lock}).
 */
public final class Journal implements PendingStore, AutoCloseable {
    static final String FILE = "journal.log";
    private static final long MIN_COMPACT_BYTES = 256 * 1024;
    private static final AgentLog LOG = AgentLog.forClass(Journal.class);

    private final Path directory;
    private final long maxBytes;
    private final Clock clock;
    private final JournalLock lock;
    private final JournalState state;
    private final ReconciliationFile reconciliation;
    private JournalFile file;
    private long compactedSize;
    /** Forced writes of the files compaction replaced. */
    private long forcedBefore;
    private boolean warnedNearBound;
    private boolean warnedWriteFailure;
    private long sealLimit;

    private Journal(Path directory, long maxBytes, Clock clock, JournalLock lock,
                    JournalState state, JournalFile file) {
        this.directory = directory;
        this.maxBytes = maxBytes;
        this.clock = clock;
        this.lock = lock;
        this.state = state;
        this.file = file;
        this.compactedSize = file.size();
        this.sealLimit = maxBytes * 9 / 10;
        this.reconciliation = new ReconciliationFile(directory);
    }

    /**
     * Opens the journal in {@code directory} (created owner-only if absent), replays it, and
     * holds the directory's lock until {@link #close()}.
     *
     * @throws JournalException when the directory is in use by another process or unusable
     */
    public static Journal open(Path directory, long maxBytes, Clock clock)
            throws JournalException {
        JournalLock lock = null;
        try {
            createDirectory(directory);
            lock = JournalLock.acquire(directory);
            Path path = directory.resolve(FILE);
            JournalState state = new JournalState();
            JournalFile.ReadResult read = null;
            if (Files.exists(path)) {
                try {
                    read = JournalFile.read(path, state::apply);
                } catch (IOException unreadable) {
                    Path aside = path.resolveSibling(FILE + ".unreadable-" + clock.millis());
                    Files.move(path, aside, StandardCopyOption.REPLACE_EXISTING);
                    LOG.error("journal " + path + " cannot be read (" + unreadable.getMessage()
                            + "); it was moved to " + aside + " and a new journal started. "
                            + "Records in it are not resent: keep the file for reconciliation.");
                }
            }
            JournalFile file = JournalFile.openForAppend(path);
            Journal journal = new Journal(directory, maxBytes, clock, lock, state, file);
            if (read != null && read.skippedBytes > 0) {
                LOG.warn("journal " + path + ": " + read.skippedBytes + " bytes were torn or "
                        + "damaged (an interrupted write, most likely) and were skipped; the "
                        + read.entries + " intact entries were kept and the file rewritten");
                journal.compact();
            }
            return journal;
        } catch (IOException e) {
            closeQuietly(lock);
            throw new JournalException("journal_dir " + directory + " cannot be used: " + e
                    + ". Check that it is a writable directory for the user this process runs "
                    + "as, or set journal_dir. This process runs unmetered.", e);
        } catch (JournalException e) {
            closeQuietly(lock);
            throw e;
        }
    }

    @Override
    public synchronized void add(List<UsageRecord> records) {
        List<byte[]> entries = new ArrayList<>(records.size());
        for (UsageRecord record : records) {
            entries.add(Entry.sealed(record));
        }
        appendOrRefuse(entries, sealLimit);
        for (UsageRecord record : records) {
            state.sealed(record);
        }
    }

    @Override
    public synchronized List<PendingRecord> nextBatch(int max, Predicate<PendingRecord> wanted) {
        return state.pending(max, wanted);
    }

    @Override
    public synchronized List<PendingRecord> pendingBefore(Instant instant) {
        return state.pendingBefore(instant);
    }

    @Override
    public synchronized void attempting(List<UsageRecord> records) {
        appendOrRefuse(Collections.singletonList(Entry.attempt(records)), maxBytes);
        for (UsageRecord record : records) {
            state.attempting(record.uuid());
        }
    }

    @Override
    public synchronized void attemptFailed(List<UsageRecord> records, boolean possiblyReceived) {
        if (possiblyReceived) {
            return; // the attempt stays open: in doubt, which is what it is
        }
        appendBestEffort(Collections.singletonList(Entry.notReceived(records)));
        for (UsageRecord record : records) {
            state.notReceived(record.uuid());
        }
    }

    @Override
    public synchronized void answered(Map<UsageRecord, RecordOutcome> outcomes) {
        if (outcomes.isEmpty()) {
            return;
        }
        Map<UUID, String> names = new LinkedHashMap<>();
        outcomes.forEach((record, outcome) -> names.put(record.uuid(), outcome.name()));
        // One entry, forced once for the whole batch. Were it lost (power cut), delivered
        // records would be sent again and come back DUPLICATE, parked ones refused again.
        appendBestEffort(Collections.singletonList(Entry.outcomes(names)));
        names.forEach(state::outcome);
    }

    @Override
    public synchronized void replace(UsageRecord old, UsageRecord fresh) {
        appendOrRefuse(Collections.singletonList(Entry.renewed(old.uuid(), fresh)), maxBytes);
        state.renewed(old.uuid(), fresh);
    }

    @Override
    public synchronized void rollUp(List<UsageRecord> parts, UsageRecord whole) {
        appendOrRefuse(Collections.singletonList(Entry.rolledUpInto(whole, parts)), maxBytes);
        List<UUID> uuids = new ArrayList<>(parts.size());
        for (UsageRecord part : parts) {
            uuids.add(part.uuid());
        }
        state.rolledUp(uuids, whole);
    }

    @Override
    public synchronized Instant rolledUpThrough(String dimension) {
        return state.rolledThrough.get(dimension);
    }

    /** Whether the record is an hour's event made by {@link #rollUp}. */
    synchronized boolean isRolledUp(UsageRecord record) {
        JournalState.Live live = state.get(record.uuid());
        return live != null && live.rolledUp;
    }

    /** Whether any attempt to send this record may have reached the marketplace. */
    synchronized boolean possiblyReceived(UsageRecord record) {
        JournalState.Live live = state.get(record.uuid());
        return live != null && live.possiblyReceived();
    }

    @Override
    public synchronized void moved(UsageRecord old, UsageRecord fresh, String why) {
        appendOrRefuse(Collections.singletonList(Entry.renewed(old.uuid(), fresh)), maxBytes);
        state.renewed(old.uuid(), fresh);
        try {
            reconciliation.append(clock.instant(), old, "moved", fresh, why);
        } catch (IOException e) {
            LOG.error("could not write " + reconciliation.path() + ": " + e + "; the record "
                    + old + ", moved to " + fresh.uuid() + " (" + why + "), is named here instead");
        }
    }

    @Override
    public synchronized void expiredInDoubt(UsageRecord record, UsageRecord rebilledAs) {
        try {
            reconciliation.append(clock.instant(), record, rebilledAs);
        } catch (IOException e) {
            LOG.error("could not write " + reconciliation.path() + ": " + e + "; the record "
                    + record + " is named here instead");
        }
        appendOrRefuse(Collections.singletonList(Entry.settledInDoubt(record.uuid(), rebilledAs)),
                maxBytes);
        state.settledInDoubt(record.uuid(), rebilledAs);
    }

    /**
     * Gives records parked for a configuration error another chance after a restart (which is
     * how a config fix takes effect): each is sealed again under a new uuid with the SKU id the
     * config now has. They were rejected, so they were never stored: nothing is billed twice.
     *
     * @param skuIds the SKU id of each alias in the current config
     * @return how many records were reopened
     */
    public synchronized int reopenParkedForConfigErrors(Map<String, String> skuIds) {
        Map<UsageRecord, String> reopen = new LinkedHashMap<>();
        for (JournalState.Live live : state.livesInOrder()) {
            RecordOutcome parked = live.parkedAs == null ? null
                    : JournalState.outcomeOf(live.parkedAs);
            String skuId = skuIdNow(live.record.skuAlias(), skuIds);
            if (parked != null && parked.isTriedAgainAfterRestart() && skuId != null) {
                reopen.put(live.record, skuId);
            }
        }
        reopen.forEach((old, skuId) -> replace(old, UsageRecord.seal(old.skuAlias(), skuId,
                old.quantity(), clock.instant())));
        return reopen.size();
    }

    /**
     * The SKU id the config now gives {@code alias}; for an Azure event of several aliases
     * sharing a dimension ({@code a+b}), the one they all still share; null if none.
     */
    private static String skuIdNow(String alias, Map<String, String> skuIds) {
        String skuId = null;
        for (String part : alias.split("\\+")) {
            String now = skuIds.get(part);
            if (now == null || (skuId != null && !skuId.equals(now))) {
                return null;
            }
            skuId = now;
        }
        return skuId;
    }

    @Override
    public synchronized int pendingRecords() {
        return state.pendingRecords();
    }

    @Override
    public synchronized long pendingUnits() {
        return state.pendingUnits();
    }

    @Override
    public synchronized int parkedRecords() {
        return state.parkedRecords();
    }

    /**
     * Lets the last seal at shutdown use the headroom kept for answers and attempts: after it,
     * units still in the counters would be lost with the process.
     */
    public synchronized void allowFinalSeal() {
        sealLimit = maxBytes;
    }

    /**
     * How many times this journal forced its writes to the device since it was opened: the
     * cost that dominates delivery on a real disk.
     */
    public synchronized long forcedWrites() {
        return forcedBefore + file.forces();
    }

    /** Bytes on disk now. */
    public synchronized long sizeOnDisk() {
        return file.size();
    }

    private void appendOrRefuse(List<byte[]> entries, long limit) {
        long needed = JournalFile.framedSize(entries);
        try {
            if (file.size() + needed > Math.min(limit, compactionThreshold())) {
                compact();
            }
            if (file.size() + needed > limit) {
                throw new StoreFullException("the journal " + file.path() + " is at "
                        + "journal_max_bytes (" + maxBytes + " bytes) with " + pendingRecords()
                        + " records waiting for the marketplace: new usage stays counted in "
                        + "memory and is journaled when records are delivered. Raise "
                        + "journal_max_bytes or check why delivery is failing.");
            }
            file.append(entries, true);
            warnedWriteFailure = false;
        } catch (IOException e) {
            throw new StoreFullException("the journal " + file.path() + " cannot be written ("
                    + e.getMessage() + "): new usage stays counted in memory and is journaled "
                    + "when the disk has room again");
        }
    }

    private void appendBestEffort(List<byte[]> entries) {
        try {
            appendOrRefuse(entries, maxBytes);
        } catch (StoreFullException e) {
            if (!warnedWriteFailure) {
                warnedWriteFailure = true;
                LOG.error(e.getMessage() + " (an answer from the marketplace could not be "
                        + "written; after a restart that record is sent again and comes back "
                        + "DUPLICATE)");
            }
        }
    }

    private long compactionThreshold() {
        return Math.max(Math.min(MIN_COMPACT_BYTES, maxBytes / 4), compactedSize * 2);
    }

    /** Rewrites the journal with only what is live. */
    synchronized void compact() throws IOException {
        List<byte[]> entries = new ArrayList<>(state.live.size() + 2);
        entries.add(Entry.totals(state.delivered));
        entries.add(Entry.watermarks(state.rolledThrough));
        for (JournalState.Live live : state.livesInOrder()) {
            entries.add(Entry.snapshot(live));
        }
        forcedBefore += file.forces() + 1;
        file = file.rewrite(entries);
        compactedSize = file.size();
        warnIfNearBound();
    }

    /** Says so, once, when what is live fills most of the bound; again after it recovered. */
    private void warnIfNearBound() {
        if (compactedSize > maxBytes * 7 / 10) {
            if (!warnedNearBound) {
                warnedNearBound = true;
                LOG.error("the journal " + file.path() + " holds " + compactedSize + " of its "
                        + maxBytes + " bytes (journal_max_bytes) in " + pendingRecords()
                        + " records waiting for the marketplace: delivery has been failing for "
                        + "a long time. At 90% new usage is kept in memory only.");
            }
        } else if (compactedSize < maxBytes / 2) {
            warnedNearBound = false;
        }
    }

    /** Where the journal lives. */
    public Path directory() {
        return directory;
    }

    @Override
    public synchronized void close() {
        try {
            file.close();
        } catch (IOException e) {
            LOG.warn("closing the journal: " + e);
        }
        closeQuietly(lock);
    }

    private static void createDirectory(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createDirectories(directory,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(directory);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // nothing more to do
            }
        }
    }

    JournalState state() {
        return state;
    }
}
