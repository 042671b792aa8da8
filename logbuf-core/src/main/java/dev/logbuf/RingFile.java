package dev.logbuf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32C;

/**
 * The file of a file-backed ring: a header page, then the ring's memory (data region and
 * trailer, {@link RingBufferDescriptor}), mapped into memory.
 *
 * <pre>
 *  offset  size  field
 *       0     8  magic "LOGBUFRG"
 *       8     4  format version (1)
 *      12     4  type (1 SPSC, 2 MPSC)
 *      16     4  data capacity in bytes (a power of two)
 *      20     4  header length (4096): where the data region starts
 *      24     8  ring id
 *      32     8  creation time, epoch milliseconds
 *      40     4  CRC-32C of bytes 0..39
 *      44  4052  zero
 *    4096     C  data region
 *  4096+C   384  trailer: tail at +128, head at +256, releasing at +264
 * </pre> All little-endian. The header is written once, when the file is created, magic
 * last; the data and trailer are the ring's live memory, so the operating system's page
 * cache holds every store a producer or the consumer made, and a process that dies leaves
 * them for the next open ({@link RingRecovery}).
 *
 * <p>
 * One ring per file: an in-JVM registry (checked before any channel to the file is
 * opened, because on Linux closing any channel to a file drops the process's lock on it)
 * and an exclusive file lock (other processes; the operating system releases it when the
 * process dies).
 */
final class RingFile implements AutoCloseable {

    static final long MAGIC = 0x5247_5246_5542_474CL; // "LOGBUFRG" read little-endian

    static final int VERSION = 1;

    static final int HEADER_LENGTH = 4096;

    private static final int CHECKSUMMED_LENGTH = 40;

    /**
     * The files open in this JVM, by identity (file key: device and inode), each with a
     * weak reference to its ring file's registration token. A ring that was dropped
     * without close() has its channel closed by the JVM once it is collected, after which
     * the file system may give its inode number to a new file: a cleared reference marks
     * such a stale entry.
     */
    private static final ConcurrentHashMap<Object, WeakReference<Object>> OPEN = new ConcurrentHashMap<>();

    final Path path;

    final MappedByteBuffer mapped;

    final long id;

    final boolean created;

    private final Object key;

    /** Keeps this file's registry entry alive: the registry holds it weakly. */
    private final Object registration;

    private final FileChannel channel;

    private final FileLock lock;

    private RingFile(Path path, Object key, Object registration, FileChannel channel, FileLock lock,
            MappedByteBuffer mapped, long id, boolean created) {
        this.path = path;
        this.key = key;
        this.registration = registration;
        this.channel = channel;
        this.lock = lock;
        this.mapped = mapped;
        this.id = id;
        this.created = created;
    }

    /**
     * Opens (creating or reopening) the file of a ring of {@code type} and
     * {@code capacity} (already rounded).
     * @throws IllegalArgumentException for a file of another type or capacity, a file
     * that is not a logbuf ring, or a damaged one
     * @throws IllegalStateException when another ring in this JVM or another process
     * holds the file
     * @throws UncheckedIOException when the file (or its missing parent directories)
     * cannot be created, or it cannot be opened or mapped
     */
    static RingFile open(Path file, RingBuffer.Type type, int capacity) {
        Object key = registryKey(file);
        Object registration = new Object();
        WeakReference<Object> mine = new WeakReference<>(registration);
        if (OPEN.compute(key, (k, held) -> (held == null || held.get() == null) ? mine : held) != mine) {
            throw new IllegalStateException("ring file " + file + " is held open by another ring in this JVM;"
                    + " close that ring first (one open ring per file)");
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            }
            catch (OverlappingFileLockException ex) {
                lock = null;
            }
            if (lock == null) {
                throw new IllegalStateException("ring file " + file + " is held open by another process"
                        + " (it holds the file's lock); stop it or use another file");
            }
            long length = (long) HEADER_LENGTH + capacity + RingBufferDescriptor.TRAILER_LENGTH;
            long size = channel.size();
            boolean created = size == 0 || isUninitialized(channel, size, length);
            if (!created) {
                checkHeader(file, channel, size, length, type, capacity);
            }
            MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, length);
            mapped.order(ByteOrder.LITTLE_ENDIAN);
            long id;
            if (created) {
                id = ThreadLocalRandom.current().nextLong() | 1;
                writeHeader(mapped, type, capacity, id);
            }
            else {
                id = mapped.getLong(24);
            }
            return new RingFile(file, key, registration, channel, lock, mapped, id, created);
        }
        catch (IOException ex) {
            closeQuietly(channel);
            OPEN.remove(key, mine);
            throw new UncheckedIOException("cannot open ring file " + file + ": " + ex.getMessage(), ex);
        }
        catch (RuntimeException | Error ex) {
            closeQuietly(channel);
            OPEN.remove(key, mine);
            throw ex;
        }
    }

    /** The ring memory: the mapped bytes after the header page. */
    ByteBuffer ringMemory() {
        return this.mapped.duplicate().position(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Releases the lock and the file (the mapping stays until it is collected). */
    @Override
    public void close() {
        try {
            this.lock.release();
        }
        catch (IOException ex) {
            // the channel is closed next, which releases it too
        }
        finally {
            closeQuietly(this.channel);
            OPEN.computeIfPresent(this.key, (k, held) -> (held.get() == this.registration) ? null : held);
        }
    }

    /**
     * The file's identity, taken before any channel to it is opened (closing a channel
     * drops the process's lock): its file key (device and inode), so that a symbolic or
     * hard link to an open ring file is recognized; the file is created first when
     * absent.
     */
    private static Object registryKey(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try {
                Files.createFile(file); // O_EXCL: no other ring can hold a file created
                                        // here
            }
            catch (FileAlreadyExistsException ex) {
                // an existing file: its identity decides
            }
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            Object fileKey = attributes.fileKey();
            return (fileKey != null) ? fileKey : file.toRealPath();
        }
        catch (IOException ex) {
            throw new UncheckedIOException("cannot create or read ring file " + file + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * A file that an open died in the middle of creating: exactly a ring file's length,
     * no magic, a header that is either all zero or complete with a valid checksum (the
     * magic is written last), and nothing but zero after it. It holds no record. Any
     * other file is refused, never re-initialized.
     */
    private static boolean isUninitialized(FileChannel channel, long size, long length) throws IOException {
        if (size != length) {
            return false;
        }
        ByteBuffer header = ByteBuffer.allocate(CHECKSUMMED_LENGTH + 4).order(ByteOrder.LITTLE_ENDIAN);
        while (header.hasRemaining() && channel.read(header, header.position()) >= 0) {
            // read the checksummed header
        }
        if (header.getLong(0) != 0) {
            return false;
        }
        boolean headerZero = true;
        for (int i = 8; i < header.capacity(); i++) {
            headerZero &= header.get(i) == 0;
        }
        if (!headerZero) {
            header.putLong(0, MAGIC);
            CRC32C crc = new CRC32C();
            crc.update(header.array(), 0, CHECKSUMMED_LENGTH);
            if ((int) crc.getValue() != header.getInt(CHECKSUMMED_LENGTH)) {
                return false;
            }
        }
        return isZero(channel, ByteBuffer.allocate(64 * 1024), CHECKSUMMED_LENGTH + 4, size);
    }

    private static boolean isZero(FileChannel channel, ByteBuffer chunk, long from, long to) throws IOException {
        long offset = from;
        while (offset < to) {
            chunk.clear().limit((int) Math.min(chunk.capacity(), to - offset));
            int read = channel.read(chunk, offset);
            if (read < 0) {
                break;
            }
            for (int i = 0; i < read; i++) {
                if (chunk.get(i) != 0) {
                    return false;
                }
            }
            offset += read;
        }
        return true;
    }

    private static void checkHeader(Path file, FileChannel channel, long size, long length, RingBuffer.Type type,
            int capacity) throws IOException {
        if (size < HEADER_LENGTH) {
            throw new IllegalArgumentException("ring file " + file + " is not a logbuf ring or is truncated: " + size
                    + " bytes, shorter than the " + HEADER_LENGTH + "-byte header");
        }
        ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        while (header.hasRemaining() && channel.read(header, header.position()) >= 0) {
            // read the whole header page
        }
        if (header.getLong(0) != MAGIC) {
            throw new IllegalArgumentException("ring file " + file + " is not a logbuf ring (no LOGBUFRG magic at"
                    + " offset 0); refusing to overwrite it");
        }
        CRC32C crc = new CRC32C();
        crc.update(header.array(), 0, CHECKSUMMED_LENGTH);
        if ((int) crc.getValue() != header.getInt(CHECKSUMMED_LENGTH)) {
            throw new IllegalArgumentException("ring file " + file + " is damaged: its header checksum does not match");
        }
        int version = header.getInt(8);
        if (version != VERSION) {
            throw new IllegalArgumentException(
                    "ring file " + file + " has format version " + version + "; this logbuf reads version " + VERSION);
        }
        RingBuffer.Type fileType = typeOf(header.getInt(12));
        if (fileType == null) {
            throw new IllegalArgumentException(
                    "ring file " + file + " is damaged: unknown ring type code " + header.getInt(12));
        }
        if (fileType != type) {
            throw new IllegalArgumentException("ring file " + file + " holds an " + fileType + " ring; it was opened"
                    + " as " + type + ": open it with the type it was created with, or use another file");
        }
        int fileCapacity = header.getInt(16);
        if (fileCapacity != capacity) {
            throw new IllegalArgumentException("ring file " + file + " holds a ring of capacity " + fileCapacity
                    + " bytes; it was opened with capacity " + capacity + " bytes: open it with the capacity it"
                    + " was created with, or use another file");
        }
        if (header.getInt(20) != HEADER_LENGTH) {
            throw new IllegalArgumentException("ring file " + file + " is damaged: header length " + header.getInt(20)
                    + ", expected " + HEADER_LENGTH);
        }
        if (size != length) {
            throw new IllegalArgumentException("ring file " + file + " is damaged or truncated: " + size + " bytes, a "
                    + capacity + "-byte ring's file has " + length);
        }
    }

    private static void writeHeader(MappedByteBuffer mapped, RingBuffer.Type type, int capacity, long id) {
        ByteBuffer header = ByteBuffer.allocate(CHECKSUMMED_LENGTH + 4).order(ByteOrder.LITTLE_ENDIAN);
        header.putLong(0, MAGIC)
            .putInt(8, VERSION)
            .putInt(12, (type == RingBuffer.Type.SPSC) ? 1 : 2)
            .putInt(16, capacity)
            .putInt(20, HEADER_LENGTH)
            .putLong(24, id)
            .putLong(32, System.currentTimeMillis());
        CRC32C crc = new CRC32C();
        crc.update(header.array(), 0, CHECKSUMMED_LENGTH);
        header.putInt(CHECKSUMMED_LENGTH, (int) crc.getValue());
        // Everything but the magic first, the magic last: a process that dies in between
        // leaves a file that reads as all zero up to the magic, which the next open
        // initializes again (it holds no record yet).
        mapped.put(8, header.array(), 8, CHECKSUMMED_LENGTH + 4 - 8);
        mapped.putLong(0, MAGIC);
    }

    private static RingBuffer.Type typeOf(int code) {
        return switch (code) {
            case 1 -> RingBuffer.Type.SPSC;
            case 2 -> RingBuffer.Type.MPSC;
            default -> null;
        };
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            }
            catch (IOException ex) {
                // nothing more to release
            }
        }
    }

}
