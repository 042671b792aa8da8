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
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.stream.Stream;

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

    private ArchiveReader(Path location, List<Path> segments, boolean singleFile) {
        this.location = location;
        this.segments = segments;
        this.singleFile = singleFile;
    }

    /**
     * Opens an archive directory, or a single segment file.
     * @throws ArchiveException naming the path when it does not exist or cannot be listed
     * @throws ArchiveFormatException when {@code path} is a file that is not an archive
     * segment
     */
    public static ArchiveReader open(Path path) {
        if (Files.isRegularFile(path)) {
            ByteBuffer start = readPrefix(path);
            if (!SegmentFormat.hasMagic(start)) {
                throw new ArchiveFormatException(path, path + " is not a logbuf archive segment (it does not start"
                        + " with the magic \"LBAR\"); pass an archive directory or a segment file");
            }
            return new ArchiveReader(path, List.of(path), true);
        }
        if (!Files.exists(path)) {
            throw new ArchiveException(path, "archive directory " + path + " does not exist");
        }
        if (!Files.isDirectory(path)) {
            throw new ArchiveException(path, path + " is neither an archive directory nor a segment file");
        }
        return new ArchiveReader(path, listSegments(path), false);
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
     * Segment files of a directory, in name order, which is sequence order. Other files
     * are ignored.
     */
    static List<Path> listSegments(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            List<Path> found = new ArrayList<>();
            files.filter(file -> SegmentFormat.isSegmentName(file.getFileName().toString()))
                .sorted()
                .forEach(found::add);
            return found;
        }
        catch (IOException e) {
            throw new ArchiveException(directory, "cannot list archive directory " + directory + ": " + e, e);
        }
    }

    /**
     * The whole content of a segment file, little-endian; empty when the file has
     * vanished.
     */
    static ByteBuffer readSegment(Path segment) {
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > Integer.MAX_VALUE) {
                throw new ArchiveException(segment,
                        "segment " + segment + " is " + size + " bytes, more than a segment can hold (2 GiB)");
            }
            ByteBuffer content = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
            while (content.hasRemaining() && channel.read(content) >= 0) {
                // keep reading until the buffer is full or the file ends
            }
            content.flip();
            return content.slice().order(ByteOrder.LITTLE_ENDIAN);
        }
        catch (NoSuchFileException e) {
            return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
        }
        catch (IOException e) {
            throw new ArchiveException(segment, "cannot read segment " + segment + ": " + e, e);
        }
    }

    private static ByteBuffer readPrefix(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer prefix = ByteBuffer.allocate(SegmentFormat.HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            while (prefix.hasRemaining() && channel.read(prefix) >= 0) {
                // fill the prefix or stop at the end of the file
            }
            prefix.flip();
            return prefix;
        }
        catch (IOException e) {
            throw new ArchiveException(file, "cannot read " + file + ": " + e, e);
        }
    }

    private long expectedFirstSequence(Path segment, ByteBuffer content) {
        String name = segment.getFileName().toString();
        if (SegmentFormat.isSegmentName(name)) {
            return SegmentFormat.firstSequenceOf(segment);
        }
        // a single segment file renamed by the user: trust its header
        return content.limit() >= SegmentFormat.HEADER_LENGTH
                ? content.getLong(SegmentFormat.HEADER_FIRST_SEQUENCE_OFFSET) : -1;
    }

    private final class RecordIterator implements Iterator<ArchiveRecord> {

        private int nextSegment;

        private SegmentScanner scanner;

        private Path currentSegment;

        private ByteBuffer content;

        private long lastSequence = SegmentScanner.NO_SEQUENCE;

        private ArchiveRecord next;

        @Override
        public boolean hasNext() {
            while (next == null) {
                if (scanner != null && scanner.advance()) {
                    ByteBuffer payload = content.duplicate()
                        .limit(scanner.payloadOffset() + scanner.payloadLength())
                        .position(scanner.payloadOffset());
                    next = new ArchiveRecord(scanner.sequence(), currentSegment, scanner.frameOffset(),
                            payload.slice().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN));
                    return true;
                }
                if (scanner != null) {
                    lastSequence = scanner.lastSequence();
                    if (scanner.tornTail() != null) {
                        tornTail = scanner.tornTail();
                    }
                }
                if (nextSegment == segments.size()) {
                    scanner = null;
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

        private void openSegment(Path segment) {
            boolean last = nextSegment == segments.size();
            currentSegment = segment;
            content = readSegment(segment);
            if (last && content.limit() < SegmentFormat.HEADER_LENGTH) {
                if (content.limit() > 0 || !singleFile) {
                    tornTail = new ArchiveProblem(ArchiveProblem.Kind.TORN_TAIL, segment, 0, content.limit(),
                            "the last segment is shorter than its " + SegmentFormat.HEADER_LENGTH
                                    + "-byte header (a crash while it was created)");
                }
                scanner = null;
                return;
            }
            long firstSequence = expectedFirstSequence(segment, content);
            String headerProblem = SegmentFormat.headerProblem(content, firstSequence);
            if (headerProblem == null && lastSequence == SegmentScanner.NO_SEQUENCE) {
                lastSequence = firstSequence - 1; // the first segment's header says where
                                                  // the records start
            }
            if (headerProblem != null) {
                problems.add(new ArchiveProblem(ArchiveProblem.Kind.CORRUPT_HEADER, segment, 0,
                        Math.min(SegmentFormat.HEADER_LENGTH, content.limit()),
                        headerProblem + "; its records are still checked one by one"));
            }
            scanner = new SegmentScanner(segment, content, last, lastSequence,
                    headerProblem == null ? firstSequence : SegmentScanner.NO_SEQUENCE, problems::add);
        }

    }

}
