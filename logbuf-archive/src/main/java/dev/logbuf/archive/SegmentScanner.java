package dev.logbuf.archive;

import static dev.logbuf.archive.SegmentFormat.ANCHOR;
import static dev.logbuf.archive.SegmentFormat.ANCHOR_DATA_LENGTH;
import static dev.logbuf.archive.SegmentFormat.CHUNK_DATA_CRC_OFFSET;
import static dev.logbuf.archive.SegmentFormat.CHUNK_DATA_LENGTH_OFFSET;
import static dev.logbuf.archive.SegmentFormat.CHUNK_HEADER_CRC_OFFSET;
import static dev.logbuf.archive.SegmentFormat.CHUNK_HEADER_LENGTH;
import static dev.logbuf.archive.SegmentFormat.CHUNK_POSITION_OFFSET;
import static dev.logbuf.archive.SegmentFormat.CHUNK_RECORD_LENGTH_OFFSET;
import static dev.logbuf.archive.SegmentFormat.CHUNK_SEQUENCE_OFFSET;
import static dev.logbuf.archive.SegmentFormat.CHUNK_TYPE_OFFSET;
import static dev.logbuf.archive.SegmentFormat.DIGEST_LENGTH;
import static dev.logbuf.archive.SegmentFormat.FIRST;
import static dev.logbuf.archive.SegmentFormat.FULL;
import static dev.logbuf.archive.SegmentFormat.HEADER_LENGTH;
import static dev.logbuf.archive.SegmentFormat.LAST;
import static dev.logbuf.archive.SegmentFormat.MIDDLE;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * A cursor over the records of one segment's bytes, shared by {@link ArchiveReader} and
 * the writer's recovery. It reads chunks only where the format puts them: at the start of
 * a block and right after a valid chunk. A chunk whose header fails its checksum is
 * damage: the scanner reports it and goes on at the next block start, where the writer
 * always put a chunk header; a chunk whose header is sound but whose data fails its
 * checksum is skipped by its (checked) length. So a payload's bytes are never read as a
 * chunk header, whatever is damaged, and every byte is looked at a bounded number of
 * times: the scan is linear in the segment's size.
 *
 * <p>
 * The end of the segment is told apart from damage: a chunk header cut short, a chunk
 * whose valid header announces more data than the file holds, a record whose last
 * fragment is missing, or zero bytes up to the end are a <em>cut</em> (what a crash in
 * the middle of a write leaves: a {@link ArchiveProblem.Kind#TORN_TAIL torn tail} in the
 * last segment, a {@link ArchiveProblem.Kind#CORRUPT_TAIL corrupt tail} elsewhere); a
 * complete chunk that fails its checksum is always
 * {@link ArchiveProblem.Kind#CORRUPT_RECORDS damage}.
 *
 * <p>
 * It also recomputes the hash chain: SHA-256 over the chain value of the previous anchor
 * (or the segment header's) and the bytes of every record chunk since; an anchor whose
 * stored value differs while no damage was seen in between is reported as
 * {@link ArchiveProblem.Kind#TAMPERED}.
 *
 * <p>
 * It is above 400 lines because it is one state machine over chunks (record fragments,
 * damage regions, cuts, chain intervals) whose rules are easiest to check side by side.
 */
final class SegmentScanner {

    /** Stands for "no record seen yet", so that any first sequence is accepted. */
    static final long NO_SEQUENCE = Long.MIN_VALUE;

    /**
     * A place in a segment where a scan can start again with nothing carried over but
     * these values: right after the segment header, or right after an anchor that closed
     * records (the chain is then the anchor's value alone). {@link ArchiveCursor} keeps
     * one to rescan the bytes after it when the file has grown.
     *
     * @param offset where the next chunk starts
     * @param coveredSequence sequence of the last record the anchor covers (for the
     * header: the sequence before the segment's first)
     * @param lastSequence sequence of the last record accepted before this point
     * @param ringIdInEffect ring id of the records that follow
     * @param anchorValue the chain value to continue from; null when unknown (a damaged
     * header): the chain is then not checked up to the next anchor
     * @param lastRecordRingId ring id of the last record before this point
     * @param lastRecordPosition ring position of the last record before this point
     */
    record ResumePoint(int offset, long coveredSequence, long lastSequence, long ringIdInEffect, byte[] anchorValue,
            long lastRecordRingId, long lastRecordPosition) {
    }

    private final Path segment;

    private final ByteBuffer content;

    private final int end;

    private final boolean lastSegment;

    private final Consumer<ArchiveProblem> problems;

    private final CRC32C crc = new CRC32C();

    private final ByteBuffer view;

    private final MessageDigest chain = Digests.sha256();

    private int position;

    private long lastSequence;

    // the current record
    private int recordOffset = -1;

    private long sequence;

    private long recordPosition;

    private long recordRingId;

    private ByteBuffer payload;

    // a record whose FIRST chunk was read and whose LAST was not yet
    private int pendingOffset = -1;

    private long pendingSequence;

    private long pendingPosition;

    private byte[] pendingPayload;

    private int pendingFilled;

    private int pendingHashFrom;

    // the damage region being collected, -1 when none
    private int damageStart = -1;

    private String damageWhy;

    private boolean intervalDamaged;

    private int intervalStart;

    private byte[] anchorValue;

    private long ringIdInEffect;

    private long lastRecordRingId = SegmentFormat.NO_RING;

    private long lastRecordPosition = SegmentFormat.NO_POSITION;

    private int unanchoredRecords;

    private int validEnd;

    private long damageAfterLastRecord;

    private ArchiveProblem tornTail;

    private int lastNonZeroEnd = -1;

    /** Where the scan went on after the last damage (not clamped to the end). */
    private long jumpTarget;

    private long resumeOffset = -1;

    private long bytesChecked;

    /** The last place a scan can start again from; see {@link ResumePoint}. */
    private ResumePoint resumePoint;

    /**
     * @param content the whole segment, little-endian, absolute indexes from 0
     * @param lastSequence sequence of the last record accepted before this segment, or
     * {@link #NO_SEQUENCE} when none
     * @param headerValid whether the segment header passed its checks (its anchor and
     * ring id are then trusted)
     */
    SegmentScanner(Path segment, ByteBuffer content, boolean lastSegment, long lastSequence, boolean headerValid,
            Consumer<ArchiveProblem> problems) {
        this.segment = segment;
        this.content = content;
        this.end = content.limit();
        this.lastSegment = lastSegment;
        this.lastSequence = lastSequence;
        this.problems = problems;
        this.view = content.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.position = Math.min(HEADER_LENGTH, end);
        this.validEnd = position;
        this.intervalStart = position;
        if (headerValid) {
            this.anchorValue = new byte[DIGEST_LENGTH];
            content.get(SegmentFormat.HEADER_ANCHOR_OFFSET, anchorValue);
            this.chain.update(anchorValue);
            this.ringIdInEffect = content.getLong(SegmentFormat.HEADER_RING_ID_OFFSET);
            this.lastRecordRingId = ringIdInEffect;
            this.lastRecordPosition = content.getLong(SegmentFormat.HEADER_RING_POSITION_OFFSET);
        }
        else {
            this.intervalDamaged = true;
            this.ringIdInEffect = SegmentFormat.NO_RING;
        }
        this.resumePoint = new ResumePoint(position, lastSequence, lastSequence, ringIdInEffect,
                anchorValue == null ? null : anchorValue.clone(), lastRecordRingId, lastRecordPosition);
    }

    /**
     * A scanner that starts at {@code from} in {@code content} (the same segment's bytes,
     * possibly more of them than when {@code from} was taken), as if it had scanned
     * everything before: the chain goes on from the resume point's anchor value. The
     * segment is scanned as the last one (an incomplete end is a torn tail).
     */
    SegmentScanner(Path segment, ByteBuffer content, ResumePoint from, Consumer<ArchiveProblem> problems) {
        this.segment = segment;
        this.content = content;
        this.end = content.limit();
        this.lastSegment = true;
        this.lastSequence = from.lastSequence();
        this.problems = problems;
        this.view = content.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.position = Math.min(from.offset(), end);
        this.validEnd = position;
        this.intervalStart = position;
        this.ringIdInEffect = from.ringIdInEffect();
        this.lastRecordRingId = from.lastRecordRingId();
        this.lastRecordPosition = from.lastRecordPosition();
        if (from.anchorValue() != null) {
            this.anchorValue = from.anchorValue().clone();
            this.chain.update(anchorValue);
        }
        else {
            this.intervalDamaged = true;
        }
        this.resumePoint = from;
    }

    /** Moves to the next valid record; false once the segment has no more. */
    boolean advance() {
        while (true) {
            if (position >= end) {
                finish(end);
                return false;
            }
            int room = SegmentFormat.blockRemaining(position);
            if (room < CHUNK_HEADER_LENGTH) {
                int padEnd = Math.min(position + room, end);
                if (!zeroUpTo(position, padEnd)) {
                    damaged(position, "block padding is not zero");
                }
                position = padEnd;
                continue;
            }
            if (end - position < CHUNK_HEADER_LENGTH) {
                cut(position, "chunk header cut short (" + (end - position) + " of " + CHUNK_HEADER_LENGTH + " bytes)");
                return false;
            }
            int at = position;
            bytesChecked += CHUNK_HEADER_LENGTH;
            int storedHeaderCrc = content.getInt(at + CHUNK_HEADER_CRC_OFFSET);
            int headerCrc = crc(at + CHUNK_DATA_CRC_OFFSET, CHUNK_HEADER_LENGTH - CHUNK_DATA_CRC_OFFSET);
            if (storedHeaderCrc != headerCrc) {
                if (zeroUpTo(at, end)) {
                    cut(at, "zero bytes from here to the end of the segment");
                    return false;
                }
                if (zeroUpTo(at, Math.min(end, at + room))) {
                    // padding before a chunk that did not fit the rest of the block
                    position = Math.min(end, at + room);
                    continue;
                }
                damaged(at, String.format("chunk header checksum mismatch (stored 0x%08X, computed 0x%08X)",
                        storedHeaderCrc, headerCrc));
                continue;
            }
            int length = Short.toUnsignedInt(content.getShort(at + CHUNK_DATA_LENGTH_OFFSET));
            byte type = content.get(at + CHUNK_TYPE_OFFSET);
            int recordLength = content.getInt(at + CHUNK_RECORD_LENGTH_OFFSET);
            String invalid = structureProblem(type, length, recordLength, room);
            if (invalid != null) {
                damaged(at, invalid);
                continue;
            }
            if (end - at - CHUNK_HEADER_LENGTH < length) {
                cut(at, "chunk data cut short (" + (end - at - CHUNK_HEADER_LENGTH) + " of " + length + " bytes)");
                return false;
            }
            bytesChecked += length;
            int storedDataCrc = content.getInt(at + CHUNK_DATA_CRC_OFFSET);
            int dataCrc = crc(at + CHUNK_HEADER_LENGTH, length);
            if (storedDataCrc != dataCrc) {
                // the header passed its own checksum: its length is sound, go on after
                // the chunk
                damagedChunk(at, String.format("chunk data checksum mismatch (stored 0x%08X, computed 0x%08X)",
                        storedDataCrc, dataCrc), at + CHUNK_HEADER_LENGTH + length);
                continue;
            }
            position = at + CHUNK_HEADER_LENGTH + length;
            if (chunk(at, type, length, recordLength)) {
                return true;
            }
        }
    }

    /**
     * Takes one valid chunk.
     * @return true when it completed a record that is to be returned
     */
    private boolean chunk(int at, byte type, int length, int recordLength) {
        long chunkSequence = content.getLong(at + CHUNK_SEQUENCE_OFFSET);
        long chunkPosition = content.getLong(at + CHUNK_POSITION_OFFSET);
        int chunkEnd = at + CHUNK_HEADER_LENGTH + length;
        if (type == MIDDLE || type == LAST) {
            if (pendingOffset < 0 || chunkSequence != pendingSequence
                    || pendingFilled + length > pendingPayload.length) {
                damagedChunk(at, "a fragment of record " + chunkSequence + " without its first fragment", chunkEnd);
                return false;
            }
            content.get(at + CHUNK_HEADER_LENGTH, pendingPayload, pendingFilled, length);
            pendingFilled += length;
            if (type == MIDDLE) {
                return false;
            }
            if (pendingFilled != pendingPayload.length) {
                damagedChunk(pendingOffset, "record " + pendingSequence + " is " + pendingFilled
                        + " bytes long, its first fragment says " + pendingPayload.length, chunkEnd);
                return false;
            }
            int from = pendingHashFrom;
            int first = pendingOffset;
            pendingOffset = -1;
            hashRecordChunks(from, chunkEnd);
            return accept(first, pendingSequence, pendingPosition,
                    ByteBuffer.wrap(pendingPayload).order(ByteOrder.LITTLE_ENDIAN), chunkEnd);
        }
        if (pendingOffset >= 0) {
            // a record start or an anchor while a record was incomplete: the record's
            // other fragments are lost
            int lost = pendingOffset;
            pendingOffset = -1;
            damaged(lost, "record " + pendingSequence + " lacks its last fragment");
            position = at; // the chunk itself is good: read it again after the damage
            return false;
        }
        closeDamage(at);
        if (type == ANCHOR) {
            anchor(at, chunkSequence);
            validEnd = chunkEnd;
            return false;
        }
        if (type == FIRST) {
            pendingOffset = at;
            pendingSequence = chunkSequence;
            pendingPosition = chunkPosition;
            pendingPayload = new byte[recordLength];
            content.get(at + CHUNK_HEADER_LENGTH, pendingPayload, 0, length);
            pendingFilled = length;
            pendingHashFrom = at;
            return false;
        }
        hashRecordChunks(at, chunkEnd);
        ByteBuffer data = content.duplicate().limit(chunkEnd).position(at + CHUNK_HEADER_LENGTH);
        return accept(at, chunkSequence, chunkPosition, data.slice().order(ByteOrder.LITTLE_ENDIAN), chunkEnd);
    }

    private boolean accept(int offset, long recordSequence, long ringPosition, ByteBuffer data, int recordEnd) {
        validEnd = recordEnd;
        damageAfterLastRecord = 0;
        if (lastSequence != NO_SEQUENCE && recordSequence <= lastSequence) {
            problems.accept(new ArchiveProblem(ArchiveProblem.Kind.OUT_OF_ORDER, segment, offset, recordEnd - offset,
                    "record sequence " + recordSequence + " is not above the previous " + lastSequence + "; skipped"));
            return false;
        }
        if (lastSequence != NO_SEQUENCE && recordSequence > lastSequence + 1) {
            problems.accept(new ArchiveProblem(ArchiveProblem.Kind.MISSING_RECORDS, segment, offset, 0,
                    missing(lastSequence + 1, recordSequence - 1)));
        }
        lastSequence = recordSequence;
        sequence = recordSequence;
        recordOffset = offset;
        recordPosition = ringPosition;
        recordRingId = ringIdInEffect;
        lastRecordRingId = ringIdInEffect;
        lastRecordPosition = ringPosition;
        payload = data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        unanchoredRecords++;
        return true;
    }

    static String missing(long from, long to) {
        return from == to ? "record " + from + " is missing" : "records " + from + ".." + to + " are missing";
    }

    private void anchor(int at, long coveredSequence) {
        byte[] stored = new byte[DIGEST_LENGTH];
        content.get(at + CHUNK_HEADER_LENGTH + 8, stored);
        byte[] computed = chain.digest();
        if (!intervalDamaged && !Arrays.equals(stored, computed)) {
            problems.accept(new ArchiveProblem(ArchiveProblem.Kind.TAMPERED, segment, intervalStart, at - intervalStart,
                    "the records from offset " + intervalStart + " up to the anchor at offset " + at
                            + " (which covers records up to " + coveredSequence
                            + ") do not hash to the anchor's chain value: a record was altered, removed or"
                            + " inserted"));
        }
        chain.reset();
        chain.update(stored);
        anchorValue = stored;
        ringIdInEffect = content.getLong(at + CHUNK_HEADER_LENGTH);
        intervalDamaged = false;
        intervalStart = at + CHUNK_HEADER_LENGTH + ANCHOR_DATA_LENGTH;
        if (unanchoredRecords > 0) {
            // an anchor that closes records ends a batch (or seals a segment); one that
            // closes none marks a change of ring inside a batch that may still be undone
            resumePoint = new ResumePoint(intervalStart, coveredSequence, lastSequence, ringIdInEffect, stored,
                    lastRecordRingId, lastRecordPosition);
        }
        unanchoredRecords = 0;
    }

    private void hashRecordChunks(int from, int to) {
        bytesChecked += to - from;
        view.limit(to).position(from);
        chain.update(view);
    }

    /**
     * Damage at {@code at}: opens (or extends) the damage region and goes on at the next
     * block start.
     */
    private void damaged(int at, String why) {
        if (damageStart < 0) {
            damageStart = at;
            damageWhy = why;
        }
        if (pendingOffset >= 0) {
            damageStart = Math.min(damageStart, pendingOffset);
            pendingOffset = -1;
        }
        intervalDamaged = true;
        jumpTarget = SegmentFormat.nextBlock(at);
        position = (int) Math.min(end, jumpTarget);
    }

    /**
     * Damage made of chunks that passed their checksums but do not fit together: the scan
     * goes on right after them, at {@code resumeAt}, since their lengths can be trusted.
     */
    private void damagedChunk(int start, String why, int resumeAt) {
        damaged(start, why);
        jumpTarget = resumeAt;
        position = resumeAt;
    }

    private void closeDamage(int at) {
        if (damageStart < 0) {
            return;
        }
        problems.accept(new ArchiveProblem(ArchiveProblem.Kind.CORRUPT_RECORDS, segment, damageStart, at - damageStart,
                damageWhy + "; skipped to the next valid chunk at offset " + at));
        damageAfterLastRecord += at - damageStart;
        damageStart = -1;
    }

    /** The segment ends at {@code at} with what a write cut short leaves. */
    private void cut(int at, String why) {
        int start = at;
        if (pendingOffset >= 0) {
            start = pendingOffset;
            why = "record " + pendingSequence + " is incomplete: " + why;
            pendingOffset = -1;
        }
        finishDamage(start);
        resumeOffset = start;
        ArchiveProblem.Kind kind = lastSegment ? ArchiveProblem.Kind.TORN_TAIL : ArchiveProblem.Kind.CORRUPT_TAIL;
        ArchiveProblem tail = new ArchiveProblem(kind, segment, start, end - start,
                why + "; nothing valid follows: the segment ends after the last whole record");
        if (lastSegment) {
            tornTail = tail;
        }
        else {
            problems.accept(tail);
        }
        position = end;
    }

    private void finish(int at) {
        if (pendingOffset >= 0) {
            cut(end, "its last fragment is missing");
            return;
        }
        if (resumeOffset < 0) {
            resumeOffset = damageStart >= 0 ? Math.max(end, jumpTarget) : end;
        }
        finishDamage(at);
    }

    private void finishDamage(int at) {
        if (damageStart < 0) {
            return;
        }
        problems.accept(new ArchiveProblem(ArchiveProblem.Kind.CORRUPT_RECORDS, segment, damageStart, at - damageStart,
                damageWhy + "; no valid chunk follows in this segment"));
        damageAfterLastRecord += at - damageStart;
        damageStart = -1;
    }

    private static String structureProblem(byte type, int length, int recordLength, int room) {
        if (type < FULL || type > ANCHOR) {
            return "unknown chunk type " + type;
        }
        if (length > room - CHUNK_HEADER_LENGTH) {
            return "chunk of " + length + " bytes crosses the block boundary";
        }
        if (type == ANCHOR ? length != ANCHOR_DATA_LENGTH || recordLength != length
                : recordLength < 0 || length > recordLength || (type == FULL && length != recordLength)) {
            return "chunk lengths do not fit (type " + type + ", data " + length + ", record " + recordLength + ")";
        }
        return null;
    }

    private boolean zeroUpTo(int from, int to) {
        if (lastNonZeroEnd < 0) {
            int i = end;
            while (i > 0 && content.get(i - 1) == 0) {
                i--;
            }
            bytesChecked += end - i;
            lastNonZeroEnd = i;
        }
        if (to == end) {
            return from >= lastNonZeroEnd;
        }
        for (int i = from; i < to; i++) {
            if (content.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    private int crc(int from, int length) {
        view.limit(from + length).position(from);
        crc.reset();
        crc.update(view);
        return (int) crc.getValue();
    }

    long sequence() {
        return sequence;
    }

    /** Offset of the current record's first chunk in the segment file. */
    int recordOffset() {
        return recordOffset;
    }

    /** The current record's payload: read-only, little-endian, position 0. */
    ByteBuffer payload() {
        return payload;
    }

    /** Ring position stored with the current record. */
    long recordPosition() {
        return recordPosition;
    }

    /** Ring id in effect for the current record. */
    long recordRingId() {
        return recordRingId;
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
     * Offset just after the last whole valid record or anchor (the header's end when
     * none).
     */
    int validEnd() {
        return validEnd;
    }

    /**
     * Where a writer may append so that a reader reaches it, once {@link #advance()} has
     * returned false: the start of a torn tail, the end of the segment, or, when the
     * segment ends in damage, the next block start after it.
     */
    long resumeOffset() {
        return resumeOffset;
    }

    /** Bytes of damage found after the last valid record (0 when none). */
    long damageAfterLastRecord() {
        return damageAfterLastRecord;
    }

    /** The ring id in effect at the end of what was scanned. */
    long ringIdInEffect() {
        return ringIdInEffect;
    }

    /** Ring id of the last record scanned (or of the segment start when none). */
    long lastRecordRingId() {
        return lastRecordRingId;
    }

    /**
     * Ring position of the last record scanned (or the header's when none); -1 unknown.
     */
    long lastRecordPosition() {
        return lastRecordPosition;
    }

    /** Chain value of the last anchor (or the header's); null when neither was valid. */
    byte[] anchorValue() {
        return anchorValue;
    }

    /** Whether damage was found since the last anchor (or the segment start). */
    boolean damagedSinceAnchor() {
        return intervalDamaged;
    }

    /** Records read since the last anchor. */
    int unanchoredRecords() {
        return unanchoredRecords;
    }

    /**
     * A copy of the running chain hash: the last anchor's value and every record chunk
     * since, ready to take more chunks.
     */
    MessageDigest chain() {
        return Digests.copy(chain);
    }

    /** Bytes checksummed, hashed or checked for zero so far. */
    long bytesChecked() {
        return bytesChecked;
    }

    /**
     * The last place passed where a scan can start again: the start (header end or the
     * resume point given) or the end of the last anchor that closed records.
     */
    ResumePoint resumePoint() {
        return resumePoint;
    }

}
