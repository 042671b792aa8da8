package dev.logbuf.archive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The file {@code archive.head}: the last record sequence the writer wrote and the hash
 * chain value that covers it, kept apart from the segments so that a deleted or cut
 * newest segment is noticed (by {@code verify} and by the next writer, which never reuses
 * those sequences) and so that the chain's end is anchored outside the segments.
 *
 * <pre>
 *  0  4  magic "LBAH"
 *  4  4  format version (2)
 *  8  8  sequence of the last record written (-1: none)
 * 16  8  ring id of that record's ring (0: unknown)
 * 24  8  ring position of that record (-1: unknown)
 * 32 32  chain value of the anchor that covers that record
 * 64  4  reserved, zero
 * 68  4  CRC-32C of bytes 0..67
 * </pre>
 *
 * It is rewritten in place (one positional write of 72 bytes) after every batch the
 * writer wrote, and not forced: it survives a killed process, and after a power loss it
 * may lag the forced segments (never lead them when the flush policy forces).
 *
 * @param lastSequence sequence of the last record written, -1 for none
 * @param ringId ring id of that record
 * @param ringPosition ring position of that record
 * @param chain chain value of the anchor covering that record
 */
record ArchiveHead(long lastSequence, long ringId, long ringPosition, byte[] chain) {

    static final int MAGIC = 0x4841424C; // "LBAH"

    static final int LENGTH = 72;

    private static final int CRC_OFFSET = 68;

    ByteBuffer encode() {
        ByteBuffer buffer = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(0, MAGIC)
            .putInt(4, SegmentFormat.VERSION)
            .putLong(8, lastSequence)
            .putLong(16, ringId)
            .putLong(24, ringPosition)
            .put(32, chain);
        buffer.putInt(CRC_OFFSET, SegmentFormat.crc(buffer, 0, CRC_OFFSET));
        return buffer;
    }

    /**
     * Reads the head file of {@code directory}.
     * @return the head, or null when there is none
     * @throws ArchiveFormatException when the file exists but is damaged or of another
     * version
     */
    static ArchiveHead read(Path directory) {
        Path file = directory.resolve(SegmentFormat.HEAD_FILE_NAME);
        ByteBuffer content = SegmentIo.readPrefix(file, LENGTH + 1);
        if (content.limit() == 0) {
            return null;
        }
        if (content.limit() != LENGTH || content.getInt(0) != MAGIC) {
            throw new ArchiveFormatException(file, file + " is not a logbuf archive head (" + content.limit()
                    + " bytes; expected " + LENGTH + " starting with \"LBAH\")");
        }
        String version = SegmentFormat.versionProblem(content.getInt(4));
        if (version != null) {
            throw new ArchiveFormatException(file, file + ": " + version);
        }
        int stored = content.getInt(CRC_OFFSET);
        int actual = SegmentFormat.crc(content, 0, CRC_OFFSET);
        if (stored != actual) {
            throw new ArchiveFormatException(file,
                    String.format("%s is damaged (checksum stored 0x%08X, computed 0x%08X)", file, stored, actual));
        }
        byte[] chain = new byte[SegmentFormat.DIGEST_LENGTH];
        content.get(32, chain);
        return new ArchiveHead(content.getLong(8), content.getLong(16), content.getLong(24), chain);
    }

    /** Writes this head over the head file through {@code channel}. */
    void write(FileChannel channel) throws IOException {
        ByteBuffer buffer = encode();
        while (buffer.hasRemaining()) {
            channel.write(buffer, buffer.position());
        }
    }

    static FileChannel open(Path directory) throws IOException {
        return FileChannel.open(directory.resolve(SegmentFormat.HEAD_FILE_NAME), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArchiveHead other && other.lastSequence == lastSequence && other.ringId == ringId
                && other.ringPosition == ringPosition && Arrays.equals(other.chain, chain);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(lastSequence) * 31 + Arrays.hashCode(chain);
    }

    @Override
    public String toString() {
        return "ArchiveHead[lastSequence=" + lastSequence + ", ringId=" + ringId + ", ringPosition=" + ringPosition
                + "]";
    }

}
