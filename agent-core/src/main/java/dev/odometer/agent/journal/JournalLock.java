package dev.odometer.agent.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One process per journal directory: an OS file lock on {@code journal.lock}, which holds the
 * owner's process id so the refusal can say who has it. The OS releases it when the process
 * dies, however it dies.
 */
final class JournalLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private JournalLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** @throws JournalException when another process (or this one, twice) holds the lock */
    static JournalLock acquire(Path directory) throws JournalException, IOException {
        Path file = directory.resolve("journal.lock");
        if (!Files.exists(file)) {
            try {
                JournalFile.createOwnerOnly(file);
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another process created it first; the lock decides
            }
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException sameJvm) {
            lock = null;
        }
        if (lock == null) {
            String owner = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).trim();
            channel.close();
            throw new JournalException("journal_dir " + directory + " is in use by another "
                    + "process" + (owner.isEmpty() ? "" : " (pid " + owner + ")") + ": give each "
                    + "metered process a journal_dir of its own. This process runs unmetered so "
                    + "it cannot corrupt that journal.");
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(String.valueOf(ProcessHandle.current().pid())
                .getBytes(StandardCharsets.US_ASCII)), 0);
        channel.force(true);
        return new JournalLock(channel, lock);
    }

    @Override
    public void close() throws IOException {
        if (lock.isValid()) {
            lock.release();
        }
        channel.close();
    }
}
