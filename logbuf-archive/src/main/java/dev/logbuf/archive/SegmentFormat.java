package dev.logbuf.archive;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The on-disk layout of an archive segment, format version 2, as constants and small
 * static helpers shared by the writer and the readers. {@code docs/archive-format.md}
 * describes the same layout byte by byte; the two must agree.
 *
 * <pre>
 * segment header (88 bytes, little-endian), at the start of block 0
 *   0  4  magic "LBAR"
 *   4  4  format version (2)
 *   8  8  sequence of the segment's first record
 *  16  8  creation time, epoch milliseconds
 *  24  8  ring id in effect at the segment's start (0: unknown)
 *  32  8  ring position of the last record of that ring stored before this segment (-1: none)
 *  40  4  block size (32768)
 *  44  4  reserved, zero
 *  48 32  chain anchor: the hash chain value this segment continues from
 *  80  4  reserved, zero
 *  84  4  CRC-32C of bytes 0..83
 * chunk (32-byte chunk header + data); chunks never cross a 32 KiB block boundary; fewer
 * than 32 bytes left in a block are zero padding
 *   0  4  CRC-32C of chunk header bytes 4..31
 *   4  4  CRC-32C of the chunk data
 *   8  2  data length
 *  10  1  type: 1 FULL, 2 FIRST, 3 MIDDLE, 4 LAST (record fragments), 5 ANCHOR
 *  11  1  reserved, zero
 *  12  4  record length (payload bytes of the whole record; for ANCHOR its data length)
 *  16  8  record sequence (ANCHOR: sequence of the last record it covers)
 *  24  8  ring position of the record (ANCHOR: of the last record it covers; -1 unknown)
 * ANCHOR data (40 bytes): ring id in effect from here on (8), chain value (32)
 * </pre>
 */
final class SegmentFormat {

    /** "LBAR" read as a little-endian int. */
    static final int MAGIC = 0x5241424C;

    static final int VERSION = 2;

    static final int BLOCK_SIZE = 32 * 1024;

    static final int HEADER_LENGTH = 88;

    static final int HEADER_MAGIC_OFFSET = 0;

    static final int HEADER_VERSION_OFFSET = 4;

    static final int HEADER_FIRST_SEQUENCE_OFFSET = 8;

    static final int HEADER_CREATED_OFFSET = 16;

    static final int HEADER_RING_ID_OFFSET = 24;

    static final int HEADER_RING_POSITION_OFFSET = 32;

    static final int HEADER_BLOCK_SIZE_OFFSET = 40;

    static final int HEADER_ANCHOR_OFFSET = 48;

    static final int HEADER_CRC_OFFSET = 84;

    static final int CHUNK_HEADER_LENGTH = 32;

    static final int CHUNK_HEADER_CRC_OFFSET = 0;

    static final int CHUNK_DATA_CRC_OFFSET = 4;

    static final int CHUNK_DATA_LENGTH_OFFSET = 8;

    static final int CHUNK_TYPE_OFFSET = 10;

    static final int CHUNK_RECORD_LENGTH_OFFSET = 12;

    static final int CHUNK_SEQUENCE_OFFSET = 16;

    static final int CHUNK_POSITION_OFFSET = 24;

    static final byte FULL = 1;

    static final byte FIRST = 2;

    static final byte MIDDLE = 3;

    static final byte LAST = 4;

    static final byte ANCHOR = 5;

    /** Length of the hash chain value (SHA-256). */
    static final int DIGEST_LENGTH = 32;

    static final int ANCHOR_DATA_LENGTH = 8 + DIGEST_LENGTH;

    static final int ANCHOR_LENGTH = CHUNK_HEADER_LENGTH + ANCHOR_DATA_LENGTH;

    /** Most data one chunk can carry: a block less its chunk header. */
    static final int MAX_CHUNK_DATA = BLOCK_SIZE - CHUNK_HEADER_LENGTH;

    /** Largest payload a record may have (its length is kept in a 32-bit field). */
    static final int MAX_PAYLOAD_LENGTH = Integer.MAX_VALUE - 1024;

    /** Ring position stored for a record whose ring position is not known. */
    static final long NO_POSITION = -1;

    /** Ring id stored when the records' ring is not known. */
    static final long NO_RING = 0;

    static final String SEGMENT_SUFFIX = ".seg";

    /**
     * Suffix of a segment being created; renamed to its final name once its header is
     * complete.
     */
    static final String TEMP_SUFFIX = ".seg.tmp";

    static final int NAME_DIGITS = 20;

    static final String LOCK_FILE_NAME = "archive.lock";

    static final String HEAD_FILE_NAME = "archive.head";

    private SegmentFormat() {
    }

    /**
     * {@code 00000000000000001234.seg}: 20 decimal digits so that names sort in sequence
     * order.
     */
    static String segmentName(long firstSequence) {
        return String.format("%0" + NAME_DIGITS + "d%s", firstSequence, SEGMENT_SUFFIX);
    }

    /** True for a file name written by {@link #segmentName(long)}. */
    static boolean isSegmentName(String name) {
        if (name.length() != NAME_DIGITS + SEGMENT_SUFFIX.length() || !name.endsWith(SEGMENT_SUFFIX)) {
            return false;
        }
        for (int i = 0; i < NAME_DIGITS; i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return name.compareTo(segmentName(Long.MAX_VALUE)) <= 0;
    }

    /**
     * The first sequence encoded in a segment's file name; the name must satisfy
     * {@link #isSegmentName}.
     */
    static long firstSequenceOf(Path segment) {
        return Long.parseLong(segment.getFileName().toString().substring(0, NAME_DIGITS));
    }

    static ByteBuffer encodeHeader(long firstSequence, long createdMillis, long ringId, long ringPosition,
            byte[] anchor) {
        ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(HEADER_MAGIC_OFFSET, MAGIC)
            .putInt(HEADER_VERSION_OFFSET, VERSION)
            .putLong(HEADER_FIRST_SEQUENCE_OFFSET, firstSequence)
            .putLong(HEADER_CREATED_OFFSET, createdMillis)
            .putLong(HEADER_RING_ID_OFFSET, ringId)
            .putLong(HEADER_RING_POSITION_OFFSET, ringPosition)
            .putInt(HEADER_BLOCK_SIZE_OFFSET, BLOCK_SIZE)
            .put(HEADER_ANCHOR_OFFSET, anchor);
        header.putInt(HEADER_CRC_OFFSET, crc(header, 0, HEADER_CRC_OFFSET));
        return header;
    }

    /**
     * Checks the header at the start of {@code segment} (little-endian, absolute
     * indexes).
     * @param expectedFirstSequence the first sequence the file name gives, or
     * {@link Long#MIN_VALUE} to accept any
     * @return {@code null} when the header is valid, otherwise what is wrong with it
     */
    static String headerProblem(ByteBuffer segment, long expectedFirstSequence) {
        if (segment.limit() >= 8 && segment.getInt(HEADER_MAGIC_OFFSET) == MAGIC) {
            int version = segment.getInt(HEADER_VERSION_OFFSET);
            if (versionFieldDamaged(segment)) {
                return "header checksum mismatch: the format version field reads " + version
                        + " where the rest of this version " + VERSION + " header expects " + VERSION;
            }
            String problem = versionProblem(version);
            if (problem != null) {
                return problem;
            }
        }
        if (segment.limit() < HEADER_LENGTH) {
            return "shorter than the " + HEADER_LENGTH + "-byte segment header (" + segment.limit() + " bytes)";
        }
        int magic = segment.getInt(HEADER_MAGIC_OFFSET);
        if (magic != MAGIC) {
            return String.format("bad magic 0x%08X (expected 0x%08X, \"LBAR\")", magic, MAGIC);
        }
        int storedCrc = segment.getInt(HEADER_CRC_OFFSET);
        int actualCrc = crc(segment, 0, HEADER_CRC_OFFSET);
        if (storedCrc != actualCrc) {
            return String.format("header checksum mismatch (stored 0x%08X, computed 0x%08X)", storedCrc, actualCrc);
        }
        int blockSize = segment.getInt(HEADER_BLOCK_SIZE_OFFSET);
        if (blockSize != BLOCK_SIZE) {
            return "block size " + blockSize + " (this reader knows " + BLOCK_SIZE + ")";
        }
        long firstSequence = segment.getLong(HEADER_FIRST_SEQUENCE_OFFSET);
        if (expectedFirstSequence != Long.MIN_VALUE && firstSequence != expectedFirstSequence) {
            return "header first sequence " + firstSequence + " does not match the file name's "
                    + expectedFirstSequence;
        }
        return null;
    }

    /**
     * Null for the version this code reads; otherwise a sentence saying what to do about
     * it.
     */
    static String versionProblem(int version) {
        if (version == VERSION) {
            return null;
        }
        if (version < VERSION && version > 0) {
            return "unsupported format version " + version + ": this logbuf reads archive format version " + VERSION
                    + " only (version " + version + " was written by an earlier logbuf; read it with that"
                    + " release's ArchiveTool, and move it out of the archive directory before archiving there)";
        }
        return "unsupported format version " + version + ": this logbuf reads archive format version " + VERSION
                + " only (a newer logbuf wrote it, or the header is damaged; read it with the logbuf that wrote it)";
    }

    /**
     * True when the version field is not {@link #VERSION} but the header's checksum
     * matches once it is: a damaged version field of a header of this version, not a
     * segment of another version.
     */
    static boolean versionFieldDamaged(ByteBuffer segment) {
        if (segment.limit() < HEADER_LENGTH || segment.getInt(HEADER_VERSION_OFFSET) == VERSION) {
            return false;
        }
        ByteBuffer copy = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        copy.put(0, segment, 0, HEADER_LENGTH);
        copy.putInt(HEADER_VERSION_OFFSET, VERSION);
        return crc(copy, 0, HEADER_CRC_OFFSET) == segment.getInt(HEADER_CRC_OFFSET);
    }

    /** True when {@code buffer} starts with the segment magic. */
    static boolean hasMagic(ByteBuffer buffer) {
        return buffer.limit() >= 4 && buffer.getInt(HEADER_MAGIC_OFFSET) == MAGIC;
    }

    /** Bytes left in the block that holds file offset {@code offset}. */
    static int blockRemaining(long offset) {
        return BLOCK_SIZE - (int) (offset % BLOCK_SIZE);
    }

    /** The file offset where the block after the one holding {@code offset} starts. */
    static long nextBlock(long offset) {
        return (offset / BLOCK_SIZE + 1) * BLOCK_SIZE;
    }

    /**
     * Bytes a record of {@code length} payload bytes takes when its first chunk starts at
     * file offset {@code offset}, block padding included.
     */
    static long recordFootprint(long offset, long length) {
        long position = offset;
        long left = length;
        boolean first = true;
        while (first || left > 0) {
            int room = blockRemaining(position);
            if (room < CHUNK_HEADER_LENGTH) {
                position += room;
                continue;
            }
            long data = Math.min(left, room - CHUNK_HEADER_LENGTH);
            position += CHUNK_HEADER_LENGTH + data;
            left -= data;
            first = false;
        }
        return position - offset;
    }

    /** Bytes an anchor chunk takes at file offset {@code offset}, padding included. */
    static int anchorFootprint(long offset) {
        int room = blockRemaining(offset);
        return room < ANCHOR_LENGTH ? room + ANCHOR_LENGTH : ANCHOR_LENGTH;
    }

    /**
     * CRC-32C of {@code length} bytes of {@code buffer} from absolute index {@code from};
     * the buffer is untouched.
     */
    static int crc(ByteBuffer buffer, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(buffer.duplicate().limit(from + length).position(from));
        return (int) crc.getValue();
    }

}
