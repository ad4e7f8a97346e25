package dev.odometer.agent.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.odometer.agent.record.UsageRecord;
import dev.odometer.agent.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every journal step that changes more than one record (renewal, roll-up, settling a record in
 * doubt with a rebill) must replay either not at all or whole, wherever a crash cuts the file:
 * the file is cut at every byte the step wrote and replayed, and what is live must be exactly
 * the state before the step or exactly the state after it. A half step would keep a unit in
 * two records (billed twice) or in none (lost).
 */
class JournalStepAtomicityTest {
    private static final Instant TEN = Instant.parse("2026-11-21T10:00:00Z");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(TEN.plusSeconds(3700));

    private static UsageRecord record(String alias, long units, Instant at) {
        return UsageRecord.seal(alias, "dim-" + alias, units, at);
    }

    @Test
    void aRenewalReplaysWholeOrNotAtAll() throws Exception {
        UsageRecord old = record("email", 7, TEN);
        UsageRecord other = record("email", 2, TEN);
        UsageRecord fresh = record("email", 7, TEN.plusSeconds(3000));
        cutEverywhere(List.of(old, other), journal -> journal.replace(old, fresh));
    }

    @Test
    void aRollUpReplaysWholeOrNotAtAll() throws Exception {
        UsageRecord a = record("email", 3, TEN.plusSeconds(5));
        UsageRecord b = record("email", 4, TEN.plusSeconds(65));
        UsageRecord c = record("email", 5, TEN.plusSeconds(125));
        UsageRecord open = record("email", 6, TEN.plusSeconds(3650));
        UsageRecord whole = record("email", 12, TEN);
        cutEverywhere(List.of(a, b, c, open), journal -> journal.rollUp(List.of(a, b, c), whole));
    }

    @Test
    void settlingARecordInDoubtWithARebillReplaysWholeOrNotAtAll() throws Exception {
        UsageRecord doubtful = record("email", 9, TEN);
        UsageRecord rebilled = record("email", 9, TEN.plusSeconds(3700));
        cutEverywhere(List.of(doubtful),
                journal -> journal.expiredInDoubt(doubtful, rebilled));
    }

    @Test
    void stepsWrittenAsTwoEntriesByEarlierVersionsStillReplay() throws Exception {
        UsageRecord old = record("email", 7, TEN);
        UsageRecord fresh = record("email", 7, TEN.plusSeconds(3000));
        UsageRecord part = record("request", 2, TEN);
        UsageRecord whole = record("request", 2, TEN);
        UsageRecord doubtful = record("other", 1, TEN);
        JournalState state = new JournalState();
        for (UsageRecord sealed : List.of(old, part, doubtful, fresh, whole)) {
            state.apply(Entry.sealed(sealed));
        }
        state.apply(legacy(out -> {
            out.writeByte(Entry.REPLACED);
            uuid(out, old.uuid());
            uuid(out, fresh.uuid());
        }));
        state.apply(legacy(out -> {
            out.writeByte(Entry.ROLLED_UP);
            uuid(out, whole.uuid());
            out.writeInt(1);
            uuid(out, part.uuid());
        }));
        state.apply(legacy(out -> {
            out.writeByte(Entry.EXPIRED_IN_DOUBT);
            uuid(out, doubtful.uuid());
            out.writeBoolean(false);
        }));

        assertThat(state.live.keySet()).containsExactlyInAnyOrder(fresh.uuid(), whole.uuid());
        assertThat(state.live.get(whole.uuid()).rolledUp).isTrue();
    }

    private interface LegacyWriter {
        void to(java.io.DataOutputStream out) throws java.io.IOException;
    }

    private static byte[] legacy(LegacyWriter writer) throws java.io.IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            writer.to(out);
        }
        return bytes.toByteArray();
    }

    private static void uuid(java.io.DataOutputStream out, UUID uuid) throws java.io.IOException {
        out.writeLong(uuid.getMostSignificantBits());
        out.writeLong(uuid.getLeastSignificantBits());
    }

    /**
     * Journals {@code before}, applies {@code step}, then replays the file cut at every byte
     * the step appended.
     */
    private void cutEverywhere(List<UsageRecord> before, Consumer<Journal> step) throws Exception {
        Path source = dir.resolve("source");
        byte[] beforeBytes;
        byte[] afterBytes;
        byte[] laterBytes;
        UsageRecord later = record("later", 1, TEN.plusSeconds(3700));
        try (Journal journal = Journal.open(source, 1 << 20, clock)) {
            journal.add(before);
            beforeBytes = Files.readAllBytes(journalFile(source));
            step.accept(journal);
            afterBytes = Files.readAllBytes(journalFile(source));
            journal.add(List.of(later));
            laterBytes = Files.readAllBytes(journalFile(source));
        }
        assertThat(Arrays.copyOf(afterBytes, beforeBytes.length)).as("append only")
                .isEqualTo(beforeBytes);
        assertThat(afterBytes.length).as("the step wrote something")
                .isGreaterThan(beforeBytes.length);

        Live expectedBefore = replay(beforeBytes);
        Live expectedAfter = replay(afterBytes);
        assertThat(expectedAfter.uuids).isNotEqualTo(expectedBefore.uuids);
        for (int cut = beforeBytes.length; cut <= afterBytes.length; cut++) {
            Live replayed = replay(Arrays.copyOf(afterBytes, cut));
            assertThat(replayed.uuids).as("cut at byte %d of %d..%d", cut, beforeBytes.length,
                    afterBytes.length).isIn(expectedBefore.uuids, expectedAfter.uuids);
            assertThat(replayed.units).as("units at cut %d", cut)
                    .isEqualTo(replayed.uuids.equals(expectedBefore.uuids)
                            ? expectedBefore.units : expectedAfter.units);
        }
        // a damaged byte with intact entries after it: the reader skips ahead and goes on
        for (int at = beforeBytes.length; at < afterBytes.length; at++) {
            byte[] damaged = laterBytes.clone();
            damaged[at] ^= 0x5A;
            Live replayed = replay(damaged);
            assertThat(replayed.uuids.remove(later.uuid())).as("the later entry is kept")
                    .isTrue();
            replayed.units -= later.quantity();
            assertThat(replayed.uuids).as("byte %d damaged", at)
                    .isIn(expectedBefore.uuids, expectedAfter.uuids);
            assertThat(replayed.units).as("units with byte %d damaged", at)
                    .isEqualTo(replayed.uuids.equals(expectedBefore.uuids)
                            ? expectedBefore.units : expectedAfter.units);
        }
    }

    private static Path journalFile(Path directory) throws Exception {
        try (var files = Files.walk(directory)) {
            return files.filter(p -> p.getFileName().toString().equals(Journal.FILE))
                    .findFirst().orElseThrow();
        }
    }

    /** What is live (pending or parked) after replaying these bytes. */
    private Live replay(byte[] bytes) throws Exception {
        Path file = Files.createTempFile(dir, "cut", ".log");
        Files.write(file, bytes);
        JournalState state = new JournalState();
        JournalFile.read(file, state::apply);
        Live live = new Live();
        for (JournalState.Live l : state.lives()) {
            live.uuids.add(l.record.uuid());
            live.units += l.record.quantity();
        }
        return live;
    }

    private static final class Live {
        final Set<UUID> uuids = new HashSet<>();
        long units;
    }
}
