package dev.logbuf.archive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * How far a reader of the archive has got, kept in the archive directory as
 * {@code <name>.checkpoint}: the sequence of the last record it is done with (a shipper:
 * the last record the destination acknowledged). The writer's retention reads every
 * checkpoint in the directory and never deletes a segment holding a record that one of
 * them has not passed ({@link ArchiveWriter#segmentsHeld()}).
 *
 * <pre>
 *  0  4  magic "LBCK"
 *  4  4  version (1)
 *  8  8  sequence of the last record done with (-1: none yet)
 * 16  4  reserved, zero
 * 20  4  CRC-32C of bytes 0..19
 * </pre>
 *
 * {@link #save(long)} writes a temporary file, forces it, renames it over the checkpoint
 * atomically and forces the directory: after a crash at any point the file holds the
 * previous value or the new one, never a mix. When the temporary file cannot be written
 * (a full disk), it overwrites the 24 bytes in place and forces them: they lie in one
 * sector, and the checksum finds anything else a crash could leave.
 *
 * <p>
 * Delete the file of a reader that is gone for good: while it exists, retention keeps
 * what that reader has not passed.
 */
public final class ArchiveCheckpoint {

    /** File name suffix of checkpoints. */
    public static final String SUFFIX = ".checkpoint";

    /** Checkpoint names: letters, digits, '.', '_' and '-', at most 200 characters. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    static final int MAGIC = 0x4B43424C; // "LBCK"

    static final int VERSION = 1;

    static final int LENGTH = 24;

    private static final int CRC_OFFSET = 20;

    private final Path directory;

    private final String name;

    private final Path file;

    private ArchiveCheckpoint(Path directory, String name) {
        this.directory = directory;
        this.name = name;
        this.file = directory.resolve(name + SUFFIX);
    }

    /**
     * The checkpoint {@code name} of the archive in {@code directory} (the file need not
     * exist yet).
     * @throws IllegalArgumentException when the name has characters other than letters,
     * digits, '.', '_' and '-'
     */
    public static ArchiveCheckpoint of(Path directory, String name) {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches() || name.startsWith(".")) {
            throw new IllegalArgumentException("checkpoint name \"" + name
                    + "\" must be 1 to 200 letters, digits, '.', '_' or '-', not starting with '.'");
        }
        return new ArchiveCheckpoint(directory, name);
    }

    public String name() {
        return name;
    }

    /** The checkpoint's file, {@code <directory>/<name>.checkpoint}. */
    public Path file() {
        return file;
    }

    /** Whether the file exists. */
    public boolean exists() {
        return Files.exists(file);
    }

    /**
     * The sequence saved last.
     * @return it, or -1 when the file does not exist or holds -1
     * @throws ArchiveFormatException naming the file when it is damaged or not a
     * checkpoint
     */
    public long read() {
        return read(file);
    }

    static long read(Path file) {
        ByteBuffer content = SegmentIo.readPrefix(file, LENGTH + 1);
        if (content.limit() == 0 && !Files.exists(file)) {
            return -1;
        }
        if (content.limit() != LENGTH || content.getInt(0) != MAGIC) {
            throw new ArchiveFormatException(file,
                    file + " is not an archive checkpoint (" + content.limit() + " bytes; expected " + LENGTH
                            + " starting with \"LBCK\"): delete it if no reader uses it,"
                            + " or save the sequence that reader is done with");
        }
        int stored = content.getInt(CRC_OFFSET);
        int actual = SegmentFormat.crc(content, 0, CRC_OFFSET);
        if (stored != actual) {
            throw new ArchiveFormatException(file,
                    String.format(
                            "%s is damaged (checksum stored 0x%08X, computed 0x%08X): delete it to start that reader"
                                    + " from the oldest record (resending what it had done), or save the sequence it is"
                                    + " done with",
                            file, stored, actual));
        }
        if (content.getInt(4) != VERSION) {
            throw new ArchiveFormatException(file, file + " is a checkpoint of version " + content.getInt(4)
                    + "; this release reads version " + VERSION);
        }
        long sequence = content.getLong(8);
        if (sequence < -1) {
            throw new ArchiveFormatException(file, file + " holds sequence " + sequence + ", which is no record");
        }
        return sequence;
    }

    /**
     * Saves {@code sequence} atomically and durably (temporary file, force, rename, force
     * of the directory).
     * @throws ArchiveException naming the file when writing fails (the previous value
     * stays)
     * @throws IllegalArgumentException when {@code sequence} is below -1
     */
    public void save(long sequence) {
        if (sequence < -1) {
            throw new IllegalArgumentException("checkpoint sequence " + sequence + " is below -1");
        }
        ByteBuffer buffer = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(0, MAGIC).putInt(4, VERSION).putLong(8, sequence);
        buffer.putInt(CRC_OFFSET, SegmentFormat.crc(buffer, 0, CRC_OFFSET));
        Path temp = directory.resolve(name + SUFFIX + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            catch (IOException e) {
                // a full disk has no block for a new file, and a checkpoint that cannot
                // move holds the segments whose deletion would free one
                saveInPlace(buffer.clear(), temp, e);
                return;
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + directory + " cannot rename atomically", e);
            }
            SegmentFiles.forceDirectory(directory);
        }
        catch (IOException e) {
            throw new ArchiveException(file, "cannot save checkpoint " + file + ": " + e, e);
        }
    }

    /**
     * The fallback when no temporary file can be written: one positional write of the 24
     * bytes over the existing file, forced. They lie in one disk sector, which devices
     * write whole; any other outcome fails the checksum and is reported by
     * {@link #read()}.
     */
    private void saveInPlace(ByteBuffer buffer, Path temp, IOException cause) throws IOException {
        try {
            Files.deleteIfExists(temp);
        }
        catch (IOException e) {
            cause.addSuppressed(e);
        }
        if (!Files.exists(file)) {
            throw cause;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            while (buffer.hasRemaining()) {
                channel.write(buffer, buffer.position());
            }
            channel.force(true);
        }
        catch (IOException e) {
            e.addSuppressed(cause);
            throw e;
        }
    }

    /**
     * The checkpoint of {@code directory} that is furthest behind, or null when there is
     * none.
     * @throws ArchiveFormatException when one is damaged (it then holds everything)
     */
    static Lowest lowest(Path directory) {
        Lowest lowest = null;
        for (Path candidate : list(directory)) {
            long sequence = read(candidate);
            if (lowest == null || sequence < lowest.sequence()) {
                lowest = new Lowest(candidate, sequence);
            }
        }
        return lowest;
    }

    /** A checkpoint file and the sequence it holds. */
    record Lowest(Path file, long sequence) {
    }

    private static List<Path> list(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> {
                String fileName = file.getFileName().toString();
                return fileName.endsWith(SUFFIX) && !fileName.startsWith(".");
            }).sorted().toList();
        }
        catch (IOException e) {
            throw new ArchiveException(directory, "cannot list archive directory " + directory + ": " + e, e);
        }
    }

    @Override
    public String toString() {
        return "ArchiveCheckpoint[" + file + "]";
    }

}
