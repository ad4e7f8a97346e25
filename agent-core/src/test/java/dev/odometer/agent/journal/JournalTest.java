package dev.odometer.agent.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.odometer.agent.store.RecordStore;
import dev.odometer.agent.marketplace.RecordOutcome;
import dev.odometer.agent.record.UsageRecord;
import dev.odometer.agent.testing.LogCapture;
import dev.odometer.agent.testing.MutableClock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
    private static final long BIG = 64L << 20;

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));
    private final LogCapture log = new LogCapture("dev.odometer.agent.journal");
    private final List<Journal> open = new ArrayList<>();

    @AfterEach
    void closeAll() {
        open.forEach(Journal::close);
        log.close();
    }

    private Journal open(long maxBytes) throws JournalException {
        Journal journal = Journal.open(dir.resolve("journal"), maxBytes, clock);
        open.add(journal);
        return journal;
    }

    /** A restart: the journal is closed, and a new process's journal takes it over. */
    private Journal reopen(Journal journal) throws JournalException {
        journal.close();
        open.remove(journal);
        Journal next = open(BIG);
        next.adoptOrphans();
        return next;
    }

    private List<UsageRecord> records(int count, String alias) {
        List<UsageRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(UsageRecord.seal(alias, "sku-" + alias, i + 1, clock.instant()));
        }
        return records;
    }

    /** The pending records, oldest first. */
    static List<UsageRecord> pending(Journal journal) {
        List<UsageRecord> records = new ArrayList<>();
        journal.nextBatch(Integer.MAX_VALUE).forEach(p -> records.add(p.record()));
        return records;
    }

    /** The one process journal file under journal_dir (its process may have ended). */
    private Path file() throws IOException {
        try (var files = Files.walk(dir.resolve("journal"))) {
            List<Path> journals = files.filter(p -> p.getFileName().toString()
                    .equals(Journal.FILE)).collect(java.util.stream.Collectors.toList());
            assertThat(journals).hasSize(1);
            return journals.get(0);
        }
    }

    @Test
    void whatIsNotDeliveredComesBackAfterARestartUnderTheSameUuids() throws Exception {
        Journal journal = open(BIG);
        List<UsageRecord> sealed = records(5, "email");
        journal.add(sealed);
        journal.attempting(sealed.subList(0, 3));
        journal.delivered(sealed.get(0), RecordOutcome.ACCEPTED);
        journal.delivered(sealed.get(1), RecordOutcome.DUPLICATE);
        journal.parked(sealed.get(2), RecordOutcome.INVALID_SKU_ID);

        Journal again = reopen(journal);

        assertThat(pending(again)).containsExactlyElementsOf(sealed.subList(3, 5));
        assertThat(again.pendingRecords()).isEqualTo(2);
        assertThat(again.pendingUnits()).isEqualTo(4 + 5);
        assertThat(again.parkedRecords()).isEqualTo(1);
        JournalState.Delivered delivered = again.state().delivered.get("email");
        assertThat(delivered.units).isEqualTo(1 + 2);
        assertThat(delivered.records).isEqualTo(2);
    }

    @Test
    void anAttemptThatNeverGotItsAnswerIsInDoubtAfterARestart() throws Exception {
        Journal journal = open(BIG);
        List<UsageRecord> sealed = records(3, "email");
        journal.add(sealed);
        journal.attempting(sealed);
        journal.attemptFailed(sealed.subList(0, 1), false); // connection refused
        journal.attemptFailed(sealed.subList(1, 2), true);  // read timeout
        // sealed[2]: the process died during the send

        Journal again = reopen(journal);

        assertThat(again.possiblyReceived(sealed.get(0))).isFalse();
        assertThat(again.possiblyReceived(sealed.get(1))).isTrue();
        assertThat(again.possiblyReceived(sealed.get(2))).isTrue();
    }

    @Test
    void doubtSticksThroughLaterCleanFailures() throws Exception {
        Journal journal = open(BIG);
        UsageRecord record = records(1, "email").get(0);
        journal.add(List.of(record));
        journal.attempting(List.of(record));
        journal.attemptFailed(List.of(record), true);
        journal.attempting(List.of(record));
        journal.attemptFailed(List.of(record), false);

        assertThat(journal.possiblyReceived(record)).isTrue();
        assertThat(reopen(journal).possiblyReceived(record)).isTrue();
    }

    @Test
    void aTornTailIsSkippedReportedAndRewritten() throws Exception {
        Journal journal = open(BIG);
        List<UsageRecord> sealed = records(4, "email");
        journal.add(sealed.subList(0, 3));
        journal.close();
        open.remove(journal);
        // kill -9 in the middle of a write: half an entry at the end
        try (FileChannel channel = FileChannel.open(file(), StandardOpenOption.APPEND)) {
            channel.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 60, 12, 34, 56, 78, 1, 2, 3}));
        }

        Journal again = open(BIG);
        again.adoptOrphans();

        assertThat(pending(again)).containsExactlyElementsOf(sealed.subList(0, 3));
        assertThat(log.lines).anySatisfy(l -> assertThat(l).contains("11 bytes were torn")
                .contains("3 intact entries were kept"));
        assertThat(JournalFile.read(again.directory().resolve(Journal.FILE), payload -> { })
                .skippedBytes).isZero();
        again.add(sealed.subList(3, 4));
        log.lines.clear();
        Journal third = reopen(again);
        assertThat(pending(third)).containsExactlyElementsOf(sealed);
        assertThat(log.lines).noneMatch(l -> l.contains("torn"));
    }

    @Test
    void aDamagedEntryInTheMiddleIsSkippedAndTheEntriesAfterItAreKept() throws Exception {
        Journal journal = open(BIG);
        List<UsageRecord> sealed = records(3, "email");
        for (UsageRecord record : sealed) {
            journal.add(List.of(record));
        }
        journal.close();
        open.remove(journal);
        byte[] bytes = Files.readAllBytes(file());
        int secondEntry = JournalFile.MAGIC.length
                + (bytes.length - JournalFile.MAGIC.length) / 3;
        bytes[secondEntry + 20] ^= 0x5A;
        Files.write(file(), bytes);

        Journal again = open(BIG);
        again.adoptOrphans();

        assertThat(pending(again)).containsExactly(sealed.get(0), sealed.get(2));
        assertThat(log.lines).anyMatch(l -> l.contains("torn or damaged"));
    }

    @Test
    void aFileThatIsNotAJournalIsMovedAsideAndAFreshOneStarted() throws Exception {
        Path legacy = dir.resolve("journal").resolve(Journal.FILE); // an earlier version's place
        Files.createDirectories(legacy.getParent());
        Files.writeString(legacy, "not a journal at all");

        Journal journal = open(BIG);
        journal.adoptOrphans();

        assertThat(journal.pendingRecords()).isZero();
        try (var files = Files.list(legacy.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.startsWith("journal.log.unreadable-"));
        }
        assertThat(log.lines).anyMatch(l -> l.contains("cannot be read"));
    }

    @Test
    void compactionKeepsOnlyWhatIsLiveAndTheTotals() throws Exception {
        Journal journal = open(BIG);
        UsageRecord doubtful = records(1, "request").get(0);
        journal.add(List.of(doubtful));
        journal.attempting(List.of(doubtful));
        for (int round = 0; round < 200; round++) {
            List<UsageRecord> batch = records(10, "email");
            journal.add(batch);
            journal.attempting(batch);
            for (UsageRecord record : batch) {
                journal.delivered(record, RecordOutcome.ACCEPTED);
            }
        }
        long before = Files.size(file());
        journal.compact();

        assertThat(Files.size(file())).isLessThan(before / 10);
        Journal again = reopen(journal);
        assertThat(pending(again)).containsExactly(doubtful);
        assertThat(again.possiblyReceived(doubtful)).isTrue();
        assertThat(again.state().delivered.get("email").units).isEqualTo(200L * 55);
    }

    @Test
    void theJournalCompactsItselfAsItGrows() throws Exception {
        Journal journal = open(256 * 1024);
        for (int round = 0; round < 300; round++) {
            List<UsageRecord> batch = records(5, "email");
            journal.add(batch);
            journal.attempting(batch);
            batch.forEach(r -> journal.delivered(r, RecordOutcome.ACCEPTED));
        }

        assertThat(journal.sizeOnDisk()).isLessThan(128 * 1024);
        assertThat(reopen(journal).state().delivered.get("email").records).isEqualTo(1500);
    }

    @Test
    void aSecondProcessOnTheSameJournalDirHasAJournalOfItsOwnAndNeitherTakesTheOtherOver()
            throws Exception {
        Journal first = open(BIG);
        List<UsageRecord> firsts = records(2, "email");
        first.add(firsts);
        Journal second = open(BIG);
        List<UsageRecord> seconds = records(3, "email");
        second.add(seconds);

        assertThat(second.adoptOrphans()).as("the first process still runs").isZero();
        assertThat(first.adoptOrphans()).isZero();
        assertThat(second.directory()).isNotEqualTo(first.directory());
        assertThat(pending(first)).containsExactlyElementsOf(firsts);
        assertThat(pending(second)).containsExactlyElementsOf(seconds);

        first.close(); // the first process ends: the second takes its journal over
        assertThat(second.adoptOrphans()).isEqualTo(1);
        assertThat(pending(second)).containsExactlyInAnyOrderElementsOf(
                java.util.stream.Stream.concat(firsts.stream(), seconds.stream())
                        .collect(java.util.stream.Collectors.toList()));
        assertThat(first.directory()).doesNotExist();
        assertThat(log.lines).anySatisfy(l -> assertThat(l).contains("adopted the journal of process "
                + ProcessHandle.current().pid()).contains("2 records (3 units)"));
    }

    @Test
    void aTakeoverCutShortByACrashIsFinishedByTheNextProcessWithNothingTwice()
            throws Exception {
        Journal first = open(BIG);
        List<UsageRecord> sealed = records(4, "email");
        first.add(sealed);
        first.close();
        // the second process moved the first's journal under its own and wrote the merged
        // records, then died before deleting it
        Journal second = open(BIG);
        second.adoptOrphans();
        Path secondDir = second.directory();
        Path firstCopy = secondDir.resolve("adopted").resolve("p-copy");
        Files.createDirectories(firstCopy);
        try (Journal scratch = Journal.open(dir.resolve("scratch"), BIG, clock)) {
            scratch.add(sealed);
            Files.copy(scratch.directory().resolve(Journal.FILE), firstCopy.resolve(Journal.FILE));
        }
        second.close(); // the crash, as far as the lock is concerned

        Journal third = open(BIG);
        third.adoptOrphans();

        assertThat(pending(third)).containsExactlyInAnyOrderElementsOf(sealed);
        assertThat(third.pendingUnits()).isEqualTo(1 + 2 + 3 + 4);
        assertThat(secondDir).doesNotExist();
    }

    @Test
    void aJournalThatNeverHeldAnythingIsRemovedWhenItsProcessEnds() throws Exception {
        Journal idle = open(BIG);
        Path directory = idle.directory();
        idle.close();
        open.remove(idle);

        assertThat(directory).doesNotExist();
        try (var files = Files.list(dir.resolve("journal"))) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void atTheBoundNewUsageIsRefusedLoudlyAndAcceptedAgainOnceDelivered() throws Exception {
        Journal journal = open(16 * 1024);
        List<UsageRecord> accepted = new ArrayList<>();
        assertThatThrownBy(() -> {
            while (true) {
                List<UsageRecord> batch = records(10, "email");
                journal.add(batch);
                accepted.addAll(batch);
            }
        }).isInstanceOf(RecordStore.StoreFullException.class)
                .hasMessageContaining("journal_max_bytes").hasMessageContaining("stays counted");
        assertThat(journal.sizeOnDisk()).isLessThanOrEqualTo(16 * 1024);
        assertThat(log.lines).anyMatch(l -> l.contains("delivery has been failing"));

        for (UsageRecord record : accepted) {
            journal.delivered(record, RecordOutcome.ACCEPTED);
        }
        journal.add(records(10, "email"));
        assertThat(journal.pendingRecords()).isEqualTo(10);
    }

    @Test
    void anInterruptedThreadWritesAndCannotCloseTheJournal() throws Exception {
        Journal journal = open(BIG);
        List<UsageRecord> sealed = records(3, "email");
        Thread.currentThread().interrupt(); // e.g. Accumulator.close() during a seal
        try {
            journal.add(sealed.subList(0, 1));
            journal.attempting(sealed.subList(0, 1));
        } finally {
            assertThat(Thread.interrupted()).as("the interrupt is left for its owner").isTrue();
        }
        journal.add(sealed.subList(1, 3));

        assertThat(pending(reopen(journal))).containsExactlyElementsOf(sealed);
    }

    @Test
    void anInterruptedThreadOpensTheJournalWithoutSettingItAside() throws Exception {
        Journal journal = open(BIG);
        List<UsageRecord> sealed = records(2, "email");
        journal.add(sealed);
        journal.close();
        open.remove(journal);

        Journal again = open(BIG);
        Thread.currentThread().interrupt();
        try {
            again.adoptOrphans();
        } finally {
            Thread.interrupted();
        }

        assertThat(pending(again)).containsExactlyElementsOf(sealed);
        assertThat(log.lines).noneMatch(l -> l.contains("cannot be read"));
    }

    @Test
    void filesAreOwnerOnly() throws Exception {
        Journal journal = open(BIG);
        UsageRecord record = records(1, "email").get(0);
        journal.add(List.of(record));
        journal.expiredInDoubt(record, null);

        Path journalDir = dir.resolve("journal");
        for (Path directory : List.of(journalDir, journal.directory())) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)))
                    .isEqualTo("rwx------");
        }
        for (Path file : List.of(journal.directory().resolve("journal.log"),
                journal.directory().resolve("journal.lock"),
                journalDir.resolve("reconciliation.csv"))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .as(file.toString()).isEqualTo("rw-------");
        }
    }

    @Test
    void recordsInDoubtAtExpiryGoToTheReconciliationFile() throws Exception {
        Journal journal = open(BIG);
        List<UsageRecord> sealed = records(2, "email");
        journal.add(sealed);
        UsageRecord rebilled = UsageRecord.seal("email", "sku-email", 2, clock.instant());

        journal.expiredInDoubt(sealed.get(0), null);
        journal.expiredInDoubt(sealed.get(1), rebilled);

        assertThat(pending(reopen(journal))).containsExactly(rebilled);
        List<String> lines = Files.readAllLines(dir.resolve("journal/reconciliation.csv"),
                StandardCharsets.UTF_8);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("decided_at,uuid,sku_alias,sku_id,quantity");
        assertThat(lines.get(1)).contains(sealed.get(0).uuid().toString()).contains(",dropped,");
        assertThat(lines.get(2)).contains(sealed.get(1).uuid().toString())
                .contains(",rebilled," + rebilled.uuid() + ",");
    }

    @Test
    void recordsParkedForAConfigErrorAreTriedAgainWithTheFixedSkuId() throws Exception {
        Journal journal = open(BIG);
        UsageRecord wrong = UsageRecord.seal("email", "sku-typo", 7, clock.instant());
        UsageRecord expired = UsageRecord.seal("email", "sku-email", 3, clock.instant());
        UsageRecord refused = UsageRecord.seal("email", "sku-email", 5, clock.instant());
        UsageRecord failed = UsageRecord.seal("email", "sku-email", 11, clock.instant());
        journal.add(List.of(wrong, expired, refused, failed));
        journal.parked(wrong, RecordOutcome.INVALID_SKU_ID);
        journal.parked(expired, RecordOutcome.EXPIRED);
        journal.parked(refused, RecordOutcome.REQUEST_REFUSED); // never stored: 400/413/422
        journal.parked(failed, RecordOutcome.SEND_FAILED); // may have been stored

        Journal again = reopen(journal);
        assertThat(again.reopenParkedForConfigErrors(Map.of("email", "sku-email"))).isEqualTo(2);

        assertThat(pending(again)).hasSize(2).allSatisfy(r -> {
            assertThat(r.uuid()).isNotIn(wrong.uuid(), refused.uuid());
            assertThat(r.skuId()).isEqualTo("sku-email");
        }).extracting(UsageRecord::quantity).containsExactlyInAnyOrder(7L, 5L);
        assertThat(again.parkedRecords()).isEqualTo(2);
    }
}
