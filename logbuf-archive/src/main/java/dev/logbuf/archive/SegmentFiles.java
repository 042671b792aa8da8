package dev.logbuf.archive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The archive directory as the writer sees it: the lock that keeps a second writer out,
 * recovery of the last segment at open, and creation of new segments.
 *
 * <p>
 * A new segment is written under a temporary name, forced when creation must be durable,
 * and renamed atomically to its final name (then the directory is forced), so a segment
 * file with a final name always has a whole header, even after a crash.
 */
final class SegmentFiles {

    /**
     * What recovery found: the segment to continue, where to continue, what was cut, what
     * damage was kept, and the ring and chain state the archive ends with.
     *
     * @param resumeOffset where the next chunk goes: the end of the last whole record, or
     * the next block start after damage that is kept in place
     * @param lostRecords records the head file says were written that no segment holds
     * @param running the chain over records written after the last anchor, null when none
     */
    record Recovered(FileChannel channel, Path path, long firstSequence, long nextSequence, long resumeOffset,
            ArchiveProblem tornTail, List<ArchiveProblem> keptDamage, long lostRecords, long ringId, long storedRingId,
            long storedPosition, byte[] anchorValue, MessageDigest running) {
    }

    /**
     * Opens a segment for writing; tests substitute channels that fail like a full disk.
     */
    @FunctionalInterface
    interface ChannelOpener {

        ChannelOpener DEFAULT = segment -> FileChannel.open(segment, StandardOpenOption.WRITE);

        FileChannel open(Path segment) throws IOException;

    }

    private final Path directory;

    private final boolean durable;

    private final FileChannel lockChannel;

    private final FileLock lock;

    private final ChannelOpener opener;

    private SegmentFiles(Path directory, boolean durable, FileChannel lockChannel, FileLock lock,
            ChannelOpener opener) {
        this.directory = directory;
        this.durable = durable;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.opener = opener;
    }

    /** Creates the directory when missing, checks it and takes its writer lock. */
    static SegmentFiles lock(Path directory, boolean durable, ChannelOpener opener) {
        if (Files.exists(directory) && !Files.isDirectory(directory)) {
            throw new ArchiveException(directory, "archive directory " + directory + " is not a directory");
        }
        try {
            Files.createDirectories(directory);
        }
        catch (FileAlreadyExistsException e) {
            throw new ArchiveException(directory, "cannot create archive directory " + directory + ": " + e.getFile()
                    + " exists and is not a directory", e);
        }
        catch (IOException e) {
            throw new ArchiveException(directory, "cannot create archive directory " + directory + ": " + e, e);
        }
        if (!Files.isWritable(directory)) {
            throw new ArchiveException(directory, "archive directory " + directory + " is not writable");
        }
        Path lockFile = directory.resolve(SegmentFormat.LOCK_FILE_NAME);
        FileChannel channel;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        }
        catch (AccessDeniedException e) {
            throw new ArchiveException(directory, "archive directory " + directory + " is not writable: " + e, e);
        }
        catch (IOException e) {
            throw new ArchiveException(lockFile, "cannot open the archive lock " + lockFile + ": " + e, e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        }
        catch (OverlappingFileLockException e) {
            lock = null;
        }
        catch (IOException e) {
            closeQuietly(channel);
            throw new ArchiveException(lockFile, "cannot lock " + lockFile + ": " + e, e);
        }
        if (lock == null) {
            closeQuietly(channel);
            throw new ArchiveException(directory, "archive directory " + directory
                    + " is already being written by another ArchiveWriter (it holds " + lockFile + ")");
        }
        return new SegmentFiles(directory, durable, channel, lock, opener);
    }

    /**
     * Finds where the archive continues: deletes leftover temporary segments, registers
     * the sealed segments with retention, scans the last segment once, truncates its torn
     * tail (a write cut short) and opens it for appending, or creates the first segment
     * of an empty archive. Damage (a complete chunk that fails its checks) is never cut:
     * it stays in place, reported, and appending goes on at the next block start.
     * @throws ArchiveFormatException when the last segment is not a segment of this
     * format version or its header is damaged
     */
    Recovered recover(SegmentRetention retention, ArchiveListener listener, long nowMillis, ArchiveHead head) {
        deleteLeftoverTemporaries();
        List<Path> segments = SegmentIo.listSegments(directory);
        for (Path sealed : segments.subList(0, Math.max(0, segments.size() - 1))) {
            retention.addSealed(sealed, lastModifiedMillis(sealed));
        }
        long headLast = head == null ? -1 : head.lastSequence();
        long headRing = head == null ? SegmentFormat.NO_RING : head.ringId();
        long headPosition = head == null ? SegmentFormat.NO_POSITION : head.ringPosition();
        byte[] headChain = head == null ? new byte[SegmentFormat.DIGEST_LENGTH] : head.chain();
        if (segments.isEmpty()) {
            long first = headLast + 1;
            Path created = create(first, nowMillis, headRing, headPosition, headChain);
            listener.onSegmentCreated(created);
            return new Recovered(openForAppend(created, SegmentFormat.HEADER_LENGTH), created, first, first,
                    SegmentFormat.HEADER_LENGTH, null, List.of(), 0, headRing, headRing, headPosition, headChain, null);
        }
        Path last = segments.get(segments.size() - 1);
        long firstSequence = SegmentFormat.firstSequenceOf(last);
        ByteBuffer content = SegmentIo.readSegment(last);
        if (content.limit() < SegmentFormat.HEADER_LENGTH && (content.limit() < 4 || SegmentFormat.hasMagic(content))
                && (content.limit() < 8
                        || content.getInt(SegmentFormat.HEADER_VERSION_OFFSET) == SegmentFormat.VERSION)) {
            // cut inside its header: never holds a record, start it again where the
            // segment before it ended
            if (segments.size() > 1) {
                SegmentScanner previous = scanToEnd(segments.get(segments.size() - 2), false);
                if (previous.anchorValue() != null) {
                    headChain = previous.anchorValue();
                    headRing = previous.ringIdInEffect();
                    headPosition = previous.lastRecordRingId() == headRing ? previous.lastRecordPosition()
                            : SegmentFormat.NO_POSITION;
                }
            }
            ArchiveProblem cut = new ArchiveProblem(ArchiveProblem.Kind.TORN_TAIL, last, 0, content.limit(),
                    "segment shorter than its header; recreated");
            delete(last);
            long next = Math.max(firstSequence, headLast + 1);
            create(firstSequence, nowMillis, headRing, headPosition, headChain);
            listener.onTornTailTruncated(cut);
            return new Recovered(openForAppend(last, SegmentFormat.HEADER_LENGTH), last, firstSequence, next,
                    SegmentFormat.HEADER_LENGTH, cut, List.of(), Math.max(0, headLast + 1 - firstSequence), headRing,
                    headRing, headPosition, headChain, null);
        }
        if (!SegmentFormat.hasMagic(content)) {
            throw new ArchiveFormatException(last, last + " is not a logbuf archive segment (it does not start with"
                    + " the magic \"LBAR\"); move it out of " + directory + " before archiving there");
        }
        String headerProblem = SegmentFormat.headerProblem(content, firstSequence);
        if (headerProblem != null) {
            throw new ArchiveFormatException(last, "the header of segment " + last + " is not usable (" + headerProblem
                    + "); the writer does not append to it: check it with ArchiveTool verify, then move it away");
        }
        List<ArchiveProblem> damage = new ArrayList<>();
        SegmentScanner scanner = new SegmentScanner(last, content, true, firstSequence - 1, true, problem -> {
            if (problem.kind() == ArchiveProblem.Kind.CORRUPT_RECORDS) {
                damage.add(problem);
            }
        });
        while (scanner.advance()) {
            // find the last whole valid record
        }
        ArchiveProblem tornTail = scanner.tornTail();
        long onDisk = tornTail == null ? content.limit() : tornTail.offset();
        long resume = scanner.resumeOffset();
        FileChannel channel = openForAppend(last, resume);
        if (tornTail != null) {
            try {
                channel.truncate(onDisk);
                channel.position(resume);
                if (durable) {
                    channel.force(false);
                }
            }
            catch (IOException e) {
                closeQuietly(channel);
                throw new ArchiveException(last,
                        "cannot truncate the torn tail of " + last + " to " + onDisk + " bytes: " + e, e);
            }
            listener.onTornTailTruncated(tornTail);
        }
        for (ArchiveProblem kept : damage) {
            listener.onDamageKept(kept);
        }
        long scannedNext = scanner.lastSequence() + 1;
        long next = Math.max(scannedNext, headLast + 1);
        if (head == null && scanner.damageAfterLastRecord() > 0) {
            // the damage may hide records: never give their sequences to new records
            next += (scanner.damageAfterLastRecord() + SegmentFormat.CHUNK_HEADER_LENGTH - 1)
                    / SegmentFormat.CHUNK_HEADER_LENGTH;
        }
        // records the head names beyond the last valid one were deleted or cut, unless
        // damage after that record accounts for them (then they are reported as damage)
        long lost = scanner.damageAfterLastRecord() > 0 ? 0 : Math.max(0, headLast + 1 - scannedNext);
        long storedRing = scanner.lastRecordRingId();
        long storedPosition = scanner.lastRecordPosition();
        if (head != null && headRing == storedRing && headPosition > storedPosition) {
            storedPosition = headPosition;
        }
        return new Recovered(channel, last, firstSequence, next, resume, tornTail, List.copyOf(damage), lost,
                scanner.ringIdInEffect(), storedRing, storedPosition, scanner.anchorValue(),
                scanner.unanchoredRecords() > 0 ? scanner.chain() : null);
    }

    /** Scans a whole segment, ignoring its problems, to learn how it ends. */
    private static SegmentScanner scanToEnd(Path segment, boolean last) {
        ByteBuffer content = SegmentIo.readSegment(segment);
        boolean headerValid = SegmentFormat.headerProblem(content, SegmentFormat.firstSequenceOf(segment)) == null;
        SegmentScanner scanner = new SegmentScanner(segment, content, last, SegmentScanner.NO_SEQUENCE, headerValid,
                problem -> {
                });
        while (scanner.advance()) {
            // to the end
        }
        return scanner;
    }

    /**
     * Creates the segment whose first record has {@code firstSequence}; its name sorts
     * after all earlier ones.
     */
    Path create(long firstSequence, long createdMillis, long ringId, long ringPosition, byte[] anchor) {
        Path segment = directory.resolve(SegmentFormat.segmentName(firstSequence));
        Path temporary = directory.resolve(segment.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer header = SegmentFormat.encodeHeader(firstSequence, createdMillis, ringId, ringPosition, anchor);
            while (header.hasRemaining()) {
                channel.write(header);
            }
            if (durable) {
                channel.force(true);
            }
        }
        catch (IOException e) {
            throw new ArchiveException(temporary, "cannot create segment " + temporary + ": " + e, e);
        }
        try {
            Files.move(temporary, segment, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (IOException e) {
            throw new ArchiveException(segment, "cannot rename " + temporary + " to " + segment + ": " + e, e);
        }
        if (durable) {
            forceDirectory();
        }
        return segment;
    }

    /**
     * Opens a segment for writing at {@code position} (its length, or where a torn tail
     * starts).
     */
    FileChannel openForAppend(Path segment, long position) {
        try {
            FileChannel channel = opener.open(segment);
            channel.position(position);
            return channel;
        }
        catch (IOException e) {
            throw new ArchiveException(segment, "cannot open segment " + segment + " for writing: " + e, e);
        }
    }

    /** The directory this lock guards. */
    Path directory() {
        return directory;
    }

    /** Releases the directory lock. */
    void close() {
        try {
            lock.release();
        }
        catch (IOException e) {
            // the lock goes away with its channel anyway
        }
        finally {
            closeQuietly(lockChannel);
        }
    }

    private void deleteLeftoverTemporaries() {
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (file.getFileName().toString().endsWith(SegmentFormat.TEMP_SUFFIX)) {
                    delete(file);
                }
            }
        }
        catch (IOException e) {
            throw new ArchiveException(directory, "cannot list archive directory " + directory + ": " + e, e);
        }
    }

    void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        }
        catch (IOException e) {
            throw new ArchiveException(file, "cannot delete " + file + ": " + e, e);
        }
    }

    /**
     * Deletes a file if it can; for cleaning up after a failure that is already being
     * reported.
     */
    void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        }
        catch (IOException e) {
            // the original failure is the one to report
        }
    }

    private void forceDirectory() {
        forceDirectory(directory);
    }

    /**
     * Forces {@code directory}'s entries (a rename) to the device, where the platform
     * can.
     */
    static void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
        catch (IOException e) {
            // some platforms (Windows) cannot open or force a directory; the rename is
            // still atomic there
        }
    }

    private static long lastModifiedMillis(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        }
        catch (IOException e) {
            throw new ArchiveException(file, "cannot read the modification time of " + file + ": " + e, e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        }
        catch (IOException e) {
            // nothing more to release
        }
    }

}
