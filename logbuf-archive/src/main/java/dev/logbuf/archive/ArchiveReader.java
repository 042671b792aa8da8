package dev.logbuf.archive;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * Reads the records of an archive directory written by {@link ArchiveWriter}, in sequence
 * order across all its segments.
 *
 * <p>
 * Every record is checked (length within its segment, CRC-32C, sequence above the
 * previous one) before it is returned; a damaged record is never returned. Damage is
 * reported instead, with its segment and byte offset, through {@link #problems()};
 * iteration continues with the next valid record. The end of the last segment is special:
 * bytes there that are not a whole valid record are what a crash in the middle of a write
 * leaves behind, so iteration ends at the last whole valid record and {@link #tornTail()}
 * reports what was cut.
 *
 * <p>
 * The segment list is taken when the reader is opened; each segment is read into memory
 * in one go when iteration reaches it (segments are at most
 * {@link ArchiveWriterBuilder#segmentSize 1 GiB} plus one record). A reader is iterated
 * once; it is not thread-safe. Reading a directory a writer is appending to is allowed: a
 * write in progress then shows up as a torn tail.
 */
public final class ArchiveReader implements Iterable<ArchiveRecord> {

    private final Path location;

    private final List<Path> segments;

    private final boolean singleFile;

    private final List<ArchiveProblem> problems = new ArrayList<>();

    private ArchiveProblem tornTail;

    private boolean iterated;

    private final ArchiveHead head;

    private long bytesChecked;

    private ArchiveReader(Path location, List<Path> segments, boolean singleFile, ArchiveHead head) {
        this.location = location;
        this.segments = segments;
        this.singleFile = singleFile;
        this.head = head;
    }

    /**
     * Opens an archive directory, or a single segment file.
     * @throws ArchiveException naming the path when it does not exist or cannot be listed
     * @throws ArchiveFormatException when {@code path} is a file that is not an archive
     * segment
     */
    public static ArchiveReader open(Path path) {
        if (Files.isRegularFile(path)) {
            ByteBuffer start = SegmentIo.readPrefix(path, SegmentFormat.HEADER_LENGTH);
            if (!SegmentFormat.hasMagic(start)) {
                throw new ArchiveFormatException(path, path + " is not a logbuf archive segment (it does not start"
                        + " with the magic \"LBAR\"); pass an archive directory or a segment file");
            }
            checkVersion(path, start);
            return new ArchiveReader(path, List.of(path), true, null);
        }
        if (!Files.exists(path)) {
            throw new ArchiveException(path, "archive directory " + path + " does not exist");
        }
        if (!Files.isDirectory(path)) {
            throw new ArchiveException(path, path + " is neither an archive directory nor a segment file");
        }
        // the head before the segments: they are never behind it
        ArchiveHead head = null;
        ArchiveProblem headProblem = null;
        try {
            head = ArchiveHead.read(path);
        }
        catch (ArchiveFormatException e) {
            headProblem = new ArchiveProblem(ArchiveProblem.Kind.CORRUPT_HEADER, e.path(), 0, ArchiveHead.LENGTH,
                    e.getMessage() + "; the newest segment cannot be checked against it");
        }
        List<Path> segments = SegmentIo.listSegments(path);
        for (Path segment : segments) {
            checkVersion(segment, SegmentIo.readPrefix(segment, SegmentFormat.HEADER_LENGTH));
        }
        ArchiveReader reader = new ArchiveReader(path, segments, false, head);
        if (headProblem != null) {
            reader.problems.add(headProblem);
        }
        return reader;
    }

    /** Refuses a segment of another format version, naming it and saying what to do. */
    private static void checkVersion(Path segment, ByteBuffer prefix) {
        if (prefix.limit() >= 8 && SegmentFormat.hasMagic(prefix) && !SegmentFormat.versionFieldDamaged(prefix)) {
            String problem = SegmentFormat.versionProblem(prefix.getInt(SegmentFormat.HEADER_VERSION_OFFSET));
            if (problem != null) {
                throw new ArchiveFormatException(segment, segment + ": " + problem);
            }
        }
    }

    /**
     * The archive's segment files, oldest first (sequence order), as found when the
     * reader was opened.
     */
    public List<Path> segments() {
        return Collections.unmodifiableList(segments);
    }

    /** The directory (or single segment file) this reader reads. */
    public Path location() {
        return location;
    }

    /**
     * Damage found so far (all of it once iteration has finished), in file order,
     * excluding the {@link #tornTail() torn tail}.
     */
    public List<ArchiveProblem> problems() {
        return Collections.unmodifiableList(problems);
    }

    /**
     * What was cut at the end of the last segment, once iteration has reached it; empty
     * when nothing was.
     */
    public Optional<ArchiveProblem> tornTail() {
        return Optional.ofNullable(tornTail);
    }

    /**
     * True when no problem and no torn tail was found (meaningful once iteration has
     * finished).
     */
    public boolean isClean() {
        return problems.isEmpty() && tornTail == null;
    }

    /**
     * The records in sequence order. Can be called once per reader.
     * @throws IllegalStateException on a second call
     * @throws ArchiveException (from the iterator) when a segment cannot be read
     */
    @Override
    public Iterator<ArchiveRecord> iterator() {
        if (iterated) {
            throw new IllegalStateException("an ArchiveReader is iterated once; open a new one for " + location);
        }
        iterated = true;
        return new RecordIterator();
    }

    /**
     * The last record {@code archive.head} says the writer wrote, and the chain value
     * covering it (copy it elsewhere to make later changes evident); empty for a single
     * segment file or when there is no head.
     */
    public Optional<String> headChain() {
        if (head == null || head.lastSequence() < 0) {
            return Optional.empty();
        }
        return Optional.of("record " + head.lastSequence() + ", chain " + HexFormat.of().formatHex(head.chain()));
    }

    /**
     * Bytes checksummed, hashed or checked for zero so far: what reading cost, for tests
     * that show it stays linear in the archive's size.
     */
    long bytesChecked() {
        return bytesChecked;
    }

    private long expectedFirstSequence(Path segment, ByteBuffer content) {
        String name = segment.getFileName().toString();
        if (SegmentFormat.isSegmentName(name)) {
            return SegmentFormat.firstSequenceOf(segment);
        }
        // a single segment file renamed by the user: trust its header
        return Long.MIN_VALUE;
    }

    private final class RecordIterator implements Iterator<ArchiveRecord> {

        private int nextSegment;

        private SegmentScanner scanner;

        private Path currentSegment;

        private long lastSequence = SegmentScanner.NO_SEQUENCE;

        /** Chain value the previous segment ended with; null when unknown. */
        private byte[] previousAnchor;

        private Path previousSegment;

        private boolean previousEndedWhole;

        private boolean headChecked;

        private ArchiveRecord next;

        @Override
        public boolean hasNext() {
            while (next == null) {
                if (scanner != null && scanner.advance()) {
                    next = new ArchiveRecord(scanner.sequence(), currentSegment, scanner.recordOffset(),
                            scanner.payload(), scanner.recordPosition(), scanner.recordRingId());
                    return true;
                }
                if (scanner != null) {
                    endSegment();
                }
                if (nextSegment == segments.size()) {
                    scanner = null;
                    checkHead();
                    return false;
                }
                openSegment(segments.get(nextSegment++));
            }
            return true;
        }

        @Override
        public ArchiveRecord next() {
            if (!hasNext()) {
                throw new NoSuchElementException("no more records in " + location);
            }
            ArchiveRecord record = next;
            next = null;
            return record;
        }

        private void endSegment() {
            lastSequence = scanner.lastSequence();
            bytesChecked += scanner.bytesChecked();
            if (scanner.tornTail() != null) {
                tornTail = scanner.tornTail();
            }
            previousAnchor = scanner.anchorValue();
            previousSegment = currentSegment;
            previousEndedWhole = scanner.unanchoredRecords() == 0 && scanner.tornTail() == null
                    && scanner.damageAfterLastRecord() == 0;
            if (nextSegment < segments.size() && scanner.unanchoredRecords() > 0 && !scanner.damagedSinceAnchor()) {
                problems.add(new ArchiveProblem(ArchiveProblem.Kind.TAMPERED, currentSegment, scanner.validEnd(), 0,
                        scanner.unanchoredRecords() + " records at the end of a sealed segment are not covered by an"
                                + " anchor of the hash chain (a sealed segment always ends with one)"));
            }
            scanner = null;
        }

        private void openSegment(Path segment) {
            boolean last = nextSegment == segments.size();
            currentSegment = segment;
            ByteBuffer content = SegmentIo.readSegment(segment);
            if (last && content.limit() < SegmentFormat.HEADER_LENGTH) {
                if (content.limit() > 0 || !singleFile) {
                    tornTail = new ArchiveProblem(ArchiveProblem.Kind.TORN_TAIL, segment, 0, content.limit(),
                            "the last segment is shorter than its " + SegmentFormat.HEADER_LENGTH
                                    + "-byte header (a crash while it was created)");
                }
                return;
            }
            long firstSequence = expectedFirstSequence(segment, content);
            String headerProblem = SegmentFormat.headerProblem(content, firstSequence);
            if (headerProblem == null) {
                long headerFirst = content.getLong(SegmentFormat.HEADER_FIRST_SEQUENCE_OFFSET);
                if (lastSequence == SegmentScanner.NO_SEQUENCE) {
                    lastSequence = headerFirst - 1; // the first segment's header says
                                                    // where the
                                                    // records start
                }
                else if (headerFirst > lastSequence + 1) {
                    problems.add(new ArchiveProblem(ArchiveProblem.Kind.MISSING_RECORDS, segment, 0, 0,
                            SegmentScanner.missing(lastSequence + 1, headerFirst - 1)
                                    + " (the segment before this one ends earlier)"));
                    lastSequence = headerFirst - 1;
                }
                else {
                    checkLink(segment, content);
                }
            }
            else {
                problems.add(new ArchiveProblem(ArchiveProblem.Kind.CORRUPT_HEADER, segment, 0,
                        Math.min(SegmentFormat.HEADER_LENGTH, content.limit()),
                        headerProblem + "; its records are still checked one by one"));
            }
            scanner = new SegmentScanner(segment, content, last, lastSequence, headerProblem == null, problems::add);
        }

        /**
         * The chain goes on from one segment to the next, unless something is missing.
         */
        private void checkLink(Path segment, ByteBuffer content) {
            if (previousAnchor == null || !previousEndedWhole) {
                return;
            }
            byte[] anchor = new byte[SegmentFormat.DIGEST_LENGTH];
            content.get(SegmentFormat.HEADER_ANCHOR_OFFSET, anchor);
            if (!java.util.Arrays.equals(anchor, previousAnchor)) {
                problems.add(new ArchiveProblem(ArchiveProblem.Kind.TAMPERED, segment, 0, SegmentFormat.HEADER_LENGTH,
                        "the hash chain does not go on from " + previousSegment.getFileName()
                                + ": a segment in between was removed or replaced, or one of them was altered"));
            }
        }

        /**
         * {@code archive.head} names the last record written: it must be here, unchanged.
         */
        private void checkHead() {
            if (headChecked || head == null || head.lastSequence() < 0 || segments.isEmpty()) {
                return;
            }
            headChecked = true;
            Path newest = segments.get(segments.size() - 1);
            if (head.lastSequence() > lastSequence) {
                problems.add(new ArchiveProblem(ArchiveProblem.Kind.MISSING_RECORDS, newest, 0, 0,
                        SegmentScanner.missing(Math.max(lastSequence + 1, 0), head.lastSequence()) + " at the end: "
                                + SegmentFormat.HEAD_FILE_NAME + " says record " + head.lastSequence()
                                + " was written (the newest segment was deleted or cut)"));
            }
        }

    }

}
