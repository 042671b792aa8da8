package dev.logbuf.archive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Follows an archive directory while a writer appends to it: returns each record once, in
 * sequence order, from a given sequence on, including the records of the segment being
 * written, as soon as the writer has finished the batch that holds them.
 *
 * <pre>{@code
 * try (ArchiveCursor cursor = ArchiveCursor.open(dir, checkpoint + 1, problem -> log.warn("{}", problem))) {
 *     while (running) {
 *         ArchiveRecord record = cursor.next();
 *         if (record == null) { idle(); continue; }   // nothing more written yet
 *         ship(record);
 *     }
 * }
 * }</pre>
 *
 * <h2>Only finished batches</h2> A record is returned only once {@code archive.head}
 * names it or a later record: the writer rewrites the head after each batch it wrote (and
 * forced, when its flush policy forces), and never undoes a batch after that. The records
 * of a batch still being written, or of one the writer will undo after a failed write,
 * are never returned; the writer hands the same records again with the same sequences.
 * The cursor rereads the segment from the last anchor it passed after a finished batch,
 * so what it holds of an unfinished batch is never trusted.
 *
 * <h2>What it reads</h2> The segment being read is held in the heap (at most a segment's
 * size, like {@link ArchiveReader}); it grows as the file grows, reading only the bytes
 * after that anchor. When a later segment holds a finished record, the current one is
 * read to its end and the cursor moves on. Damage is checked as the reader checks it
 * (checksums, sequences, the hash chain from each anchor on) and reported to the problems
 * consumer once it is certain: after a later finished record, or at the end of a sealed
 * segment. Records that are gone (a segment deleted before it was read, damage) are
 * counted in {@link #recordsMissing()}.
 *
 * <p>
 * Not thread-safe: one thread calls {@link #next()}. The payload of a returned record
 * stays valid after {@code next()} moves on.
 *
 * <p>
 * It is above 400 lines because following a file that grows, is rewritten after an undone
 * batch, is sealed or deleted, is one state machine (segment, bytes read, resume point,
 * head) whose rules are easiest to check side by side; checking records is
 * {@link SegmentScanner}'s.
 */
public final class ArchiveCursor implements AutoCloseable {

    /** The first read of a segment: big enough for most batches, grown on demand. */
    private static final int INITIAL_BUFFER = 1 << 20;

    private final Path directory;

    private final Consumer<ArchiveProblem> problems;

    /** Sequence of the last record returned, or of the record before the start. */
    private long lastReturned;

    /** Sequence of the last record {@code archive.head} named when last read. */
    private long written = -1;

    private long recordsMissing;

    // the segment being read
    private Path segment;

    private long segmentFirst;

    private FileChannel channel;

    private ByteBuffer content;

    private int contentEnd;

    private SegmentScanner.ResumePoint resume;

    private SegmentScanner scanner;

    /** Problems seen by the current scan, not yet certain. */
    private final List<ArchiveProblem> pending = new ArrayList<>();

    /** Problems of the current segment below this offset were already reported. */
    private long reportedBelow;

    /** Nothing more to scan until the head moves or the file grows. */
    private boolean exhausted;

    /**
     * The segment after the current one once a finished record is in it: the current one
     * is then sealed.
     */
    private Path next;

    /** Started at -1: the first record returned is not checked for a gap before it. */
    private boolean startAtOldest;

    private boolean closed;

    private ArchiveCursor(Path directory, long fromSequence, Consumer<ArchiveProblem> problems) {
        this.directory = directory;
        this.startAtOldest = fromSequence == -1;
        this.lastReturned = Math.max(-1, fromSequence - 1);
        this.problems = problems;
    }

    /**
     * A cursor on the archive in {@code directory} that returns records from
     * {@code fromSequence} on (records below it are skipped); {@code -1} starts at the
     * oldest record present, without counting the ones before it as missing.
     * @param problems receives damage and missing records once found (on the calling
     * thread of {@link #next()})
     * @throws ArchiveException naming the directory when it does not exist
     * @throws IllegalArgumentException when {@code fromSequence} is below -1
     */
    public static ArchiveCursor open(Path directory, long fromSequence, Consumer<ArchiveProblem> problems) {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(problems, "problems");
        if (fromSequence < -1) {
            throw new IllegalArgumentException(
                    "sequence " + fromSequence + " is not a record sequence (0 or more, or -1 for the oldest record)");
        }
        if (!Files.isDirectory(directory)) {
            throw new ArchiveException(directory, "archive directory " + directory
                    + (Files.exists(directory) ? " is not a directory" : " does not exist"));
        }
        return new ArchiveCursor(directory, fromSequence, problems);
    }

    /** A cursor that ignores problems (they are still counted as missing records). */
    public static ArchiveCursor open(Path directory, long fromSequence) {
        return open(directory, fromSequence, problem -> {
        });
    }

    /**
     * The next record, or null when no finished record follows the last one returned yet
     * (call again later).
     * @throws ArchiveException when a segment cannot be read, naming it
     */
    public ArchiveRecord next() {
        if (closed) {
            throw new IllegalStateException("the archive cursor on " + directory + " is closed");
        }
        while (true) {
            if (scanner != null && !exhausted) {
                ArchiveRecord record = advance();
                if (record != null) {
                    return record;
                }
            }
            if (!refresh()) {
                return null;
            }
        }
    }

    /** Sequence of the last record returned (or the one before the start). */
    public long lastSequence() {
        return lastReturned;
    }

    /**
     * Sequence of the last record the writer finished, as {@code archive.head} said when
     * last read; -1 when none.
     */
    public long writtenSequence() {
        return written;
    }

    /**
     * Records that should have come after the start and are not in the archive: deleted
     * before they were read, or lost to damage.
     */
    public long recordsMissing() {
        return recordsMissing;
    }

    /** The segment being read; null before the first. */
    public Path currentSegment() {
        return segment;
    }

    /** The directory followed. */
    public Path directory() {
        return directory;
    }

    @Override
    public void close() {
        closed = true;
        closeChannel();
        scanner = null;
        content = null;
    }

    /**
     * The next record of the current scan that is finished and not yet returned; null
     * when the scan reached the end of the bytes read or an unfinished record.
     */
    private ArchiveRecord advance() {
        while (scanner.advance()) {
            long sequence = scanner.sequence();
            if (sequence > written) {
                // a batch the writer has not finished: read again once it has
                exhausted = true;
                return null;
            }
            maybeMoveResume();
            if (sequence <= lastReturned) {
                continue;
            }
            if (sequence > lastReturned + 1 && !startAtOldest) {
                recordsMissing += sequence - lastReturned - 1;
            }
            startAtOldest = false;
            lastReturned = sequence;
            reportPending(scanner.recordOffset());
            return new ArchiveRecord(sequence, segment, scanner.recordOffset(), scanner.payload(),
                    scanner.recordPosition(), scanner.recordRingId());
        }
        maybeMoveResume();
        exhausted = true;
        return null;
    }

    /**
     * Moves the resume point to the last anchor passed when it closes returned records.
     */
    private void maybeMoveResume() {
        SegmentScanner.ResumePoint point = scanner.resumePoint();
        if (point != resume && point.offset() > resume.offset() && point.coveredSequence() <= written
                && point.coveredSequence() <= lastReturned) {
            resume = point;
        }
    }

    /**
     * Looks for more: a head that moved, a segment that grew, a later segment.
     * @return true when there is something new to scan
     */
    private boolean refresh() {
        long head = readHead();
        boolean headMoved = head > written;
        written = Math.max(written, head);
        if (segment == null) {
            return openFirstSegment();
        }
        if (lastReturned >= written) {
            if (channel != null && !Files.exists(segment)) {
                // deleted once everything in it was done with: holding it open would keep
                // its space from a disk that may need it
                closeChannel();
                segment = null;
                scanner = null;
            }
            return false; // everything finished was returned: wait for more
        }
        if (next == null) {
            long size = size();
            if (size > contentEnd || headMoved) {
                rescan(size);
                return scanner != null;
            }
            // finished records this segment does not hold: a later one starts with them
            next = laterSegment();
            if (next == null) {
                return false;
            }
            rescan(size()); // sealed: read it to its end
            return true;
        }
        finishSegment();
        openSegment(next);
        if (segmentFirst > lastReturned + 1) {
            missing(segment, lastReturned + 1, segmentFirst - 1, "not in the segment before " + segment.getFileName()
                    + ", which ends earlier: deleted, or lost to damage at its end");
            lastReturned = segmentFirst - 1;
        }
        return true;
    }

    private long readHead() {
        try {
            ArchiveHead head = ArchiveHead.read(directory);
            return head == null ? -1 : head.lastSequence();
        }
        catch (ArchiveFormatException e) {
            // being rewritten, or damaged (the writer writes it anew after its next
            // batch)
            return written;
        }
    }

    private boolean openFirstSegment() {
        written = Math.max(written, readHead());
        if (written < 0) {
            return false;
        }
        List<Path> segments = SegmentIo.listSegments(directory);
        if (segments.isEmpty()) {
            return false;
        }
        Path start = segments.get(0);
        for (Path candidate : segments) {
            if (SegmentFormat.firstSequenceOf(candidate) <= lastReturned + 1) {
                start = candidate;
            }
        }
        long first = SegmentFormat.firstSequenceOf(start);
        if (!startAtOldest && first > lastReturned + 1) {
            missing(start, lastReturned + 1, first - 1, "deleted before they were read");
            lastReturned = first - 1;
        }
        openSegment(start);
        return true;
    }

    private void openSegment(Path path) {
        closeChannel();
        segment = path;
        segmentFirst = SegmentFormat.firstSequenceOf(path);
        next = null;
        reportedBelow = 0;
        content = ByteBuffer.allocate(INITIAL_BUFFER).order(ByteOrder.LITTLE_ENDIAN);
        contentEnd = 0;
        scanner = null;
        resume = null;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        }
        catch (NoSuchFileException e) {
            // deleted between the listing and now: list again
            segment = null;
            return;
        }
        catch (IOException e) {
            throw new ArchiveException(path, "cannot open segment " + path + ": " + e, e);
        }
        rescan(size());
    }

    /**
     * Reads the segment from the resume point to {@code size} and starts a scan there.
     */
    private void rescan(long size) {
        if (size > Integer.MAX_VALUE - 8) {
            throw new ArchiveException(segment,
                    "segment " + segment + " is " + size + " bytes, more than a segment can hold (2 GiB)");
        }
        int from = resume == null ? 0 : resume.offset();
        if (size < from) {
            report(new ArchiveProblem(ArchiveProblem.Kind.CORRUPT_TAIL, segment, size, from - size,
                    "the segment was cut below records already read; read again from its start"));
            resume = null;
            from = 0;
        }
        read(from, (int) size);
        ByteBuffer view = content.duplicate().order(ByteOrder.LITTLE_ENDIAN).limit(contentEnd).position(0);
        view = view.slice().order(ByteOrder.LITTLE_ENDIAN);
        pending.clear();
        if (resume == null) {
            if (contentEnd < SegmentFormat.HEADER_LENGTH) {
                scanner = null; // the header is being written
                exhausted = true;
                return;
            }
            String headerProblem = SegmentFormat.headerProblem(view, segmentFirst);
            if (headerProblem != null) {
                report(new ArchiveProblem(ArchiveProblem.Kind.CORRUPT_HEADER, segment, 0, SegmentFormat.HEADER_LENGTH,
                        headerProblem + "; its records are still checked one by one"));
            }
            scanner = new SegmentScanner(segment, view, true, segmentFirst - 1, headerProblem == null, pending::add);
            resume = scanner.resumePoint();
        }
        else {
            scanner = new SegmentScanner(segment, view, resume, pending::add);
        }
        exhausted = false;
    }

    /** Reads bytes {@code from..to} of the segment into the buffer. */
    private void read(int from, int to) {
        if (to > content.capacity()) {
            ByteBuffer bigger = ByteBuffer
                .allocate(Math.max(to, (int) Math.min(Integer.MAX_VALUE - 8, 2L * content.capacity())))
                .order(ByteOrder.LITTLE_ENDIAN);
            bigger.put(0, content, 0, Math.min(from, contentEnd));
            content = bigger;
        }
        ByteBuffer target = content.duplicate().limit(to).position(from);
        try {
            long at = from;
            while (target.hasRemaining()) {
                int n = channel.read(target, at);
                if (n < 0) {
                    break; // cut since the size was taken: what was read is all there is
                }
                at += n;
            }
        }
        catch (IOException e) {
            throw new ArchiveException(segment, "cannot read segment " + segment + ": " + e, e);
        }
        contentEnd = target.position();
    }

    private long size() {
        if (channel == null) {
            return 0;
        }
        try {
            return channel.size();
        }
        catch (IOException e) {
            throw new ArchiveException(segment, "cannot read the size of segment " + segment + ": " + e, e);
        }
    }

    /**
     * The segment after the current one, when it starts at a record the writer finished
     * (so the current one is sealed); null otherwise.
     */
    private Path laterSegment() {
        for (Path candidate : SegmentIo.listSegments(directory)) {
            long first = SegmentFormat.firstSequenceOf(candidate);
            if (first > segmentFirst && first <= written) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * The current segment is sealed and every record it holds was returned: what is
     * damaged at its end is now certain.
     */
    private void finishSegment() {
        for (ArchiveProblem problem : pending) {
            report(problem);
        }
        pending.clear();
        ArchiveProblem tail = scanner == null ? null : scanner.tornTail();
        if (tail != null) {
            report(new ArchiveProblem(ArchiveProblem.Kind.CORRUPT_TAIL, tail.segment(), tail.offset(), tail.length(),
                    tail.detail()));
        }
        closeChannel();
    }

    private void missing(Path where, long from, long to, String why) {
        recordsMissing += to - from + 1;
        report(new ArchiveProblem(ArchiveProblem.Kind.MISSING_RECORDS, where, 0, 0,
                SegmentScanner.missing(from, to) + " (" + why + ")"));
    }

    private void reportPending(long below) {
        for (ArchiveProblem problem : pending) {
            if (problem.offset() <= below) {
                report(problem);
            }
        }
        pending.removeIf(problem -> problem.offset() <= below);
    }

    private void report(ArchiveProblem problem) {
        if (problem.offset() < reportedBelow && problem.kind() != ArchiveProblem.Kind.MISSING_RECORDS) {
            return; // found again by a rescan
        }
        reportedBelow = Math.max(reportedBelow, problem.offset() + 1);
        problems.accept(problem);
    }

    private void closeChannel() {
        SegmentBatches.closeQuietly(channel);
        channel = null;
    }

}
