package dev.logbuf.archive;

import static dev.logbuf.archive.SegmentFormat.FRAME_CHECKSUM_START;
import static dev.logbuf.archive.SegmentFormat.FRAME_CRC_OFFSET;
import static dev.logbuf.archive.SegmentFormat.FRAME_HEADER_LENGTH;
import static dev.logbuf.archive.SegmentFormat.FRAME_LENGTH_OFFSET;
import static dev.logbuf.archive.SegmentFormat.FRAME_SEQUENCE_OFFSET;
import static dev.logbuf.archive.SegmentFormat.HEADER_LENGTH;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * A cursor over the valid records of one segment's bytes, shared by {@link ArchiveReader}
 * and the writer's recovery. It checks every frame (length in bounds, CRC-32C, sequence
 * above the previous one) and reports everything else to a problem sink, so a damaged
 * byte is never handed out as data.
 *
 * <p>
 * After an invalid frame it looks for the next offset where a whole valid frame starts
 * (with a sequence above the last one and within what the segment could hold). If it
 * finds one, the bytes in between are a {@link ArchiveProblem.Kind#CORRUPT_RECORDS
 * corrupt region}; if it does not, they are the segment's tail: a
 * {@link ArchiveProblem.Kind#TORN_TAIL torn tail} in the last segment (what a crash
 * leaves), a {@link ArchiveProblem.Kind#CORRUPT_TAIL corrupt tail} elsewhere.
 */
final class SegmentScanner {

    /** Stands for "no record seen yet", so that any first sequence is accepted. */
    static final long NO_SEQUENCE = Long.MIN_VALUE;

    private final Path segment;

    private final ByteBuffer content;

    private final boolean lastSegment;

    private final Consumer<ArchiveProblem> problems;

    private final CRC32C crc = new CRC32C();

    private final ByteBuffer crcView;

    private int position;

    private long lastSequence;

    private int frameOffset = -1;

    private int payloadLength;

    private long sequence;

    private ArchiveProblem tornTail;

    private int validEnd;

    /**
     * Highest sequence a frame found by searching past damage may have: every record
     * takes at least {@value SegmentFormat#FRAME_HEADER_LENGTH} bytes, so a segment
     * cannot hold more records than that allows. This keeps the search from computing
     * checksums for most chance byte patterns.
     */
    private final long sequenceCeiling;

    /**
     * @param content the whole segment, little-endian, absolute indexes from 0
     * @param lastSequence sequence of the last record accepted before this segment, or
     * {@link #NO_SEQUENCE} when none
     * @param headerFirstSequence first sequence from the segment's header when the header
     * is valid, else {@link #NO_SEQUENCE}
     */
    SegmentScanner(Path segment, ByteBuffer content, boolean lastSegment, long lastSequence, long headerFirstSequence,
            Consumer<ArchiveProblem> problems) {
        this.segment = segment;
        this.content = content;
        this.lastSegment = lastSegment;
        this.lastSequence = lastSequence;
        this.problems = problems;
        long before = lastSequence;
        if (headerFirstSequence != NO_SEQUENCE) {
            before = before == NO_SEQUENCE ? headerFirstSequence - 1 : Math.max(before, headerFirstSequence - 1);
        }
        long mostRecords = content.limit() / FRAME_HEADER_LENGTH + 1;
        this.sequenceCeiling = before == NO_SEQUENCE || before > Long.MAX_VALUE - mostRecords ? Long.MAX_VALUE
                : before + mostRecords;
        this.crcView = content.duplicate();
        this.position = Math.min(HEADER_LENGTH, content.limit());
        this.validEnd = position;
    }

    /** Moves to the next valid record; false once the segment has no more. */
    boolean advance() {
        int end = content.limit();
        while (position < end) {
            if (isValidFrame(position)) {
                int offset = position;
                int length = content.getInt(offset + FRAME_LENGTH_OFFSET);
                long frameSequence = content.getLong(offset + FRAME_SEQUENCE_OFFSET);
                position = offset + FRAME_HEADER_LENGTH + length;
                validEnd = position;
                if (lastSequence != NO_SEQUENCE && frameSequence <= lastSequence) {
                    problems.accept(new ArchiveProblem(ArchiveProblem.Kind.OUT_OF_ORDER, segment, offset,
                            FRAME_HEADER_LENGTH + (long) length, "record sequence " + frameSequence
                                    + " is not above the previous " + lastSequence + "; skipped"));
                    continue;
                }
                if (lastSequence != NO_SEQUENCE && frameSequence > lastSequence + 1) {
                    problems.accept(new ArchiveProblem(ArchiveProblem.Kind.MISSING_RECORDS, segment, offset, 0,
                            frameSequence == lastSequence + 2 ? "record " + (lastSequence + 1) + " is missing"
                                    : "records " + (lastSequence + 1) + ".." + (frameSequence - 1) + " are missing"));
                }
                lastSequence = frameSequence;
                sequence = frameSequence;
                payloadLength = length;
                frameOffset = offset;
                return true;
            }
            int bad = position;
            String why = whyInvalid(bad);
            int next = nextValidFrame(bad + 1);
            if (next < 0) {
                ArchiveProblem.Kind kind = lastSegment ? ArchiveProblem.Kind.TORN_TAIL
                        : ArchiveProblem.Kind.CORRUPT_TAIL;
                ArchiveProblem tail = new ArchiveProblem(kind, segment, bad, end - bad,
                        why + "; no whole valid record follows, cut after the last valid record");
                if (lastSegment) {
                    tornTail = tail;
                }
                else {
                    problems.accept(tail);
                }
                position = end;
                return false;
            }
            problems.accept(new ArchiveProblem(ArchiveProblem.Kind.CORRUPT_RECORDS, segment, bad, next - bad,
                    why + "; skipped to the next valid record at offset " + next));
            position = next;
        }
        return false;
    }

    long sequence() {
        return sequence;
    }

    /** Offset of the current record's frame in the segment file. */
    int frameOffset() {
        return frameOffset;
    }

    int payloadOffset() {
        return frameOffset + FRAME_HEADER_LENGTH;
    }

    int payloadLength() {
        return payloadLength;
    }

    /**
     * Sequence of the last record accepted so far, or the value passed in when none was.
     */
    long lastSequence() {
        return lastSequence;
    }

    /**
     * The torn tail of the last segment, once {@link #advance()} has returned false;
     * otherwise null.
     */
    ArchiveProblem tornTail() {
        return tornTail;
    }

    /**
     * Offset just after the last whole valid frame seen so far (the header's end when
     * none).
     */
    int validEnd() {
        return validEnd;
    }

    private boolean isValidFrame(int offset) {
        int end = content.limit();
        if (end - offset < FRAME_HEADER_LENGTH) {
            return false;
        }
        int length = content.getInt(offset + FRAME_LENGTH_OFFSET);
        if (length < 0 || length > end - offset - FRAME_HEADER_LENGTH) {
            return false;
        }
        return content.getInt(offset + FRAME_CRC_OFFSET) == checksum(offset, length);
    }

    private String whyInvalid(int offset) {
        int remaining = content.limit() - offset;
        if (remaining < FRAME_HEADER_LENGTH) {
            return "incomplete record frame header (" + remaining + " of " + FRAME_HEADER_LENGTH + " bytes)";
        }
        int length = content.getInt(offset + FRAME_LENGTH_OFFSET);
        if (length < 0) {
            return "negative record length " + length;
        }
        if (length > remaining - FRAME_HEADER_LENGTH) {
            return "record length " + length + " runs past the end of the segment (" + (remaining - FRAME_HEADER_LENGTH)
                    + " payload bytes present)";
        }
        return String.format("record checksum mismatch (stored 0x%08X, computed 0x%08X)",
                content.getInt(offset + FRAME_CRC_OFFSET), checksum(offset, length));
    }

    /**
     * The next offset from {@code from} where a whole valid frame with a plausible
     * sequence starts, or -1.
     */
    private int nextValidFrame(int from) {
        for (int candidate = from; candidate <= content.limit() - FRAME_HEADER_LENGTH; candidate++) {
            long candidateSequence = content.getLong(candidate + FRAME_SEQUENCE_OFFSET);
            boolean plausible = candidateSequence >= 0 && candidateSequence <= sequenceCeiling
                    && (lastSequence == NO_SEQUENCE || candidateSequence > lastSequence);
            if (plausible && isValidFrame(candidate)) {
                return candidate;
            }
        }
        return -1;
    }

    private int checksum(int frameOffset, int payloadLength) {
        int from = frameOffset + FRAME_CHECKSUM_START;
        crcView.limit(frameOffset + FRAME_HEADER_LENGTH + payloadLength).position(from);
        crc.reset();
        crc.update(crcView);
        return (int) crc.getValue();
    }

}
