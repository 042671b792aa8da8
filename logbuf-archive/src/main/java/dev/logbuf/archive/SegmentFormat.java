package dev.logbuf.archive;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The on-disk layout of an archive segment, as static constants and small static helpers.
 * {@code docs/archive-format.md} describes the same layout byte by byte; the two must
 * agree.
 *
 * <pre>
 * segment header (32 bytes, little-endian)
 *   0  4  magic "LBAR" (0x4C 0x42 0x41 0x52)
 *   4  4  format version (1)
 *   8  8  sequence of the segment's first record
 *  16  8  creation time, epoch milliseconds
 *  24  4  reserved, zero
 *  28  4  CRC-32C of bytes 0..27
 * record frame (16-byte frame header + payload), frames follow each other without padding
 *   0  4  CRC-32C of bytes 4 .. 16+length (length, sequence and payload)
 *   4  4  payload length in bytes (0 .. 2^31-17)
 *   8  8  record sequence
 *  16  .. payload
 * </pre>
 */
final class SegmentFormat {

    /** "LBAR" read as a little-endian int. */
    static final int MAGIC = 0x5241424C;
    static final int VERSION = 1;
    static final int HEADER_LENGTH = 32;
    static final int HEADER_MAGIC_OFFSET = 0;
    static final int HEADER_VERSION_OFFSET = 4;
    static final int HEADER_FIRST_SEQUENCE_OFFSET = 8;
    static final int HEADER_CREATED_OFFSET = 16;
    static final int HEADER_CRC_OFFSET = 28;

    /** Bytes covered by the header checksum: everything before it. */
    static final int HEADER_CHECKSUMMED_LENGTH = HEADER_CRC_OFFSET;

    static final int FRAME_HEADER_LENGTH = 16;
    static final int FRAME_CRC_OFFSET = 0;
    static final int FRAME_LENGTH_OFFSET = 4;
    static final int FRAME_SEQUENCE_OFFSET = 8;

    /**
     * The frame checksum covers the frame from its length field to the end of the
     * payload.
     */
    static final int FRAME_CHECKSUM_START = FRAME_LENGTH_OFFSET;

    /**
     * Largest payload a frame can describe (the frame length must stay a positive int).
     */
    static final int MAX_PAYLOAD_LENGTH = Integer.MAX_VALUE - FRAME_HEADER_LENGTH;

    static final String SEGMENT_SUFFIX = ".seg";

    /**
     * Suffix of a segment being created; renamed to its final name once its header is
     * complete.
     */
    static final String TEMP_SUFFIX = ".seg.tmp";
    static final int NAME_DIGITS = 20;
    static final String LOCK_FILE_NAME = "archive.lock";

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

    static ByteBuffer encodeHeader(long firstSequence, long createdMillis) {
        ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(HEADER_MAGIC_OFFSET, MAGIC)
            .putInt(HEADER_VERSION_OFFSET, VERSION)
            .putLong(HEADER_FIRST_SEQUENCE_OFFSET, firstSequence)
            .putLong(HEADER_CREATED_OFFSET, createdMillis);
        header.putInt(HEADER_CRC_OFFSET, crc(header, 0, HEADER_CHECKSUMMED_LENGTH));
        return header;
    }

    /**
     * Checks the header at the start of {@code segment} (little-endian, absolute
     * indexes).
     * @return {@code null} when the header is valid, otherwise what is wrong with it
     */
    static String headerProblem(ByteBuffer segment, long expectedFirstSequence) {
        if (segment.limit() < HEADER_LENGTH) {
            return "shorter than the " + HEADER_LENGTH + "-byte segment header (" + segment.limit() + " bytes)";
        }
        int magic = segment.getInt(HEADER_MAGIC_OFFSET);
        if (magic != MAGIC) {
            return String.format("bad magic 0x%08X (expected 0x%08X, \"LBAR\")", magic, MAGIC);
        }
        int storedCrc = segment.getInt(HEADER_CRC_OFFSET);
        int actualCrc = crc(segment, 0, HEADER_CHECKSUMMED_LENGTH);
        if (storedCrc != actualCrc) {
            return String.format("header checksum mismatch (stored 0x%08X, computed 0x%08X)", storedCrc, actualCrc);
        }
        int version = segment.getInt(HEADER_VERSION_OFFSET);
        if (version != VERSION) {
            return "unsupported format version " + version + " (this reader knows version " + VERSION + ")";
        }
        long firstSequence = segment.getLong(HEADER_FIRST_SEQUENCE_OFFSET);
        if (firstSequence != expectedFirstSequence) {
            return "header first sequence " + firstSequence + " does not match the file name's "
                    + expectedFirstSequence;
        }
        return null;
    }

    /** True when {@code buffer} starts with the segment magic. */
    static boolean hasMagic(ByteBuffer buffer) {
        return buffer.limit() >= 4 && buffer.getInt(HEADER_MAGIC_OFFSET) == MAGIC;
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
