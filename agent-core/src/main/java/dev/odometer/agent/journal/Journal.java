package dev.odometer.agent.journal;

import dev.odometer.agent.store.PendingRecord;
import dev.odometer.agent.store.RecordStore;
import dev.odometer.agent.store.SkuIdsNow;
import dev.odometer.agent.log.AgentLog;
import dev.odometer.agent.marketplace.RecordOutcome;
import dev.odometer.agent.record.UsageRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 * before its first send; every attempt is written before the request leaves; the answers to a
 * batch are written, together, when they come. What is not settled when a process ends is
 * sent again, under the same uuids, by the process that takes its journal over; records whose
 * last attempt got no answer are in doubt.
 *
 * <p>Each process journals in a directory of its own under {@code journal_dir} (see {@link
 * JournalDirectory}): one small append-only file ({@code journal.log}, owner-only) with a
 * checksum per entry, compacted by rewriting only what is live, and a lock held for the
 * process's life. A process directory whose lock is free belongs to a process that is gone: the
 * journal takes it over on the delivery thread's first pass and every {@value
 * #ADOPT_EVERY_SECONDS} seconds after,
 * merging its live records into its own journal, so several processes may run at once on one
 * {@code journal_dir} (a blue/green overlap, a restart that starts before the old process
 * exits, JVMs started through {@code JAVA_TOOL_OPTIONS}) and what one leaves is delivered by
 * another. Bounded by {@code journal_max_bytes}: new usage is refused (and stays in the
 * counters) before the bound is reached, with a loud warning on the way.
 */
public final class Journal implements RecordStore, AutoCloseable {
    static final String FILE = "journal.log";
    static final long ADOPT_EVERY_SECONDS = 10;
    private static final long MIN_COMPACT_BYTES = 256 * 1024;
    private static final AgentLog LOG = AgentLog.forClass(Journal.class);

    private final Path root;
    private final Path directory;
    private final long maxBytes;
    private final Clock clock;
    private final JournalLock lock;
    private final JournalState state;
    private final ReconciliationFile reconciliation;
    private final Map<String, String> skuIds;
    private final java.util.Set<Path> reportedOrphans = new java.util.HashSet<>();
    private JournalFile file;
    private long compactedSize;
    /** Forced writes of the files compaction replaced. */
    private long forcedBefore;
    private boolean warnedNearBound;
    private boolean warnedWriteFailure;
    private long sealLimit;
    private long nextAdoption;
    private boolean closed;

    private Journal(Path root, JournalDirectory.Own own, long maxBytes, Clock clock,
                    JournalFile file, Map<String, String> skuIds) {
        this.root = root;
        this.directory = own.path;
        this.maxBytes = maxBytes;
        this.clock = clock;
        this.lock = own.lock;
        this.state = new JournalState();
        this.file = file;
        this.skuIds = Map.copyOf(skuIds);
        this.compactedSize = file.size();
        this.sealLimit = maxBytes * 9 / 10;
        this.reconciliation = new ReconciliationFile(root);
        this.nextAdoption = System.nanoTime(); // the delivery thread's first pass adopts
    }

    /** As below, without SKU ids to retry parked records with. */
    public static Journal open(Path journalDir, long maxBytes, Clock clock)
            throws JournalException {
        return open(journalDir, maxBytes, clock, Map.of());
    }

    /**
     * Starts this process's journal, empty, in a directory of its own under {@code journalDir}
     * (created owner-only if absent). The journals of processes that are gone are taken over
     * by {@link #adoptOrphans()}, on the delivery thread's first pass ({@link #maintain()}):
     * reading them costs nothing in {@code premain}.
     *
     * @param skuIds the SKU id of each alias in the current config: records of a taken-over
     *               journal parked for a configuration error are sealed again with them (a
     *               restart is how a config fix takes effect)
     * @throws JournalException when {@code journalDir} is unusable
     */
    public static Journal open(Path journalDir, long maxBytes, Clock clock,
                               Map<String, String> skuIds) throws JournalException {
        JournalDirectory.Own own = null;
        try {
            own = JournalDirectory.create(journalDir);
            JournalFile file = JournalFile.openForAppend(own.path.resolve(FILE));
            return new Journal(journalDir, own, maxBytes, clock, file, skuIds);
        } catch (IOException e) {
            if (own != null) {
                closeQuietly(own.lock);
            }
            throw new JournalException("journal_dir " + journalDir + " cannot be used: " + e
                    + ". Check that it is a writable directory for the user this process runs "
                    + "as, or set journal_dir. This process runs unmetered.", e);
        }
    }

    /**
     * Takes over the journals under {@code journal_dir} whose process is gone: their live
     * records join this journal (one entry per few thousand records, with their state: in
     * doubt, parked, rolled up), their delivered totals and roll-up watermarks too, and their
     * directory is deleted. A takeover cut short by a crash is finished by the next one.
     *
     * @return how many journals were taken over
     */
    public synchronized int adoptOrphans() {
        if (closed) {
            return 0;
        }
        List<Path> candidates;
        try {
            candidates = JournalDirectory.candidates(root, directory);
            Path leftovers = directory.resolve(JournalDirectory.ADOPTED);
            if (Files.isDirectory(leftovers)) {
                try (java.util.stream.Stream<Path> left = Files.list(leftovers)) {
                    left.forEach(candidates::add); // takeovers that could not finish earlier
                }
            }
        } catch (IOException e) {
            reportOrphanProblem(root, "cannot list " + root + ": " + e);
            return 0;
        }
        int adopted = 0;
        for (Path candidate : candidates) {
            try (JournalDirectory.Orphan orphan = JournalDirectory.lock(root, candidate)) {
                if (orphan != null && adopt(orphan)) {
                    adopted++;
                }
            } catch (IOException | RuntimeException e) {
                reportOrphanProblem(candidate, "could not take over the journal in " + candidate
                        + " of a process that is gone (" + e + "); it is tried again in "
                        + ADOPT_EVERY_SECONDS + " s, and by the next process to start");
            }
        }
        return adopted;
    }

    private void reportOrphanProblem(Path where, String message) {
        if (reportedOrphans.add(where)) {
            LOG.warn(message);
        }
    }

    private boolean adopt(JournalDirectory.Orphan orphan) throws IOException {
        Map<UUID, JournalState.Live> theirs = new LinkedHashMap<>();
        JournalState totals = new JournalState();
        long skipped = 0;
        int intact = 0;
        for (Path journalFile : orphan.journalFiles()) {
            JournalState one = new JournalState();
            try {
                JournalFile.ReadResult read = JournalFile.read(journalFile, one::apply);
                skipped += read.skippedBytes;
                intact += read.entries;
            } catch (IOException unreadable) {
                setAside(journalFile, unreadable);
                continue;
            }
            for (JournalState.Live live : one.livesInOrder()) {
                theirs.putIfAbsent(live.record.uuid(), live);
            }
            one.delivered.forEach((alias, d) -> {
                JournalState.Delivered sum = totals.delivered.computeIfAbsent(alias,
                        k -> new JournalState.Delivered());
                sum.units += d.units;
                sum.records += d.records;
            });
            one.rolledThrough.forEach((dimension, hour) -> totals.rolledThrough.merge(
                    dimension, hour, (a, b) -> a.isAfter(b) ? a : b));
        }
        List<JournalState.Live> fresh = new ArrayList<>();
        for (JournalState.Live live : theirs.values()) {
            if (state.get(live.record.uuid()) == null) {
                fresh.add(live);
            }
        }
        String source = orphan.path.getFileName().toString();
        List<byte[]> entries = adoptionEntries(source, fresh, totals);
        long needed = JournalFile.framedSize(entries);
        if (needed > 0 && file.size() + needed > maxBytes) {
            compact();
            if (file.size() + needed > maxBytes) {
                reportOrphanProblem(orphan.path, "the journal in " + orphan.path + " of a "
                        + "process that is gone holds " + fresh.size() + " records, more than "
                        + "this journal has room for (journal_max_bytes " + maxBytes + "): it is "
                        + "taken over once deliveries have made room, or by another process");
                return false;
            }
        }
        if (!orphan.moveUnder(directory)) {
            return false; // another process took it first
        }
        if (!entries.isEmpty()) {
            appendOrRefuse(entries, maxBytes);
        }
        List<JournalState.Live> adopted = new ArrayList<>();
        for (JournalState.Live live : fresh) {
            if (state.adopt(live)) {
                adopted.add(state.get(live.record.uuid()));
            }
        }
        totals.delivered.forEach((alias, d) -> {
            JournalState.Delivered sum = state.delivered.computeIfAbsent(alias,
                    k -> new JournalState.Delivered());
            sum.units += d.units;
            sum.records += d.records;
        });
        totals.rolledThrough.forEach((dimension, hour) -> state.rolledThrough.merge(dimension,
                hour, (a, b) -> a.isAfter(b) ? a : b));
        int reopened = reopen(adopted, skuIds);
        orphan.delete();
        reportAdoption(orphan, adopted, reopened, skipped, intact);
        return true;
    }

    private static List<byte[]> adoptionEntries(String source, List<JournalState.Live> fresh,
                                                JournalState totals) {
        List<byte[]> entries = new ArrayList<>();
        List<JournalState.Live> chunk = new ArrayList<>();
        int chunkBytes = 0;
        for (JournalState.Live live : fresh) {
            int size = Entry.adoptedSize(live);
            if (!chunk.isEmpty() && chunkBytes + size > JournalFile.MAX_ENTRY / 2) {
                entries.add(Entry.adopted(source, chunk));
                chunk = new ArrayList<>();
                chunkBytes = 0;
            }
            chunk.add(live);
            chunkBytes += size;
        }
        if (!chunk.isEmpty()) {
            entries.add(Entry.adopted(source, chunk));
        }
        if (!totals.delivered.isEmpty()) {
            entries.add(Entry.totals(totals.delivered));
        }
        if (!totals.rolledThrough.isEmpty()) {
            entries.add(Entry.watermarks(totals.rolledThrough));
        }
        return entries;
    }

    private void setAside(Path journalFile, IOException unreadable) throws IOException {
        Path aside = root.resolve(FILE + ".unreadable-" + clock.millis() + "-"
                + journalFile.getParent().getFileName());
        Files.move(journalFile, aside, StandardCopyOption.REPLACE_EXISTING);
        LOG.error("journal " + journalFile + " cannot be read (" + unreadable.getMessage()
                + "); it was moved to " + aside + ". Records in it are not resent: keep the file "
                + "for reconciliation.");
    }

    private void reportAdoption(JournalDirectory.Orphan orphan, List<JournalState.Live> adopted,
                                int reopened, long skipped, int intact) {
        long pending = 0;
        long units = 0;
        long parked = 0;
        for (JournalState.Live live : adopted) {
            if (live.isPending()) {
                pending++;
                units += live.record.quantity();
            } else {
                parked++;
            }
        }
        String damage = skipped == 0 ? "" : "; " + skipped + " bytes were torn or damaged (an "
                + "interrupted write, most likely) and were skipped, the " + intact + " intact "
                + "entries were kept";
        if (adopted.isEmpty() && skipped == 0) {
            LOG.debug("removed the empty journal of process " + orphan.owner + " (gone) in "
                    + orphan.path);
            return;
        }
        String line = "journal_dir " + root + ": adopted the journal of "
                + (orphan.legacy ? "an earlier agent version" : "process "
                + (orphan.owner.isEmpty() ? "?" : orphan.owner) + " (gone)") + ": " + pending
                + " records (" + units + " units) waiting are delivered under their own uuids"
                + (reopened == 0 ? "" : "; " + reopened + " records parked for a configuration "
                + "error are tried again with the current config")
                + (parked - reopened <= 0 ? "" : "; " + (parked - reopened) + " records stay "
                + "parked after a permanent rejection (see the status command)") + damage;
        if (skipped > 0) {
            LOG.warn(line);
        } else {
            LOG.info(line);
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
        return reopen(state.livesInOrder(), skuIds);
    }

    private int reopen(List<JournalState.Live> lives, Map<String, String> skuIds) {
        Map<UsageRecord, String> reopen = new LinkedHashMap<>();
        for (JournalState.Live live : lives) {
            RecordOutcome parked = live.parkedAs == null ? null
                    : JournalState.outcomeOf(live.parkedAs);
            String skuId = SkuIdsNow.of(live.record.skuAlias(), skuIds);
            if (parked != null && parked.isTriedAgainAfterRestart() && skuId != null) {
                reopen.put(live.record, skuId);
            }
        }
        reopen.forEach((old, skuId) -> replace(old, UsageRecord.seal(old.skuAlias(), skuId,
                old.quantity(), clock.instant())));
        return reopen.size();
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

    /** This process's journal directory, under {@code journal_dir}. */
    public Path directory() {
        return directory;
    }

    /**
     * Takes over the journals of processes that have ended since the last look, at most every
     * {@value #ADOPT_EVERY_SECONDS} seconds; called by the delivery thread between batches.
     */
    @Override
    public void maintain() {
        synchronized (this) {
            if (closed || System.nanoTime() - nextAdoption < 0) {
                return;
            }
            nextAdoption = System.nanoTime() + ADOPT_EVERY_SECONDS * 1_000_000_000L;
        }
        adoptOrphans();
    }

    /**
     * Closes the journal and releases its lock. A journal that never held anything is deleted
     * with its directory; otherwise the next process takes it over, with its delivered totals
     * and roll-up watermarks.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            file.close();
        } catch (IOException e) {
            LOG.warn("closing the journal: " + e);
        }
        boolean empty = state.live.isEmpty() && state.delivered.isEmpty()
                && state.rolledThrough.isEmpty()
                && !Files.exists(directory.resolve(JournalDirectory.ADOPTED));
        if (empty) {
            try {
                Files.deleteIfExists(directory.resolve(FILE));
                Files.deleteIfExists(directory.resolve(JournalLock.FILE));
            } catch (IOException e) {
                empty = false; // the next process removes it
            }
        }
        closeQuietly(lock);
        if (empty) {
            try {
                Files.deleteIfExists(directory);
            } catch (IOException taken) {
                // another process took the empty directory over and removes it
            }
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
