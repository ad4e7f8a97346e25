package dev.odometer.agent.journal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who owns a process journal: an OS file lock on its {@code journal.lock}, which holds the
 * owner's process id for people. The OS releases it when the process dies, however it dies, so
 * a lock that can be taken means the journal's process is gone.
 *
 * <p>The locks this JVM holds are remembered, and their files are never opened again while
 * held: on Linux, closing any descriptor of a file releases the process's lock on it, so
 * merely checking one of our own locks would give it away.
 */
final class JournalLock implements AutoCloseable {
    static final String FILE = "journal.lock";
    private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();

    private Path path;
    private final RandomAccessFile file;
    private final FileLock lock;

    private JournalLock(Path path, RandomAccessFile file, FileLock lock) {
        this.path = path;
        this.file = file;
        this.lock = lock;
    }

    /**
     * Takes the lock in {@code file} (created owner-only if absent) and writes this process's
     * id into it, or returns null when another process, or this one, holds it. A pending
     * interrupt of the calling thread is kept out of the way (it would close the lock's
     * channel, and so release the lock) and restored afterwards.
     */
    static JournalLock tryAcquire(Path file) throws IOException {
        Path key = file.toAbsolutePath().normalize();
        if (!HELD_HERE.add(key)) {
            return null;
        }
        boolean interrupted = Thread.interrupted();
        boolean acquired = false;
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
            acquired = true;
            return new JournalLock(key, raf, lock);
        } finally {
            if (!acquired) {
                HELD_HERE.remove(key);
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The lock's file was moved, with its directory, to {@code file}. */
    void relocated(Path file) {
        Path key = file.toAbsolutePath().normalize();
        HELD_HERE.add(key);
        HELD_HERE.remove(path);
        path = key;
    }

    /** Whether this JVM holds the lock in {@code file}. */
    static boolean heldHere(Path file) {
        return HELD_HERE.contains(file.toAbsolutePath().normalize());
    }

    /** The process id a lock file names, or "" if none. */
    static String owner(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).trim();
        } catch (IOException gone) {
            return "";
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
            HELD_HERE.remove(path);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
