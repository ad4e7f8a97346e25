package dev.odometer.agent.journal;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * The journal on disk: a header, then entries framed as {@code [length][CRC32C][payload]}.
 * Appends are whole (a failed write is cut off again); reading stops trusting bytes whose
 * checksum does not match, skips ahead to the next entry that does, and reports what it
 * skipped, so a torn tail (kill -9 during a write) or a damaged block is never fatal.
 *
 * <p>All I/O goes through {@link RandomAccessFile} and plain streams, never through a
 * {@link FileChannel}: a channel is closed for good when a thread doing I/O on it is
 * interrupted (or merely has its interrupt flag set), and the agent's threads may be
 * interrupted by the host or by an executor shutting down. An interrupt cannot close this file.
 */
final class JournalFile implements AutoCloseable {
    static final byte[] MAGIC = "ODOMJRN1".getBytes(StandardCharsets.US_ASCII);
    static final int MAX_ENTRY = 1 << 20;
    private static final int FRAME = 8;
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path path;
    private final RandomAccessFile file;
    private long size;
    private long forces;
    private boolean closed;

    private JournalFile(Path path, RandomAccessFile file, long size) {
        this.path = path;
        this.file = file;
        this.size = size;
    }

    /** What reading found. */
    static final class ReadResult {
        final long validBytes;
        final long skippedBytes;
        final int entries;

        ReadResult(long validBytes, long skippedBytes, int entries) {
            this.validBytes = validBytes;
            this.skippedBytes = skippedBytes;
            this.entries = entries;
        }
    }

    interface Consumer {
        void accept(byte[] payload) throws IOException;
    }

    /** Opens (creating, owner-only) the journal for appending. */
    static JournalFile openForAppend(Path path) throws IOException {
        if (!Files.exists(path)) {
            createOwnerOnly(path);
            try (RandomAccessFile fresh = new RandomAccessFile(path.toFile(), "rw")) {
                fresh.write(MAGIC);
                fresh.getFD().sync();
            }
            fsyncDirectory(path.getParent());
        }
        RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw");
        return new JournalFile(path, file, file.length());
    }

    /**
     * Reads every intact entry in order. Bytes that do not frame a valid entry are skipped up
     * to the next one that does; nothing is changed on disk.
     */
    static ReadResult read(Path path, Consumer consumer) throws IOException {
        byte[] bytes;
        try (InputStream in = new FileInputStream(path.toFile())) {
            bytes = in.readAllBytes();
        }
        if (bytes.length < MAGIC.length || !startsWithMagic(bytes)) {
            throw new IOException(path + " is not an Odometer journal");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        int position = MAGIC.length;
        long skipped = 0;
        long validEnd = position;
        int entries = 0;
        while (position < bytes.length) {
            int length = validEntryAt(buffer, position);
            if (length < 0) {
                position++;
                skipped++;
                continue;
            }
            byte[] payload = new byte[length];
            System.arraycopy(bytes, position + FRAME, payload, 0, length);
            try {
                consumer.accept(payload);
            } catch (IOException | RuntimeException undecodable) {
                // a checksum collision on garbage, or an entry of a newer version: skip it
                skipped += FRAME + length;
                position += FRAME + length;
                continue;
            }
            entries++;
            position += FRAME + length;
            validEnd = position;
        }
        return new ReadResult(validEnd, skipped, entries);
    }

    private static int validEntryAt(ByteBuffer buffer, int position) {
        if (buffer.limit() - position < FRAME) {
            return -1;
        }
        int length = buffer.getInt(position);
        if (length <= 0 || length > MAX_ENTRY || buffer.limit() - position - FRAME < length) {
            return -1;
        }
        int expected = buffer.getInt(position + 4);
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), position + FRAME, length);
        return (int) crc.getValue() == expected ? length : -1;
    }

    /**
     * Appends entries as one write, forcing them to the device when {@code durable}. On
     * failure the file is cut back to where it was, so no half entry stays behind.
     */
    void append(List<byte[]> payloads, boolean durable) throws IOException {
        ByteBuffer frame = frame(payloads);
        long before = size;
        try {
            file.seek(before);
            file.write(frame.array(), 0, frame.limit());
            if (durable) {
                file.getFD().sync();
                forces++;
            }
            size = before + frame.limit();
        } catch (IOException e) {
            try {
                file.setLength(before);
            } catch (IOException ignored) {
                // the reader skips a torn tail anyway
            }
            throw e;
        }
    }

    /** How many times appends were forced to the device since this file was opened. */
    long forces() {
        return forces;
    }

    static int framedSize(List<byte[]> payloads) {
        int total = 0;
        for (byte[] payload : payloads) {
            total += FRAME + payload.length;
        }
        return total;
    }

    private static ByteBuffer frame(List<byte[]> payloads) {
        ByteBuffer buffer = ByteBuffer.allocate(framedSize(payloads));
        for (byte[] payload : payloads) {
            CRC32C crc = new CRC32C();
            crc.update(payload, 0, payload.length);
            buffer.putInt(payload.length).putInt((int) crc.getValue()).put(payload);
        }
        buffer.flip();
        return buffer;
    }

    /**
     * Writes {@code payloads} as a complete new journal next to this one and moves it into
     * place atomically; returns the new file, open for appending. This file is closed.
     */
    JournalFile rewrite(List<byte[]> payloads) throws IOException {
        Path temporary = path.resolveSibling(path.getFileName() + ".compacting");
        Files.deleteIfExists(temporary);
        createOwnerOnly(temporary);
        try (RandomAccessFile out = new RandomAccessFile(temporary.toFile(), "rw")) {
            out.write(MAGIC);
            ByteBuffer frame = frame(payloads);
            out.write(frame.array(), 0, frame.limit());
            out.getFD().sync();
        }
        closed = true;
        file.close();
        Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        fsyncDirectory(path.getParent());
        return openForAppend(path);
    }

    long size() {
        return size;
    }

    Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            try {
                file.getFD().sync();
            } finally {
                file.close();
            }
        }
    }

    static void createOwnerOnly(Path path) throws IOException {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(path, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } else {
            Files.createFile(path);
        }
    }

    private static boolean startsWithMagic(byte[] bytes) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private static void fsyncDirectory(Path directory) {
        // only a channel can sync a directory: keep a pending interrupt out of its way
        boolean interrupted = Thread.interrupted();
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | RuntimeException unsupported) {
            // not every platform can sync a directory; the rename is still atomic
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
