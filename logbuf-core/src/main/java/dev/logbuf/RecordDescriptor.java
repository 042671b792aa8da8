package dev.logbuf;

/**
 * Layout of one record in the data region of a ring.
 *
 * <pre>
 *  0               4               8
 *  +---------------+---------------+------------------------------+---------+
 *  | frame length  | claimant id   | payload (length bytes)       | padding |
 *  +---------------+---------------+------------------------------+---------+
 *  |<-------- header, one little-endian long ------->|             to 8 bytes
 * </pre>
 *
 * The header is read and written as one 8-byte little-endian {@code long}, so the frame
 * length is its low 32 bits and the claimant id its high 32 bits:
 * <ul>
 * <li>frame length {@code > 0}: a committed record with that many payload bytes;</li>
 * <li>frame length {@code < 0}: a skip marker; the consumer passes over
 * {@code -frameLength} bytes (header included) without surfacing them. Written for the
 * padding at the wrap and for aborted claims;</li>
 * <li>frame length {@code == 0}: nothing committed here yet. When the ring's producer
 * position lies beyond this record, it has been claimed and the claimant id names the
 * claiming thread (0 while not yet known).</li>
 * </ul>
 * Records start at 8-byte aligned indexes and occupy
 * {@code align8(HEADER_LENGTH + length)} bytes, so a 7-byte payload occupies 16 bytes and
 * a 13-byte payload 24.
 */
final class RecordDescriptor {

    /** Bytes of header in front of every payload. */
    static final int HEADER_LENGTH = 8;

    /** Every record starts at a multiple of this. */
    static final int ALIGNMENT = 8;

    private RecordDescriptor() {
    }

    /**
     * Bytes a record with {@code length} payload bytes occupies, header and padding
     * included.
     */
    static int alignedLength(int length) {
        return (HEADER_LENGTH + length + ALIGNMENT - 1) & -ALIGNMENT;
    }

    /** Header of a committed record. */
    static long committedHeader(int claimantId, int length) {
        return ((long) claimantId << 32) | (length & 0xFFFF_FFFFL);
    }

    /** Header of a claimed, not yet committed record: frame length 0, claimant known. */
    static long claimedHeader(int claimantId) {
        return (long) claimantId << 32;
    }

    /** Header of a skip marker covering {@code skippedBytes} bytes, header included. */
    static long skipMarkerHeader(int claimantId, int skippedBytes) {
        return ((long) claimantId << 32) | (-skippedBytes & 0xFFFF_FFFFL);
    }

    static int frameLength(long header) {
        return (int) header;
    }

    static int claimantId(long header) {
        return (int) (header >>> 32);
    }

    /**
     * The largest payload that fits an empty ring wherever its head stands. Worst case:
     * the head sits {@code S - 8} bytes before the end of the data region for a record
     * occupying {@code S} bytes, so the claim needs {@code (S - 8)} bytes of wrap padding
     * plus {@code S}; that is at most the capacity when {@code S <= capacity / 2}. Hence
     * {@code maxRecordLength = capacity / 2 - HEADER_LENGTH}.
     */
    static int maxRecordLength(int capacity) {
        return capacity / 2 - HEADER_LENGTH;
    }

}
