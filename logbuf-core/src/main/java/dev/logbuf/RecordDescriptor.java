package dev.logbuf;

/**
 * Layout of one record in the data region of a ring.
 *
 * <pre>
 *  0               4               8
 *  +---------------+---------------+------------------------------+---------+
 *  | frame length  | state / tag   | payload (length bytes)       | padding |
 *  +---------------+---------------+------------------------------+---------+
 *  |<-------- header, one little-endian long ------->|             to 8 bytes
 * </pre>
 *
 * The header is read and written as one 8-byte little-endian {@code long}: the frame
 * length is its low 32 bits, the high 32 bits say whether the record is still claimed and
 * by whom. A header is in exactly one of four states, told apart by the sign of the
 * {@code long} and of its low {@code int}:
 *
 * <table>
 * <caption>Header states</caption>
 * <tr>
 * <th>state</th>
 * <th>high 32 bits</th>
 * <th>low 32 bits</th>
 * <th>as a long</th>
 * </tr>
 * <tr>
 * <td>free</td>
 * <td>0</td>
 * <td>0</td>
 * <td>{@code 0}</td>
 * </tr>
 * <tr>
 * <td>claimed</td>
 * <td>{@code 0x8000_0000 | tag}</td>
 * <td>payload length {@code > 0}</td>
 * <td>{@code < 0}</td>
 * </tr>
 * <tr>
 * <td>committed</td>
 * <td>0</td>
 * <td>payload length {@code > 0}</td>
 * <td>{@code > 0}, low int {@code > 0}</td>
 * </tr>
 * <tr>
 * <td>skip marker</td>
 * <td>0</td>
 * <td>{@code -bytes} (header included)</td>
 * <td>{@code > 0}, low int {@code < 0}</td>
 * </tr>
 * </table>
 *
 * <ul>
 * <li><b>free</b>: nothing here. Free space always reads as zero (the consumer zeroes
 * what it releases), so a free header past the producer position is unclaimed space, and
 * one before it is an MPSC reservation whose producer has not yet written its header (its
 * whole record still reads as zero: the producer writes the header before any payload
 * byte).</li>
 * <li><b>claimed</b>: reserved by a producer that has neither committed nor aborted. It
 * carries the payload length, so the record's extent is known without its claimant: the
 * consumer can turn it into a skip marker when its claimant has terminated
 * ({@link Consumer#unblock}) and a file-backed ring can drop it when the process died.
 * The tag is the claimant's slot in the ring's {@link Claimants} table plus one
 * ({@code 0}: not recorded).</li>
 * <li><b>committed</b>: a record the consumer hands over.</li>
 * <li><b>skip marker</b>: padding at the wrap, an aborted or unblocked claim, or a claim
 * dropped by crash recovery; the consumer passes over {@code -frameLength} bytes.</li>
 * </ul>
 * Records start at 8-byte aligned indexes and occupy
 * {@code align8(HEADER_LENGTH + length)} bytes, so a 7-byte payload occupies 16 bytes and
 * a 13-byte payload 24. A skip marker never crosses the end of the data region.
 */
final class RecordDescriptor {

    /** Bytes of header in front of every payload. */
    static final int HEADER_LENGTH = 8;

    /** Every record starts at a multiple of this. */
    static final int ALIGNMENT = 8;

    /** High bit of a claimed header. */
    private static final long CLAIMED = 1L << 63;

    /** Largest claimant tag: 31 bits. */
    static final int MAX_TAG = Integer.MAX_VALUE;

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
    static long committedHeader(int length) {
        return length;
    }

    /** Header of a claimed, not yet committed record of {@code length} payload bytes. */
    static long claimedHeader(int tag, int length) {
        return CLAIMED | ((long) tag << 32) | length;
    }

    /** Header of a skip marker covering {@code skippedBytes} bytes, header included. */
    static long skipMarkerHeader(int skippedBytes) {
        return -skippedBytes & 0xFFFF_FFFFL;
    }

    /**
     * Payload length of a committed or claimed header, minus the bytes of a skip marker,
     * 0 for a free header.
     */
    static int frameLength(long header) {
        return (int) header;
    }

    static boolean isCommitted(long header) {
        return header > 0 && (int) header > 0;
    }

    static boolean isSkipMarker(long header) {
        return header > 0 && (int) header < 0;
    }

    static boolean isClaimed(long header) {
        return header < 0;
    }

    /** The claimant tag of a claimed header (0: not recorded). */
    static int tag(long header) {
        return (int) (header >>> 32) & MAX_TAG;
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
