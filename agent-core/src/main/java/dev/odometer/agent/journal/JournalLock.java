package dev.odometer.agent.journal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One process per journal directory: an OS file lock on {@code journal.lock}, which holds the
 * owner's process id so the refusal can say who has it. The OS releases it when the process
 * dies, however it dies.
 */
final class JournalLock implements AutoCloseable {
    private final RandomAccessFile file;
    private final FileLock lock;

    private JournalLock(RandomAccessFile file, FileLock lock) {
        this.file = file;
        this.lock = lock;
    }

    /** @throws JournalException when another process (or this one, twice) holds the lock */
    static JournalLock acquire(Path directory) throws JournalException, IOException {
        Path file = directory.resolve("journal.lock");
        JournalLock lock = tryAcquire(file);
        if (lock == null) {
            String owner = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).trim();
            throw new JournalException("journal_dir " + directory + " is in use by another "
                    + "process" + (owner.isEmpty() ? "" : " (pid " + owner + ")") + ": give each "
                    + "metered process a journal_dir of its own. This process runs unmetered so "
                    + "it cannot corrupt that journal.");
        }
        return lock;
    }

    /**
     * Takes the lock in {@code file} (created owner-only if absent) and writes this process's
     * id into it, or returns null when another process, or this one, holds it. A pending
     * interrupt of the calling thread is kept out of the way (it would close the lock's
     * channel, and so release the lock) and restored afterwards.
     */
    static JournalLock tryAcquire(Path file) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            if (!Files.exists(file)) {
                try {
                    JournalFile.createOwnerOnly(file);
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // another process created it first; the lock decides
                }
            }
            RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw");
            FileLock lock;
            try {
                lock = raf.getChannel().tryLock();
            } catch (OverlappingFileLockException sameJvm) {
                lock = null;
            } catch (IOException | RuntimeException e) {
                raf.close();
                throw e;
            }
            if (lock == null) {
                raf.close();
                return null;
            }
            raf.setLength(0);
            raf.write(String.valueOf(ProcessHandle.current().pid())
                    .getBytes(StandardCharsets.US_ASCII));
            raf.getFD().sync();
            return new JournalLock(raf, lock);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            if (lock.isValid()) {
                lock.release();
            }
            file.close();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
