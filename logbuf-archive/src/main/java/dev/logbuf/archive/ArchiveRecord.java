package dev.logbuf.archive;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * One record read back from an archive.
 *
 * @param sequence the record's sequence: 0 for the first record ever written to the
 * archive, then one more for each record
 * @param segment the segment file it was read from
 * @param position byte offset of the record's first chunk in that file
 * @param payload the record's bytes: a read-only, little-endian view (position 0, limit =
 * length) that stays valid after iteration moves on. It may share the buffer holding its
 * whole segment, so keep {@link #toByteArray()} copies rather than payloads when holding
 * on to many records
 * @param ringPosition the record's position in the ring it was drained from, -1 when not
 * known
 * @param ringId the id of that ring, 0 when not known
 */
public record ArchiveRecord(long sequence, Path segment, long position, ByteBuffer payload, long ringPosition,
        long ringId) {

    /** Payload length in bytes. */
    public int length() {
        return payload.remaining();
    }

    /** A copy of the payload. */
    public byte[] toByteArray() {
        byte[] copy = new byte[payload.remaining()];
        payload.duplicate().get(copy);
        return copy;
    }
}
