package dev.odometer.agent.journal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * The layout of {@code journal_dir}: one directory per process, {@code p-<pid>-<random>}, each
 * with its own lock ({@code journal.lock}) and journal ({@code journal.log}); the
 * reconciliation file is shared at the top. A process directory whose lock can be taken
 * belongs to a process that is gone; another process takes it over by moving it, lock held,
 * under its own directory ({@code adopted/}), merges its records into its own journal and
 * deletes it. The move is the claim: of two processes trying, one succeeds. A journal of an
 * earlier version ({@code journal.log} at the top) is taken over the same way.
 */
final class JournalDirectory {
    static final String PROCESS_PREFIX = "p-";
    static final String ADOPTED = "adopted";
    private static final String NEW_PREFIX = ".new-";

    private JournalDirectory() {
    }

    /** This process's own directory, locked until {@link #lock} is closed. */
    static final class Own {
        final Path path;
        final JournalLock lock;

        Own(Path path, JournalLock lock) {
            this.path = path;
            this.lock = lock;
        }
    }

    /**
     * Creates this process's directory under {@code root} (both owner-only). It is created
     * under a name scans ignore, locked, and only then given its name, so no other process
     * ever sees it unlocked.
     */
    static Own create(Path root) throws IOException {
        createOwnerOnly(root);
        // random enough to tell apart processes of one pid in containers sharing a volume,
        // and cheap in premain (no SecureRandom)
        String name = PROCESS_PREFIX + ProcessHandle.current().pid() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() ^ System.nanoTime());
        Path fresh = root.resolve(NEW_PREFIX + name);
        createOwnerOnly(fresh);
        JournalLock lock = JournalLock.tryAcquire(fresh.resolve(JournalLock.FILE));
        if (lock == null) {
            throw new IOException("cannot lock " + fresh.resolve(JournalLock.FILE));
        }
        Path own = root.resolve(name);
        try {
            if (Files.exists(own)) {
                throw new FileAlreadyExistsException(own.toString());
            }
            Files.move(fresh, own, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            lock.close();
            throw e;
        }
        lock.relocated(own.resolve(JournalLock.FILE));
        return new Own(own, lock);
    }

    /**
     * What under {@code root} may belong to a process that is gone: the other process
     * directories, directories left half created, and the journal of an earlier version.
     */
    static List<Path> candidates(Path root, Path own) throws IOException {
        List<Path> candidates = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return candidates;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if ((name.startsWith(PROCESS_PREFIX) || name.startsWith(NEW_PREFIX))
                        && !entry.equals(own) && Files.isDirectory(entry)) {
                    candidates.add(entry);
                }
            }
        }
        if (Files.exists(root.resolve(Journal.FILE))) {
            candidates.add(root);
        }
        return candidates;
    }

    /**
     * A journal directory whose process is gone, locked by this one; {@link #moveUnder} makes
     * it ours, {@link #close} gives it back if it was not moved.
     */
    static final class Orphan implements AutoCloseable {
        final Path root;
        /** Where its files are: the candidate, and after {@link #moveUnder}, under ours. */
        Path path;
        /** The process id its lock named, or "". */
        final String owner;
        final boolean legacy;
        private final JournalLock lock;

        private Orphan(Path root, Path path, String owner, boolean legacy, JournalLock lock) {
            this.root = root;
            this.path = path;
            this.owner = owner;
            this.legacy = legacy;
            this.lock = lock;
        }

        /** The journal files it holds: its own, then those it had adopted itself. */
        List<Path> journalFiles() throws IOException {
            List<Path> files = new ArrayList<>();
            collect(path, files);
            return files;
        }

        static void collect(Path dir, List<Path> files) throws IOException {
            Path journal = dir.resolve(Journal.FILE);
            if (Files.exists(journal)) {
                files.add(journal);
            }
            Path adopted = dir.resolve(ADOPTED);
            if (Files.isDirectory(adopted)) {
                List<Path> nested = new ArrayList<>();
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(adopted)) {
                    entries.forEach(nested::add);
                } catch (NoSuchFileException finishedMeanwhile) {
                    return; // a takeover finished and removed it since it was seen
                }
                nested.sort(Comparator.naturalOrder());
                for (Path child : nested) {
                    if (Files.isDirectory(child)) {
                        collect(child, files);
                    }
                }
            }
        }

        /**
         * Moves it under {@code own}'s {@code adopted/} directory: the claim. False when another
         * process claimed it first.
         */
        boolean moveUnder(Path own) throws IOException {
            Path adopted = own.resolve(ADOPTED);
            Files.createDirectories(adopted);
            try {
                if (legacy) {
                    Path target = adopted.resolve("legacy-" + System.currentTimeMillis());
                    Files.createDirectory(target);
                    Files.move(root.resolve(Journal.FILE), target.resolve(Journal.FILE),
                            StandardCopyOption.ATOMIC_MOVE);
                    path = target;
                } else {
                    Path target = adopted.resolve(path.getFileName());
                    Files.move(path, target, StandardCopyOption.ATOMIC_MOVE);
                    path = target;
                    if (lock != null) {
                        lock.relocated(target.resolve(JournalLock.FILE));
                    }
                }
                return true;
            } catch (NoSuchFileException | FileAlreadyExistsException claimedByAnother) {
                return false;
            }
        }

        /** Deletes what was moved under ours, and the lock of an earlier version's journal. */
        void delete() throws IOException {
            deleteTree(path);
            if (legacy) {
                Files.deleteIfExists(root.resolve(JournalLock.FILE));
            }
        }

        @Override
        public void close() throws IOException {
            if (lock != null) {
                lock.close();
            }
        }
    }

    /**
     * Locks {@code candidate} if its process is gone; null while a process holds it (or this
     * one does).
     */
    static Orphan lock(Path root, Path candidate) throws IOException {
        Path lockFile = candidate.resolve(JournalLock.FILE);
        if (JournalLock.heldHere(lockFile)) {
            return null;
        }
        String owner = JournalLock.owner(lockFile);
        JournalLock lock = null;
        if (!Files.exists(lockFile) && !candidate.equals(root)
                && Files.getLastModifiedTime(candidate).toMillis()
                > System.currentTimeMillis() - 60_000) {
            return null; // a process creating its directory right now, not yet locked
        }
        if (Files.exists(lockFile) || candidate.equals(root)) {
            lock = JournalLock.tryAcquire(lockFile);
            if (lock == null) {
                return null;
            }
        }
        return new Orphan(root, candidate, owner, candidate.equals(root), lock);
    }

    /**
     * Every journal file under {@code root}: an earlier version's at the top, then each
     * process's, with those it was taking over.
     */
    static List<Path> allJournalFiles(Path root) throws IOException {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return files;
        }
        if (Files.exists(root.resolve(Journal.FILE))) {
            files.add(root.resolve(Journal.FILE));
        }
        List<Path> processes = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                if (entry.getFileName().toString().startsWith(PROCESS_PREFIX)
                        && Files.isDirectory(entry)) {
                    processes.add(entry);
                }
            }
        }
        processes.sort(Comparator.naturalOrder());
        for (Path process : processes) {
            Orphan.collect(process, files);
        }
        return files;
    }

    /** Deletes a directory and everything in it, not following links. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        List<Path> all;
        try (Stream<Path> walk = Files.walk(dir)) {
            all = new ArrayList<>();
            walk.forEach(all::add);
        }
        all.sort(Comparator.reverseOrder());
        for (Path path : all) {
            Files.deleteIfExists(path);
        }
    }

    static void createOwnerOnly(Path directory) throws IOException {
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
}
